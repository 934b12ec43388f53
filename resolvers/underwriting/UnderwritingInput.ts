import { Field, Float, InputType, Int, registerEnumType } from 'type-graphql';
import { UnderwritingKind } from '../../entities/enums.js';

export enum RepairLevel {
  LIGHT = 'LIGHT',
  MEDIUM = 'MEDIUM',
  HEAVY = 'HEAVY',
}
registerEnumType(RepairLevel, {
  name: 'RepairLevel',
  description: 'Rehab scope priced per square foot: LIGHT $20, MEDIUM $40, HEAVY $70',
});

@InputType()
export class RepairItemInput {
  @Field()
  label!: string;

  @Field(() => Float)
  amount!: number;
}

@InputType({ description: 'Hard-money style loan on purchase + repairs (interest only while holding)' })
export class FlipFinancingInput {
  @Field(() => Float, { description: 'Share of purchase + repairs financed, 0-1' })
  loanToCost!: number;

  @Field(() => Float, { description: 'Annual interest rate, 0-1' })
  annualRate!: number;

  @Field(() => Float, { nullable: true, description: 'Points as a share of the loan, 0-1' })
  pointsPct?: number;
}

@InputType({ description: 'Rates and shares are decimals (0.08 = 8%)' })
export class FlipInput {
  @Field(() => Float, { description: 'After-repair value' })
  arv!: number;

  @Field(() => Float, { nullable: true, description: 'Omit to get only the maximum allowable offer' })
  purchasePrice?: number;

  @Field(() => [RepairItemInput], { nullable: true })
  repairItems?: RepairItemInput[];

  @Field(() => RepairLevel, { nullable: true, description: 'Used when there are no line items' })
  repairLevel?: RepairLevel;

  @Field(() => Int, { nullable: true })
  squareFeet?: number;

  @Field(() => Float, { nullable: true, description: 'Default 0.02 of purchase price' })
  buyingCostsPct?: number;

  @Field(() => Float, { nullable: true, description: 'Default 0.08 of ARV' })
  sellingCostsPct?: number;

  @Field(() => Int, { nullable: true, description: 'Default 6' })
  holdingMonths?: number;

  @Field(() => Float, { nullable: true })
  holdingCostPerMonth?: number;

  @Field(() => FlipFinancingInput, { nullable: true })
  financing?: FlipFinancingInput;

  @Field(() => Float, { nullable: true, description: 'Rule of thumb share of ARV, default 0.70' })
  maoRulePct?: number;

  @Field(() => Float, { nullable: true })
  targetProfit?: number;

  @Field(() => Float, { nullable: true, description: 'Wholesale: fee for assigning the contract' })
  assignmentFee?: number;
}

@InputType()
export class LoanInput {
  @Field(() => Float)
  downPaymentPct!: number;

  @Field(() => Float)
  annualRate!: number;

  @Field(() => Int)
  years!: number;

  @Field(() => Float, { nullable: true })
  pointsPct?: number;
}

@InputType({ description: 'Amounts are annual unless named monthly; shares are decimals' })
export class RentalInput {
  @Field(() => Float) purchasePrice!: number;
  @Field(() => Float, { nullable: true }) closingCosts?: number;
  @Field(() => Float, { nullable: true }) rehab?: number;
  @Field(() => Float) monthlyRent!: number;
  @Field(() => Float, { nullable: true }) otherMonthlyIncome?: number;
  @Field(() => Float, { nullable: true, description: 'Default 0.05' }) vacancyRate?: number;
  @Field(() => Float, { nullable: true }) propertyTaxes?: number;
  @Field(() => Float, { nullable: true }) insurance?: number;
  @Field(() => Float, { nullable: true }) hoa?: number;
  @Field(() => Float, { nullable: true }) utilities?: number;
  @Field(() => Float, { nullable: true }) otherExpenses?: number;
  @Field(() => Float, { nullable: true, description: 'Share of rent, default 0.05' }) maintenancePct?: number;
  @Field(() => Float, { nullable: true, description: 'Share of rent, default 0.08' }) managementPct?: number;
  @Field(() => Float, { nullable: true, description: 'Share of rent, default 0.05' }) capexPct?: number;
  @Field(() => LoanInput, { nullable: true, description: 'Omit for all cash' }) loan?: LoanInput;
}

@InputType({ description: 'Year-1 figures; growth rates and shares are decimals' })
export class DcfInput {
  @Field(() => Float) purchasePrice!: number;
  @Field(() => Float, { nullable: true }) closingCosts?: number;
  @Field(() => Float) grossIncome!: number;
  @Field(() => Float, { nullable: true }) vacancyRate?: number;
  @Field(() => Float) operatingExpenses!: number;
  @Field(() => Float, { nullable: true, description: 'Default 0.03' }) rentGrowth?: number;
  @Field(() => Float, { nullable: true, description: 'Default 0.03' }) expenseGrowth?: number;
  @Field(() => Float, { nullable: true }) capexReserve?: number;
  @Field(() => Int) holdYears!: number;
  @Field(() => Float, { description: 'Sale price = next year NOI / exit cap' }) exitCapRate!: number;
  @Field(() => Float, { nullable: true, description: 'Default 0.03' }) sellingCostsPct?: number;
  @Field(() => Float) discountRate!: number;
  @Field(() => LoanInput, { nullable: true }) loan?: LoanInput;
}

@InputType()
export class SaveUnderwritingInput {
  @Field(() => UnderwritingKind)
  kind!: UnderwritingKind;

  @Field(() => FlipInput, { nullable: true, description: 'Required when kind is FLIP' })
  flip?: FlipInput;

  @Field(() => RentalInput, { nullable: true, description: 'Required when kind is RENTAL' })
  rental?: RentalInput;

  @Field(() => DcfInput, { nullable: true, description: 'Required when kind is DCF' })
  dcf?: DcfInput;

  @Field({ nullable: true })
  notes?: string;

  @Field(() => [String], { nullable: true, description: 'Ids of the comparable sales used (from property.comps)' })
  compIds?: string[];
}
