import { ValidationError } from '../../platform/errors/index.js';
import { irr, npv, payment, remainingBalance, type IrrResult } from './finance.js';
import { nonNegative, positive, ratio, round, share, whole, type UndefinedRatio } from './inputs.js';
import type { LoanInput } from './rental.js';

export interface DcfInput {
  purchasePrice: number;
  closingCosts?: number | null;
  /** Year-1 potential gross income (all units, all sources). */
  grossIncome: number;
  vacancyRate?: number | null;
  /** Year-1 operating expenses. */
  operatingExpenses: number;
  rentGrowth?: number | null;
  expenseGrowth?: number | null;
  /** Year-1 capital reserves; grows with expenses. */
  capexReserve?: number | null;
  holdYears: number;
  /** Sale price = next year's NOI / exit cap rate. */
  exitCapRate: number;
  sellingCostsPct?: number | null;
  discountRate: number;
  loan?: LoanInput | null;
}

export interface DcfYear {
  year: number;
  effectiveGrossIncome: number;
  operatingExpenses: number;
  noi: number;
  capex: number;
  unleveredCashFlow: number;
  debtService: number;
  leveredCashFlow: number;
}

export interface DcfResult {
  years: DcfYear[];
  exitValue: number;
  netSaleProceeds: number;
  loanPayoff: number;
  equityInvested: number;
  unleveredCashFlows: number[];
  leveredCashFlows: number[];
  npv: number;
  unleveredIrr: IrrResult;
  leveredIrr: IrrResult;
  /** Distributions / equity; null when no equity is invested. */
  equityMultiple: number | null;
  undefinedBecause: UndefinedRatio[];
}

export function analyzeDcf(input: DcfInput): DcfResult {
  const price = positive(input.purchasePrice, 'input.purchasePrice');
  const closing = nonNegative(input.closingCosts ?? 0, 'input.closingCosts');
  const operations = checkedOperations(input);
  whole(input.holdYears, 'input.holdYears', 1, 30, 'years');
  const exitCap = share(input.exitCapRate, 'input.exitCapRate');
  if (exitCap === 0) throw new ValidationError('input.exitCapRate must be above zero', 'input.exitCapRate');
  const selling = share(input.sellingCostsPct ?? 0.03, 'input.sellingCostsPct');
  const discount = share(input.discountRate, 'input.discountRate');
  const loan = input.loan ?? null;
  const financing = loanTerms(loan, price);
  const { years, rawUnlevered, rawLevered } = yearByYear(
    operations,
    input.holdYears,
    loan ? loan.years : 0,
    financing.annualDebt,
  );
  const exitValue = operations.noiFor(input.holdYears + 1).noi / exitCap;
  const netSale = exitValue * (1 - selling);
  const payoff =
    loan && financing.loanAmount > 0
      ? remainingBalance(financing.loanAmount, loan.annualRate, loan.years, input.holdYears * 12)
      : 0;
  const allIn = price + closing;
  const equity = allIn - financing.loanAmount + financing.points;
  const last = input.holdYears - 1;
  const unlevered = [-allIn, ...rawUnlevered.map((cf, n) => cf + (n === last ? netSale : 0))];
  const levered = [-equity, ...rawLevered.map((cf, n) => cf + (n === last ? netSale - payoff : 0))];
  const distributions = levered.slice(1).reduce((s, c) => s + c, 0);
  const undefinedBecause: UndefinedRatio[] = [];
  const equityMultiple = ratio(distributions, equity, 'equityMultiple', 'No equity is invested', undefinedBecause);
  return {
    years,
    exitValue: round(exitValue),
    netSaleProceeds: round(netSale),
    loanPayoff: round(payoff),
    equityInvested: round(equity),
    unleveredCashFlows: unlevered.map(round),
    leveredCashFlows: levered.map(round),
    npv: round(npv(discount, unlevered)),
    unleveredIrr: irr(unlevered),
    leveredIrr: irr(levered),
    equityMultiple,
    undefinedBecause,
  };
}

/** Income and expenses, checked, as a function of the year (growth compounds from year 1). */
function checkedOperations(input: DcfInput) {
  const gross = nonNegative(input.grossIncome, 'input.grossIncome');
  const vacancy = share(input.vacancyRate ?? 0.05, 'input.vacancyRate');
  const opex1 = nonNegative(input.operatingExpenses, 'input.operatingExpenses');
  const g = growth(input.rentGrowth ?? 0.03, 'input.rentGrowth');
  const ge = growth(input.expenseGrowth ?? 0.03, 'input.expenseGrowth');
  const capex1 = nonNegative(input.capexReserve ?? 0, 'input.capexReserve');
  return {
    noiFor(year: number) {
      const egi = gross * (1 + g) ** (year - 1) * (1 - vacancy);
      const opex = opex1 * (1 + ge) ** (year - 1);
      return { egi, opex, noi: egi - opex, capex: capex1 * (1 + ge) ** (year - 1) };
    },
  };
}

function loanTerms(loan: DcfInput['loan'] | null, price: number) {
  if (!loan) return { loanAmount: 0, annualDebt: 0, points: 0 };
  const rate = share(loan.annualRate, 'input.loan.annualRate');
  whole(loan.years, 'input.loan.years', 1, 40, 'years');
  const loanAmount = price * (1 - share(loan.downPaymentPct, 'input.loan.downPaymentPct'));
  const points = loanAmount * share(loan.pointsPct ?? 0, 'input.loan.pointsPct');
  const annualDebt = loanAmount > 0 ? payment(loanAmount, rate / 12, loan.years * 12) * 12 : 0;
  return { loanAmount, annualDebt, points };
}

/** The hold's years: flows kept unrounded for NPV and IRR; only what is shown is rounded to cents. */
function yearByYear(
  operations: ReturnType<typeof checkedOperations>,
  holdYears: number,
  loanYears: number,
  annualDebt: number,
) {
  const rawUnlevered: number[] = [];
  const rawLevered: number[] = [];
  const years: DcfYear[] = [];
  for (let y = 1; y <= holdYears; y++) {
    const { egi, opex, noi, capex } = operations.noiFor(y);
    // A loan shorter than the hold is paid off at the end of its term: no debt service after it.
    const debt = y <= loanYears ? annualDebt : 0;
    rawUnlevered.push(noi - capex);
    rawLevered.push(noi - capex - debt);
    years.push({
      year: y,
      effectiveGrossIncome: round(egi),
      operatingExpenses: round(opex),
      noi: round(noi),
      capex: round(capex),
      unleveredCashFlow: round(noi - capex),
      debtService: round(debt),
      leveredCashFlow: round(noi - capex - debt),
    });
  }
  return { years, rawUnlevered, rawLevered };
}

function growth(v: number, field: string): number {
  if (!Number.isFinite(v) || v < -0.5 || v > 0.5)
    throw new ValidationError(`${field} must be between -0.5 and 0.5 (-50% to 50% a year)`, field);
  return v;
}
