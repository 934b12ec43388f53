import { JSONResolver } from 'graphql-scalars';
import { Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';

export enum IrrStatus {
  OK = 'OK',
  NO_IRR = 'NO_IRR',
}
registerEnumType(IrrStatus, { name: 'IrrStatus' });

const simple = { simpleResolvers: true };

@ObjectType('UndefinedRatio', {
  ...simple,
  description: 'A ratio that has no value for these inputs (it is null), and why',
})
export class UndefinedRatio {
  @Field({ description: 'The null field, e.g. roi' }) field!: string;
  @Field({ description: 'e.g. "No cash is invested"' }) reason!: string;
}

@ObjectType('FlipNumbers', simple)
export class FlipNumbers {
  @Field(() => Float) purchasePrice!: number;
  @Field(() => Float) buyingCosts!: number;
  @Field(() => Float) holdingCosts!: number;
  @Field(() => Float) financingCosts!: number;
  @Field(() => Float) loanAmount!: number;
  @Field(() => Float) sellingCosts!: number;
  @Field(() => Float) totalCost!: number;
  @Field(() => Float) profit!: number;
  @Field(() => Float) cashInvested!: number;
  @Field(() => Float, { nullable: true, description: 'profit / cash invested; null when no cash is invested' }) roi!:
    number | null;
  @Field(() => Float, {
    nullable: true,
    description:
      '(1 + roi)^(12 / months) − 1; null when ROI is, with a 0-month hold, or when the loss is at least the ' +
      'cash invested',
  })
  annualizedRoi!: number | null;
  @Field(() => [UndefinedRatio], { description: 'Why each null ratio is null' }) undefinedBecause!: UndefinedRatio[];
}

@ObjectType('WholesaleNumbers', simple)
export class WholesaleNumbers {
  @Field(() => Float) assignmentFee!: number;
  @Field(() => Float) buyerPrice!: number;
  @Field(() => FlipNumbers, { description: 'The end buyer’s flip at buyerPrice' }) buyer!: FlipNumbers;
}

@ObjectType('FlipAnalysis', simple)
export class FlipAnalysis {
  @Field(() => Float) repairs!: number;
  @Field(() => Float, { description: 'maoRulePct × ARV − repairs' }) maoByRule!: number;
  @Field(() => Float, { nullable: true, description: 'The price that leaves exactly targetProfit' })
  maoByTargetProfit!: number | null;
  @Field(() => FlipNumbers, { nullable: true, description: 'At purchasePrice, when given' }) deal!: FlipNumbers | null;
  @Field(() => WholesaleNumbers, { nullable: true }) wholesale!: WholesaleNumbers | null;
}

@ObjectType('ExpenseLine', simple)
export class ExpenseLine {
  @Field() label!: string;
  @Field(() => Float) annual!: number;
}

@ObjectType('AmortizationYear', simple)
export class AmortizationYear {
  @Field(() => Int) year!: number;
  @Field(() => Float) interest!: number;
  @Field(() => Float) principal!: number;
  @Field(() => Float) endingBalance!: number;
}

@ObjectType('RentalAnalysis', simple)
export class RentalAnalysis {
  @Field(() => Float) grossScheduledIncome!: number;
  @Field(() => Float) vacancyLoss!: number;
  @Field(() => Float) effectiveGrossIncome!: number;
  @Field(() => [ExpenseLine]) operatingExpenses!: ExpenseLine[];
  @Field(() => Float) totalOperatingExpenses!: number;
  @Field(() => Float) noi!: number;
  @Field(() => Float) capRate!: number;
  @Field(() => Float) loanAmount!: number;
  @Field(() => Float) monthlyPayment!: number;
  @Field(() => Float) annualDebtService!: number;
  @Field(() => Float) annualCashFlow!: number;
  @Field(() => Float) monthlyCashFlow!: number;
  @Field(() => Float) cashInvested!: number;
  @Field(() => Float, { nullable: true, description: 'Null when no cash is invested' }) cashOnCash!: number | null;
  @Field(() => Float, { nullable: true, description: 'Null when there is no debt' }) dscr!: number | null;
  @Field(() => Float, { nullable: true, description: 'Price / yearly rent; null with no rent' }) grossRentMultiplier!:
    number | null;
  @Field(() => Float, { nullable: true, description: '(Expenses + debt service) / gross income; null with no income' })
  breakEvenOccupancy!: number | null;
  @Field(() => [AmortizationYear]) amortization!: AmortizationYear[];
  @Field(() => [UndefinedRatio], { description: 'Why each null ratio is null' }) undefinedBecause!: UndefinedRatio[];
}

@ObjectType('IrrResult', {
  ...simple,
  description:
    'Every rate from −99% to 1000% that zeroes the NPV; NO_IRR when there is none (always when the flows ' +
    'never change sign)',
})
export class IrrResult {
  @Field(() => IrrStatus) status!: IrrStatus;
  @Field(() => Float, { nullable: true, description: 'The root closest to zero' }) irr?: number | null;
  @Field(() => [Float], { nullable: true, description: 'Every root, ascending' }) roots?: number[] | null;
  @Field(() => [Float], {
    nullable: true,
    description: 'Roots where the NPV touches zero without crossing it (double roots)',
  })
  doubleRoots?: number[] | null;
  @Field(() => String, { nullable: true }) reason?: string | null;
  @Field(() => Float, {
    nullable: true,
    description: 'NO_IRR with flows that change sign: the rate where |NPV| is smallest',
  })
  closestRate?: number | null;
  @Field(() => Float, { nullable: true, description: 'NO_IRR with flows that change sign: that smallest |NPV|' })
  minAbsNpv?: number | null;
}

@ObjectType('DcfYear', simple)
export class DcfYear {
  @Field(() => Int) year!: number;
  @Field(() => Float) effectiveGrossIncome!: number;
  @Field(() => Float) operatingExpenses!: number;
  @Field(() => Float) noi!: number;
  @Field(() => Float) capex!: number;
  @Field(() => Float) unleveredCashFlow!: number;
  @Field(() => Float) debtService!: number;
  @Field(() => Float) leveredCashFlow!: number;
}

@ObjectType('DcfAnalysis', simple)
export class DcfAnalysis {
  @Field(() => [DcfYear]) years!: DcfYear[];
  @Field(() => Float) exitValue!: number;
  @Field(() => Float) netSaleProceeds!: number;
  @Field(() => Float) loanPayoff!: number;
  @Field(() => Float) equityInvested!: number;
  @Field(() => [Float]) unleveredCashFlows!: number[];
  @Field(() => [Float]) leveredCashFlows!: number[];
  @Field(() => Float) npv!: number;
  @Field(() => IrrResult) unleveredIrr!: IrrResult;
  @Field(() => IrrResult) leveredIrr!: IrrResult;
  @Field(() => Float, { nullable: true, description: 'Distributions / equity; null when no equity is invested' })
  equityMultiple!: number | null;
  @Field(() => [UndefinedRatio], { description: 'Why each null ratio is null' }) undefinedBecause!: UndefinedRatio[];
}

@ObjectType('UnderwritingChange', { ...simple, description: 'One input or output that differs between two versions' })
export class UnderwritingChange {
  @Field({ description: 'e.g. inputs.purchasePrice or outputs.deal.profit' }) path!: string;
  @Field(() => JSONResolver, { nullable: true }) before!: unknown;
  @Field(() => JSONResolver, { nullable: true }) after!: unknown;
}
