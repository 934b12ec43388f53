/**
 * Time-value-of-money primitives. Pure functions; amounts in dollars, rates as decimals (0.07 = 7%).
 */

/** Level payment of a fully amortizing loan: P·r / (1 − (1+r)^−n); a zero rate is P/n. */
export function payment(principal: number, monthlyRate: number, months: number): number {
  if (months <= 0) throw new RangeError('months must be positive');
  if (monthlyRate === 0) return principal / months;
  return (principal * monthlyRate) / (1 - (1 + monthlyRate) ** -months);
}

export interface AmortizationRow {
  month: number;
  payment: number;
  interest: number;
  principal: number;
  balance: number;
}

/** Month-by-month schedule; the last payment absorbs rounding so the balance ends at exactly 0. */
export function amortizationSchedule(principal: number, annualRate: number, years: number): AmortizationRow[] {
  const n = Math.round(years * 12);
  const r = annualRate / 12;
  const pay = payment(principal, r, n);
  const rows: AmortizationRow[] = [];
  let balance = principal;
  for (let month = 1; month <= n; month++) {
    const interest = balance * r;
    let principalPart = pay - interest;
    if (month === n) principalPart = balance;
    balance -= principalPart;
    rows.push({ month, payment: principalPart + interest, interest, principal: principalPart, balance: month === n ? 0 : balance });
  }
  return rows;
}

/** Remaining balance after `paidMonths` payments (closed form, used for sale/exit payoffs). */
export function remainingBalance(principal: number, annualRate: number, years: number, paidMonths: number): number {
  const n = Math.round(years * 12);
  const k = Math.min(paidMonths, n);
  const r = annualRate / 12;
  if (r === 0) return principal * (1 - k / n);
  const pay = payment(principal, r, n);
  return principal * (1 + r) ** k - (pay * ((1 + r) ** k - 1)) / r;
}

/** Net present value of cash flows at t = 0, 1, 2, … discounted at `rate` per period. */
export function npv(rate: number, cashFlows: readonly number[]): number {
  return cashFlows.reduce((sum, cf, t) => sum + cf / (1 + rate) ** t, 0);
}

export type IrrResult =
  | { status: 'OK'; irr: number; roots: number[] }
  | { status: 'NO_IRR'; reason: string };

/**
 * Internal rate of return, robustly: scan a grid of rates from −99% to +1000% for sign changes of
 * NPV, refine every bracketed root with Newton's method falling back to bisection, and return the
 * root closest to zero as `irr` (the conventional choice when cash flows change sign more than
 * once and several rates zero the NPV; all of them are in `roots`). Cash flows that never change
 * sign have no IRR.
 */
export function irr(cashFlows: readonly number[]): IrrResult {
  const hasPositive = cashFlows.some((c) => c > 0);
  const hasNegative = cashFlows.some((c) => c < 0);
  if (!hasPositive || !hasNegative) {
    return { status: 'NO_IRR', reason: 'The cash flows never change sign, so no discount rate makes their NPV zero' };
  }
  const f = (r: number) => npv(r, cashFlows);
  const df = (r: number) => cashFlows.reduce((s, cf, t) => s - (t * cf) / (1 + r) ** (t + 1), 0);
  const grid: number[] = [];
  for (let r = -0.99; r < 1; r += 0.01) grid.push(r);
  for (let r = 1; r <= 10; r += 0.1) grid.push(r);
  const roots: number[] = [];
  // A root on a grid point is found from both sides; keep it once.
  const addRoot = (x: number) => {
    if (!roots.some((r) => Math.abs(r - x) < 1e-6)) roots.push(x);
  };
  for (let i = 0; i < grid.length - 1; i++) {
    let lo = grid[i]!;
    let hi = grid[i + 1]!;
    let flo = f(lo);
    const fhi = f(hi);
    if (flo === 0) {
      addRoot(lo);
      continue;
    }
    if (flo * fhi > 0) continue;
    // Newton from the midpoint, kept inside the bracket; bisection whenever Newton leaves it.
    let x = (lo + hi) / 2;
    for (let k = 0; k < 200; k++) {
      const fx = f(x);
      if (fx === 0) break;
      if (flo * fx < 0) hi = x;
      else {
        lo = x;
        flo = fx;
      }
      const d = df(x);
      const newton = d !== 0 ? x - fx / d : NaN;
      const next = newton > lo && newton < hi ? newton : (lo + hi) / 2;
      // Converged to machine precision, or the bracket is as small as doubles allow.
      if (Math.abs(next - x) <= 1e-15 * Math.max(1, Math.abs(x)) || hi - lo <= 1e-15) {
        x = next;
        break;
      }
      x = next;
    }
    addRoot(x);
  }
  if (!roots.length) return { status: 'NO_IRR', reason: 'No rate between -99% and 1000% makes the NPV zero' };
  const best = roots.reduce((a, b) => (Math.abs(b) < Math.abs(a) ? b : a));
  return { status: 'OK', irr: best, roots: roots.sort((a, b) => a - b) };
}
