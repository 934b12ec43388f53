import { describe, expect, it } from 'vitest';
import { analyzeDcf } from '../../src/domains/underwriting/dcf.js';
import { amortizationSchedule, irr, npv, payment, remainingBalance } from '../../src/domains/underwriting/finance.js';
import { analyzeFlip } from '../../src/domains/underwriting/flip.js';
import { analyzeRental } from '../../src/domains/underwriting/rental.js';
import { badField } from '../helpers/errors.js';

/*
 * Reference values are worked out independently of this code: the standard amortization formula
 * and simulated balances computed separately (as a spreadsheet's PMT/FV would), textbook NPV/IRR
 * examples, and the 70% rule example every flipping primer uses. Sources are named per case.
 */

describe('loan math', () => {
  it('matches the standard amortization formula (=PMT)', () => {
    // $200,000 at 6.5% for 30 years: $1,264.14/month; $100,000 at 5% for 30 years: $536.82.
    expect(payment(200_000, 0.065 / 12, 360)).toBeCloseTo(1264.14, 2);
    expect(payment(100_000, 0.05 / 12, 360)).toBeCloseTo(536.82, 2);
  });

  it('schedules interest and principal month by month and ends at zero', () => {
    const rows = amortizationSchedule(200_000, 0.065, 30);
    expect(rows).toHaveLength(360);
    const year1 = rows.slice(0, 12);
    // Simulated balance, month by month: year-1 interest $12,934.18, principal $2,235.45.
    expect(year1.reduce((s, r) => s + r.interest, 0)).toBeCloseTo(12_934.18, 1);
    expect(year1.reduce((s, r) => s + r.principal, 0)).toBeCloseTo(2_235.45, 1);
    expect(rows.at(-1)!.balance).toBe(0);
    expect(rows.reduce((s, r) => s + r.principal, 0)).toBeCloseTo(200_000, 6);
    // Closed-form payoff after 5 years equals the simulated $187,221.95 (=FV(6.5%/12, 60, PMT, -200000)).
    expect(remainingBalance(200_000, 0.065, 30, 60)).toBeCloseTo(187_221.95, 1);
  });

  it('handles a zero-rate loan: equal principal payments', () => {
    expect(payment(12_000, 0, 12)).toBe(1_000);
    const rows = amortizationSchedule(12_000, 0, 1);
    expect(rows.every((r) => r.interest === 0 && r.payment === 1_000)).toBe(true);
    expect(remainingBalance(12_000, 0, 1, 6)).toBe(6_000);
  });
});

describe('NPV and IRR', () => {
  it('textbook case: -1000, 500, 400, 300, 100 → NPV at 10% = 78.82, IRR 14.49%', () => {
    const cf = [-1000, 500, 400, 300, 100];
    expect(npv(0.1, cf)).toBeCloseTo(78.82, 2);
    const r = irr(cf);
    expect(r.status).toBe('OK');
    if (r.status === 'OK') expect(r.irr).toBeCloseTo(0.144888, 5);
  });

  it("Excel's IRR documentation example: -70,000 then 12k…26k → 8.66%", () => {
    const r = irr([-70_000, 12_000, 15_000, 18_000, 21_000, 26_000]);
    expect(r.status === 'OK' && r.irr).toBeCloseTo(0.086631, 5);
  });

  it('alternating signs, two roots (-100, 230, -132 → 10% and 20%): reports both, picks the nearest 0', () => {
    const r = irr([-100, 230, -132]);
    expect(r.status).toBe('OK');
    if (r.status === 'OK') {
      expect(r.roots.map((x) => Number(x.toFixed(6)))).toEqual([0.1, 0.2]);
      expect(r.irr).toBeCloseTo(0.1, 9);
    }
  });

  it('says NO_IRR when the cash flows never change sign', () => {
    expect(irr([100, 50, 25]).status).toBe('NO_IRR');
    expect(irr([-100, -50]).status).toBe('NO_IRR');
    expect(irr([0, 0]).status).toBe('NO_IRR');
  });

  it('finds a one-period IRR exactly: -100 → 110 is 10%', () => {
    const r = irr([-100, 110]);
    expect(r.status === 'OK' && r.irr).toBeCloseTo(0.1, 10);
  });
});

describe('flip and wholesale', () => {
  it('70% rule: ARV $200,000 with $30,000 of repairs → offer at most $110,000', () => {
    const r = analyzeFlip({
      arv: 200_000,
      repairItems: [
        { label: 'Kitchen', amount: 18_000 },
        { label: 'Roof', amount: 12_000 },
      ],
    });
    expect(r.repairs).toBe(30_000);
    expect(r.maoByRule).toBe(110_000);
    expect(analyzeFlip({ arv: 200_000, repairLevel: 'MEDIUM', squareFeet: 750, maoRulePct: 0.75 }).maoByRule).toBe(
      120_000,
    );
  });

  it('the target-profit offer yields exactly the target profit when plugged back in', () => {
    const base = {
      arv: 300_000,
      repairLevel: 'HEAVY' as const,
      squareFeet: 1_500,
      holdingMonths: 6,
      holdingCostPerMonth: 1_500,
      financing: { loanToCost: 0.9, annualRate: 0.12, pointsPct: 0.02 },
      targetProfit: 40_000,
    };
    const { maoByTargetProfit } = analyzeFlip(base);
    const atMao = analyzeFlip({ ...base, purchasePrice: maoByTargetProfit! });
    expect(atMao.deal!.profit).toBeCloseTo(40_000, 0);
    // Costs add up: profit = ARV - every cost.
    const d = atMao.deal!;
    expect(d.totalCost).toBeCloseTo(
      d.purchasePrice + d.buyingCosts + atMao.repairs + d.holdingCosts + d.financingCosts + d.sellingCosts,
      1,
    );
  });

  it('reports ROI, annualized ROI and the end buyer’s numbers for a wholesale assignment', () => {
    // Cash flip: buy 150k, 2% buying, 25k repairs, 4 months at 1k, sell 250k with 8% costs.
    const r = analyzeFlip({
      arv: 250_000,
      purchasePrice: 150_000,
      repairItems: [{ label: 'Rehab', amount: 25_000 }],
      holdingMonths: 4,
      holdingCostPerMonth: 1_000,
      assignmentFee: 10_000,
    });
    const d = r.deal!;
    expect(d.totalCost).toBe(150_000 + 3_000 + 25_000 + 4_000 + 20_000);
    expect(d.profit).toBe(48_000);
    expect(d.roi).toBeCloseTo(48_000 / 182_000, 10);
    expect(d.annualizedRoi).toBeCloseTo((1 + 48_000 / 182_000) ** 3 - 1, 10);
    expect(r.wholesale).toMatchObject({ assignmentFee: 10_000, buyerPrice: 160_000 });
    expect(r.wholesale!.buyer.profit).toBe(48_000 - 10_000 - 200);
  });

  it('rejects absurd inputs naming the field', () => {
    expect(badField(() => analyzeFlip({ arv: -1 }))).toBe('input.arv');
    expect(badField(() => analyzeFlip({ arv: 100_000, sellingCostsPct: 1.5 }))).toBe('input.sellingCostsPct');
    expect(badField(() => analyzeFlip({ arv: 100_000, repairLevel: 'LIGHT' }))).toBe('input.squareFeet');
    expect(badField(() => analyzeFlip({ arv: 100_000, financing: { loanToCost: 0.9, annualRate: 2 } }))).toBe(
      'input.financing.annualRate',
    );
  });
});

describe('rental', () => {
  // $200k, $1,800 rent, 5% vacancy, taxes 3,000, insurance 1,200, maintenance/management/capex
  // 5/8/5% of rent, 25% down at 7% for 30 years, $4,000 closing (computed independently).
  const input = {
    purchasePrice: 200_000,
    closingCosts: 4_000,
    monthlyRent: 1_800,
    propertyTaxes: 3_000,
    insurance: 1_200,
    loan: { downPaymentPct: 0.25, annualRate: 0.07, years: 30 },
  };

  it('computes NOI, cap rate, debt service, cash flow, CoC, DSCR, GRM and break-even occupancy', () => {
    const r = analyzeRental(input);
    expect(r.grossScheduledIncome).toBe(21_600);
    expect(r.effectiveGrossIncome).toBe(20_520);
    expect(r.totalOperatingExpenses).toBe(8_088);
    expect(r.noi).toBe(12_432);
    expect(r.capRate).toBeCloseTo(0.06216, 6);
    expect(r.monthlyPayment).toBeCloseTo(997.95, 2);
    expect(r.annualDebtService).toBeCloseTo(11_975.44, 1);
    expect(r.annualCashFlow).toBeCloseTo(456.56, 1);
    expect(r.cashOnCash!).toBeCloseTo(0.0084547, 5);
    expect(r.dscr!).toBeCloseTo(1.0381243, 5);
    expect(r.grossRentMultiplier).toBeCloseTo(9.259259, 5);
    expect(r.breakEvenOccupancy).toBeCloseTo(0.928863, 5);
    expect(r.amortization).toHaveLength(30);
    expect(r.amortization.at(-1)!.endingBalance).toBe(0);
  });

  it('all cash: no debt service, DSCR not computable (null), cash-on-cash equals NOI over cash', () => {
    const r = analyzeRental({ ...input, loan: null });
    expect(r.dscr).toBeNull();
    expect(r.annualDebtService).toBe(0);
    expect(r.cashOnCash!).toBeCloseTo(12_432 / 204_000, 10);
  });

  it('zero-rate loan and bad terms', () => {
    const r = analyzeRental({ ...input, loan: { downPaymentPct: 0.2, annualRate: 0, years: 10 } });
    expect(r.monthlyPayment).toBeCloseTo(160_000 / 120, 2);
    expect(badField(() => analyzeRental({ ...input, loan: { downPaymentPct: 0.2, annualRate: 0.05, years: 0 } }))).toBe(
      'input.loan.years',
    );
    expect(badField(() => analyzeRental({ ...input, loan: { downPaymentPct: 0.2, annualRate: 1.2, years: 30 } }))).toBe(
      'input.loan.annualRate',
    );
    expect(badField(() => analyzeRental({ ...input, purchasePrice: 0 }))).toBe('input.purchasePrice');
  });
});

describe('DCF', () => {
  it('one-year hold: exit at forward NOI / cap rate, IRR and NPV by hand', () => {
    // Price 1,000,000, NOI 80,000 flat, exit cap 8% → sold for 1,000,000; flows -1,000,000, +1,080,000.
    const r = analyzeDcf({
      purchasePrice: 1_000_000,
      grossIncome: 120_000,
      vacancyRate: 0,
      operatingExpenses: 40_000,
      rentGrowth: 0,
      expenseGrowth: 0,
      holdYears: 1,
      exitCapRate: 0.08,
      sellingCostsPct: 0,
      discountRate: 0.1,
    });
    expect(r.exitValue).toBe(1_000_000);
    expect(r.unleveredCashFlows).toEqual([-1_000_000, 1_080_000]);
    expect(r.unleveredIrr.status === 'OK' && r.unleveredIrr.irr).toBeCloseTo(0.08, 10);
    expect(r.npv).toBeCloseTo(-18_181.82, 2);
    expect(r.equityMultiple).toBeCloseTo(1.08, 10);
  });

  it('five-year levered hold matches an independent spreadsheet-style computation', () => {
    const r = analyzeDcf({
      purchasePrice: 1_000_000,
      closingCosts: 20_000,
      grossIncome: 150_000,
      vacancyRate: 0.05,
      operatingExpenses: 55_000,
      rentGrowth: 0.03,
      expenseGrowth: 0.02,
      capexReserve: 5_000,
      holdYears: 5,
      exitCapRate: 0.07,
      sellingCostsPct: 0.03,
      discountRate: 0.09,
      loan: { downPaymentPct: 0.35, annualRate: 0.06, years: 30 },
    });
    expect(r.years).toHaveLength(5);
    expect(r.exitValue).toBeCloseTo(1_492_458.73, 0);
    expect(r.loanPayoff).toBeCloseTo(604_853.32, 0);
    expect(r.npv).toBeCloseTo(264_378.4, 0);
    expect(r.unleveredIrr.status === 'OK' && r.unleveredIrr.irr).toBeCloseTo(0.1486095, 5);
    expect(r.leveredIrr.status === 'OK' && r.leveredIrr.irr).toBeCloseTo(0.2619424, 5);
    expect(r.equityMultiple).toBeCloseTo(2.846801, 4);
  });

  it('explicit "no IRR" when the cash flows never change sign, and clear errors for nonsense', () => {
    // Income below expenses forever, sold for nothing: every flow is negative.
    const r = analyzeDcf({
      purchasePrice: 100_000,
      grossIncome: 0,
      operatingExpenses: 10_000,
      holdYears: 3,
      exitCapRate: 0.08,
      discountRate: 0.1,
      rentGrowth: 0,
      expenseGrowth: 0,
    });
    expect(r.unleveredIrr).toMatchObject({ status: 'NO_IRR' });
    expect(
      badField(() =>
        analyzeDcf({
          purchasePrice: 1,
          grossIncome: 1,
          operatingExpenses: 0,
          holdYears: 0,
          exitCapRate: 0.07,
          discountRate: 0.1,
        }),
      ),
    ).toBe('input.holdYears');
    expect(
      badField(() =>
        analyzeDcf({
          purchasePrice: 1,
          grossIncome: 1,
          operatingExpenses: 0,
          holdYears: 5,
          exitCapRate: 0,
          discountRate: 0.1,
        }),
      ),
    ).toBe('input.exitCapRate');
    expect(
      badField(() =>
        analyzeDcf({
          purchasePrice: 1,
          grossIncome: 1,
          operatingExpenses: 0,
          holdYears: 5,
          exitCapRate: 0.07,
          discountRate: 1.5,
        }),
      ),
    ).toBe('input.discountRate');
  });
});

/*
 * Defects found by checking against independently computed references: each case failed before
 * its fix (debt service charged after payoff, roots 0.6% apart missed, ratios returned as numbers
 * when undefined, 1e308 inputs accepted, NPV computed from flows rounded to cents).
 */
describe('reference cases', () => {
  /** NPV and a bisection IRR written out here, independently of src/domains/underwriting/finance.ts. */
  const refNpv = (rate: number, flows: number[]) => flows.reduce((s, cf, t) => s + cf / Math.pow(1 + rate, t), 0);
  const refIrr = (flows: number[]) => {
    let lo = -0.5;
    let hi = 1;
    for (let k = 0; k < 200; k++) {
      const mid = (lo + hi) / 2;
      if (Math.sign(refNpv(mid, flows)) === Math.sign(refNpv(lo, flows))) lo = mid;
      else hi = mid;
    }
    return lo;
  };

  it('a loan shorter than the hold stops its debt service at payoff (5-year loan, 8-year hold)', () => {
    const r = analyzeDcf({
      purchasePrice: 1_000_000,
      grossIncome: 150_000,
      vacancyRate: 0.05,
      operatingExpenses: 50_000,
      rentGrowth: 0,
      expenseGrowth: 0,
      holdYears: 8,
      exitCapRate: 0.08,
      sellingCostsPct: 0.03,
      discountRate: 0.1,
      loan: { downPaymentPct: 0.3, annualRate: 0.06, years: 5 },
    });
    // By hand: NOI 92,500 a year; $700,000 at 6% over 60 months; sold for 92,500 / 8% less 3%.
    const monthly = (700_000 * 0.005) / (1 - Math.pow(1.005, -60));
    const debt = monthly * 12;
    const netSale = (92_500 / 0.08) * 0.97;
    const flows = [-300_000, ...[1, 2, 3, 4, 5].map(() => 92_500 - debt), 92_500, 92_500, 92_500 + netSale];
    expect(r.years.map((y) => y.debtService)).toEqual([...Array(5).fill(Math.round(debt * 100) / 100), 0, 0, 0]);
    expect(r.loanPayoff).toBe(0);
    expect(r.leveredCashFlows.map((c) => Math.round(c))).toEqual(flows.map((c) => Math.round(c)));
    expect(r.leveredIrr.status === 'OK' && r.leveredIrr.irr).toBeCloseTo(refIrr(flows), 9);
    const distributions = flows.slice(1).reduce((s, c) => s + c, 0);
    expect(r.equityMultiple).toBeCloseTo(distributions / 300_000, 12);
  });

  it('a rental loan schedules exactly its own term and pays off to zero', () => {
    const r = analyzeRental({
      purchasePrice: 200_000,
      monthlyRent: 1_800,
      loan: { downPaymentPct: 0.25, annualRate: 0.07, years: 15 },
    });
    expect(r.amortization).toHaveLength(15);
    expect(r.amortization.at(-1)!.endingBalance).toBe(0);
    expect(r.amortization.reduce((s, y) => s + y.principal, 0)).toBeCloseTo(150_000, 1);
    expect(r.amortization.reduce((s, y) => s + y.interest + y.principal, 0)).toBeCloseTo(r.annualDebtService * 15, 0);
  });

  it('finds IRR roots that lie close together (10.2% and 10.8%)', () => {
    // -10,000 + 22,100x - 12,210.16x² = 0 with x = 1/(1+r): discriminant 60², so r = 10.2% and 10.8%.
    const r = irr([-10_000, 22_100, -12_210.16]);
    expect(r.status).toBe('OK');
    if (r.status !== 'OK') return;
    expect(r.roots).toHaveLength(2);
    expect(r.roots[0]).toBeCloseTo(0.102, 10);
    expect(r.roots[1]).toBeCloseTo(0.108, 10);
    expect(r.irr).toBeCloseTo(0.102, 10);
    expect(r.doubleRoots).toEqual([]);
  });

  it('reports a double root (NPV touches zero) as such', () => {
    const r = irr([-100, 200, -100]); // -100(1 - x)²: r = 0, touching
    expect(r).toMatchObject({ status: 'OK', roots: [0], doubleRoots: [0] });
    const near = irr([-10_000, 22_100, -12_210.25]); // discriminant 0: a double root at x = 22,100 / 24,420.5
    expect(near.status).toBe('OK');
    if (near.status === 'OK') expect(near.irr).toBeCloseTo(24_420.5 / 22_100 - 1, 6);
  });

  it('says NO_IRR with the closest approach when the flows change sign but no rate zeroes the NPV', () => {
    const r = irr([-10_000, 22_100, -12_300]);
    expect(r.status).toBe('NO_IRR');
    if (r.status !== 'NO_IRR') return;
    // The maximum of the quadratic is at x = 22,100 / 24,600, where NPV = -10,000 + 22,100² / 49,200.
    expect(r.closestRate).toBeCloseTo(24_600 / 22_100 - 1, 9);
    expect(r.minAbsNpv).toBeCloseTo(10_000 - 22_100 ** 2 / 49_200, 6);
    expect(r.reason).toMatch(/comes closest at 11\.31/);
  });

  it('returns null with a reason for ratios that are undefined', () => {
    // Fully financed at no cost: no cash in, profit 66,000.
    const free = analyzeFlip({
      arv: 200_000,
      purchasePrice: 100_000,
      repairItems: [{ label: 'All', amount: 18_000 }],
      buyingCostsPct: 0,
      sellingCostsPct: 0.08,
      holdingMonths: 6,
      financing: { loanToCost: 1, annualRate: 0 },
    });
    expect(free.deal).toMatchObject({ profit: 66_000, cashInvested: 0, roi: null, annualizedRoi: null });
    expect(free.deal!.undefinedBecause.map((u) => u.field)).toEqual(['roi', 'annualizedRoi']);
    const instant = analyzeFlip({ arv: 200_000, purchasePrice: 100_000, holdingMonths: 0 });
    expect(instant.deal!.roi).toBeGreaterThan(0);
    expect(instant.deal!.annualizedRoi).toBeNull();
    expect(instant.deal!.undefinedBecause).toEqual([{ field: 'annualizedRoi', reason: 'The hold is 0 months' }]);
    const wipedOut = analyzeFlip({
      arv: 10_000,
      purchasePrice: 100_000,
      holdingMonths: 6,
      financing: { loanToCost: 0.9, annualRate: 0.1 },
    });
    expect(wipedOut.deal!.roi!).toBeLessThan(-1);
    expect(wipedOut.deal!.annualizedRoi).toBeNull();
    const noRent = analyzeRental({ purchasePrice: 100_000, monthlyRent: 0 });
    expect(noRent).toMatchObject({ grossRentMultiplier: null, breakEvenOccupancy: null, dscr: null });
    expect(noRent.undefinedBecause.map((u) => u.field)).toEqual(['dscr', 'grossRentMultiplier', 'breakEvenOccupancy']);
    const noEquity = analyzeDcf({
      purchasePrice: 100_000,
      grossIncome: 12_000,
      operatingExpenses: 2_000,
      holdYears: 3,
      exitCapRate: 0.08,
      discountRate: 0.1,
      loan: { downPaymentPct: 0, annualRate: 0.05, years: 30 },
    });
    expect(noEquity.equityMultiple).toBeNull();
    expect(noEquity.undefinedBecause).toEqual([{ field: 'equityMultiple', reason: 'No equity is invested' }]);
  });

  it('bounds every money input, naming the field, instead of overflowing', () => {
    const huge = 1e308;
    expect(badField(() => analyzeFlip({ arv: huge }))).toBe('input.arv');
    expect(badField(() => analyzeFlip({ arv: 200_000, purchasePrice: huge }))).toBe('input.purchasePrice');
    expect(badField(() => analyzeFlip({ arv: 200_000, targetProfit: huge }))).toBe('input.targetProfit');
    expect(badField(() => analyzeFlip({ arv: 200_000, targetProfit: -5 }))).toBe('input.targetProfit');
    expect(badField(() => analyzeFlip({ arv: 200_000, holdingCostPerMonth: huge }))).toBe('input.holdingCostPerMonth');
    expect(badField(() => analyzeFlip({ arv: 200_000, repairLevel: 'LIGHT', squareFeet: huge }))).toBe(
      'input.squareFeet',
    );
    expect(badField(() => analyzeRental({ purchasePrice: huge, monthlyRent: 1_000 }))).toBe('input.purchasePrice');
    expect(badField(() => analyzeRental({ purchasePrice: 100_000, monthlyRent: huge }))).toBe('input.monthlyRent');
    expect(
      badField(() =>
        analyzeDcf({
          purchasePrice: 100_000,
          grossIncome: huge,
          operatingExpenses: 0,
          holdYears: 3,
          exitCapRate: 0.08,
          discountRate: 0.1,
        }),
      ),
    ).toBe('input.grossIncome');
    // At the bound the numbers stay finite and exact to the cent.
    const big = analyzeRental({
      purchasePrice: 1e11,
      monthlyRent: 1e9,
      loan: { downPaymentPct: 0.2, annualRate: 0.05, years: 30 },
    });
    expect(Number.isFinite(big.monthlyPayment) && Number.isFinite(big.annualCashFlow)).toBe(true);
  });

  it('computes NPV from unrounded flows and rounds only what is shown', () => {
    const input = {
      purchasePrice: 100_000,
      grossIncome: 12_345.678,
      vacancyRate: 0.0537,
      operatingExpenses: 3_210.987,
      rentGrowth: 0.0313,
      expenseGrowth: 0.0271,
      holdYears: 7,
      exitCapRate: 0.0711,
      sellingCostsPct: 0.031,
      discountRate: 0.0913,
    };
    const r = analyzeDcf(input);
    const noi = (y: number) =>
      input.grossIncome * (1 + input.rentGrowth) ** (y - 1) * (1 - input.vacancyRate) -
      input.operatingExpenses * (1 + input.expenseGrowth) ** (y - 1);
    const flows = [
      -100_000,
      ...[1, 2, 3, 4, 5, 6, 7].map(
        (y) => noi(y) + (y === 7 ? (noi(8) / input.exitCapRate) * (1 - input.sellingCostsPct) : 0),
      ),
    ];
    expect(r.npv).toBe(Math.round(refNpv(input.discountRate, flows) * 100) / 100);
  });
});
