import { amortizationSchedule, payment } from './finance.js';
import { nonNegative, positive, ratio, round, share, whole, type UndefinedRatio } from './inputs.js';

export interface LoanInput {
  downPaymentPct: number;
  annualRate: number;
  years: number;
  pointsPct?: number | null;
}

export interface RentalInput {
  purchasePrice: number;
  closingCosts?: number | null;
  rehab?: number | null;
  monthlyRent: number;
  otherMonthlyIncome?: number | null;
  /** Share of gross rent lost to vacancy and credit loss (default 5%). */
  vacancyRate?: number | null;
  /** Annual amounts. */
  propertyTaxes?: number | null;
  insurance?: number | null;
  hoa?: number | null;
  utilities?: number | null;
  otherExpenses?: number | null;
  /** Shares of gross rent (defaults: maintenance 5%, management 8%, capex reserve 5%). */
  maintenancePct?: number | null;
  managementPct?: number | null;
  capexPct?: number | null;
  /** Omit for an all-cash purchase. */
  loan?: LoanInput | null;
}

export interface RentalResult {
  grossScheduledIncome: number;
  vacancyLoss: number;
  effectiveGrossIncome: number;
  operatingExpenses: { label: string; annual: number }[];
  totalOperatingExpenses: number;
  noi: number;
  capRate: number;
  loanAmount: number;
  monthlyPayment: number;
  annualDebtService: number;
  annualCashFlow: number;
  monthlyCashFlow: number;
  cashInvested: number;
  /** Null when no cash is invested. */
  cashOnCash: number | null;
  /** NOI / debt service; null for an all-cash purchase (no debt). */
  dscr: number | null;
  /** Price / yearly rent; null with no rent. */
  grossRentMultiplier: number | null;
  /** (Expenses + debt service) / gross scheduled income; null with no income. */
  breakEvenOccupancy: number | null;
  /** Why each null ratio above has no value. */
  undefinedBecause: UndefinedRatio[];
  /** Year-by-year loan summary. */
  amortization: { year: number; interest: number; principal: number; endingBalance: number }[];
}

export function analyzeRental(input: RentalInput): RentalResult {
  const price = positive(input.purchasePrice, 'input.purchasePrice');
  const rent = nonNegative(input.monthlyRent, 'input.monthlyRent');
  const other = nonNegative(input.otherMonthlyIncome ?? 0, 'input.otherMonthlyIncome');
  const vacancy = share(input.vacancyRate ?? 0.05, 'input.vacancyRate');
  const gsi = (rent + other) * 12;
  const vacancyLoss = gsi * vacancy;
  const egi = gsi - vacancyLoss;
  const rentYear = rent * 12;
  const expenses = expenseLines(input, rentYear);
  const opex = expenses.reduce((s, e) => s + e.annual, 0);
  const noi = egi - opex;
  const { loanAmount, monthlyPayment, points, amortization } = loanTerms(input.loan ?? null, price);
  const debtService = monthlyPayment * 12;
  const cashFlow = noi - debtService;
  const cashInvested =
    price -
    loanAmount +
    nonNegative(input.closingCosts ?? 0, 'input.closingCosts') +
    nonNegative(input.rehab ?? 0, 'input.rehab') +
    points;
  const undefinedBecause: UndefinedRatio[] = [];
  const cashOnCash = ratio(cashFlow, cashInvested, 'cashOnCash', 'No cash is invested', undefinedBecause);
  const dscr = ratio(noi, debtService, 'dscr', 'There is no debt service (all-cash purchase)', undefinedBecause);
  const grm = ratio(price, rentYear, 'grossRentMultiplier', 'The rent is zero', undefinedBecause);
  const breakEven = ratio(
    opex + debtService,
    gsi,
    'breakEvenOccupancy',
    'The gross scheduled income is zero',
    undefinedBecause,
  );
  return {
    grossScheduledIncome: round(gsi),
    vacancyLoss: round(vacancyLoss),
    effectiveGrossIncome: round(egi),
    operatingExpenses: expenses.map((e) => ({ label: e.label, annual: round(e.annual) })),
    totalOperatingExpenses: round(opex),
    noi: round(noi),
    capRate: noi / price,
    loanAmount: round(loanAmount),
    monthlyPayment: round(monthlyPayment),
    annualDebtService: round(debtService),
    annualCashFlow: round(cashFlow),
    monthlyCashFlow: round(cashFlow / 12),
    cashInvested: round(cashInvested),
    cashOnCash,
    dscr,
    grossRentMultiplier: grm,
    breakEvenOccupancy: breakEven,
    amortization,
    undefinedBecause,
  };
}

function expenseLines(input: RentalInput, rentYear: number): { label: string; annual: number }[] {
  return [
    { label: 'Property taxes', annual: nonNegative(input.propertyTaxes ?? 0, 'input.propertyTaxes') },
    { label: 'Insurance', annual: nonNegative(input.insurance ?? 0, 'input.insurance') },
    { label: 'HOA', annual: nonNegative(input.hoa ?? 0, 'input.hoa') },
    { label: 'Utilities', annual: nonNegative(input.utilities ?? 0, 'input.utilities') },
    { label: 'Other', annual: nonNegative(input.otherExpenses ?? 0, 'input.otherExpenses') },
    { label: 'Maintenance', annual: rentYear * share(input.maintenancePct ?? 0.05, 'input.maintenancePct') },
    { label: 'Management', annual: rentYear * share(input.managementPct ?? 0.08, 'input.managementPct') },
    { label: 'Capital reserves', annual: rentYear * share(input.capexPct ?? 0.05, 'input.capexPct') },
  ];
}

function loanTerms(loan: RentalInput['loan'] | null, price: number) {
  if (!loan) return { loanAmount: 0, monthlyPayment: 0, points: 0, amortization: [] };
  const down = share(loan.downPaymentPct, 'input.loan.downPaymentPct');
  const rate = share(loan.annualRate, 'input.loan.annualRate');
  whole(loan.years, 'input.loan.years', 1, 40, 'years');
  const loanAmount = price * (1 - down);
  const points = loanAmount * share(loan.pointsPct ?? 0, 'input.loan.pointsPct');
  const monthlyPayment = loanAmount > 0 ? payment(loanAmount, rate / 12, loan.years * 12) : 0;
  const amortization = loanAmount > 0 ? yearly(amortizationSchedule(loanAmount, rate, loan.years)) : [];
  return { loanAmount, monthlyPayment, points, amortization };
}

function yearly(rows: ReturnType<typeof amortizationSchedule>): RentalResult['amortization'] {
  const years: RentalResult['amortization'] = [];
  for (let y = 0; y * 12 < rows.length; y++) {
    const slice = rows.slice(y * 12, y * 12 + 12);
    years.push({
      year: y + 1,
      interest: round(slice.reduce((s, r) => s + r.interest, 0)),
      principal: round(slice.reduce((s, r) => s + r.principal, 0)),
      endingBalance: round(slice.at(-1)!.balance),
    });
  }
  return years;
}
