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
    rows.push({
      month,
      payment: principalPart + interest,
      interest,
      principal: principalPart,
      balance: month === n ? 0 : balance,
    });
  }
  return rows;
}

/** Remaining balance after `paidMonths` payments (closed form, used for sale/exit payoffs). */
export function remainingBalance(principal: number, annualRate: number, years: number, paidMonths: number): number {
  const n = Math.round(years * 12);
  if (paidMonths >= n) return 0; // paid off at the end of the term
  const k = paidMonths;
  const r = annualRate / 12;
  if (r === 0) return principal * (1 - k / n);
  const pay = payment(principal, r, n);
  return principal * (1 + r) ** k - (pay * ((1 + r) ** k - 1)) / r;
}

/** Net present value of cash flows at t = 0, 1, 2, … discounted at `rate` per period. */
export function npv(rate: number, cashFlows: readonly number[]): number {
  return cashFlows.reduce((sum, cf, t) => sum + cf / (1 + rate) ** t, 0);
}

/** The rates an IRR is searched in: −99% to +1000% a period. */
export const IRR_MIN_RATE = -0.99;
export const IRR_MAX_RATE = 10;

export type IrrResult =
  | { status: 'OK'; irr: number; roots: number[]; doubleRoots: number[] }
  | { status: 'NO_IRR'; reason: string; closestRate: number | null; minAbsNpv: number | null };

/**
 * Internal rate of return: every rate r in [−99%, +1000%] with NPV(r) = 0, found exactly.
 *
 * NPV(r) = Σ cf_t·x^t with x = 1/(1+r) is a polynomial in x, and r ↦ x is monotonic, so the rates
 * are the polynomial's real roots in x ∈ [1/11, 100]. Those are isolated by the roots of its
 * derivative (found the same way, recursively): between two neighbouring critical points the
 * polynomial is monotonic, so it has at most one root there, refined by bisection to machine
 * precision; a critical point where the polynomial itself is zero (to rounding) is a double root
 * — NPV touches zero without crossing, which a search for sign changes alone misses, and so are
 * roots a fraction of a percent apart. `irr` is the root closest to zero (the conventional choice
 * when several rates zero the NPV; all are in `roots`, the touching ones also in `doubleRoots`).
 * NO_IRR is answered only when true: flows that never change sign (a proof), or no root in the
 * range, with the rate where |NPV| comes closest to zero.
 */
export function irr(cashFlows: readonly number[]): IrrResult {
  const hasPositive = cashFlows.some((c) => c > 0);
  const hasNegative = cashFlows.some((c) => c < 0);
  if (!hasPositive || !hasNegative) {
    return {
      status: 'NO_IRR',
      reason: 'The cash flows never change sign, so no discount rate makes their NPV zero',
      closestRate: null,
      minAbsNpv: null,
    };
  }
  const lo = 1 / (1 + IRR_MAX_RATE);
  const hi = 1 / (1 + IRR_MIN_RATE);
  const coeffs = trimmed(cashFlows);
  const { roots, touching } = polynomialRoots(coeffs, lo, hi);
  const toRate = (x: number) => 1 / x - 1;
  if (!roots.length) {
    // The closest approach is at an end of the range or at a critical point inside it.
    const candidates = [lo, hi, ...polynomialRoots(derivative(coeffs), lo, hi).roots];
    const best = candidates.reduce((a, b) => (Math.abs(horner(coeffs, b)) < Math.abs(horner(coeffs, a)) ? b : a));
    const closestRate = toRate(best);
    const minAbsNpv = Math.abs(horner(coeffs, best));
    return {
      status: 'NO_IRR',
      reason:
        `No rate between -99% and 1000% makes the NPV zero; it comes closest at ` +
        `${(closestRate * 100).toFixed(4)}% (|NPV| ${minAbsNpv.toFixed(2)})`,
      closestRate,
      minAbsNpv,
    };
  }
  const rates = roots.map(toRate).sort((a, b) => a - b);
  const best = rates.reduce((a, b) => (Math.abs(b) < Math.abs(a) ? b : a));
  return { status: 'OK', irr: best, roots: rates, doubleRoots: touching.map(toRate).sort((a, b) => a - b) };
}

/** Coefficients without trailing zeros (a zero last flow does not raise the degree). */
function trimmed(c: readonly number[]): number[] {
  let n = c.length;
  while (n > 0 && c[n - 1] === 0) n--;
  return c.slice(0, n);
}

function horner(c: readonly number[], x: number): number {
  let v = 0;
  for (let i = c.length - 1; i >= 0; i--) v = v * x + c[i]!;
  return v;
}

function derivative(c: readonly number[]): number[] {
  return trimmed(c.slice(1).map((v, i) => v * (i + 1)));
}

/** Size of the terms at x, to judge when a value is zero up to rounding. */
function magnitude(c: readonly number[], x: number): number {
  let v = 0;
  for (let i = c.length - 1; i >= 0; i--) v = v * Math.abs(x) + Math.abs(c[i]!);
  return v;
}

/** Real roots of the polynomial in [a, b], ascending; `touching` are the ones where it does not change sign. */
function polynomialRoots(c: readonly number[], a: number, b: number): { roots: number[]; touching: number[] } {
  if (c.length <= 1) return { roots: [], touching: [] };
  if (c.length === 2) {
    const x = -c[0]! / c[1]!;
    return { roots: x >= a && x <= b ? [x] : [], touching: [] };
  }
  const critical = polynomialRoots(derivative(c), a, b).roots;
  const isZero = (x: number) => Math.abs(horner(c, x)) <= 1e-12 * magnitude(c, x);
  const roots: number[] = [];
  const touching: number[] = [];
  const add = (x: number, touches: boolean) => {
    if (roots.length && Math.abs(roots.at(-1)! - x) <= 1e-14 * Math.max(1, Math.abs(x))) return;
    roots.push(x);
    if (touches) touching.push(x);
  };
  const points = [a, ...critical.filter((x) => x > a && x < b), b];
  for (let i = 0; i < points.length - 1; i++) {
    const p = points[i]!;
    const q = points[i + 1]!;
    if (isZero(p)) {
      add(p, i > 0); // an interior critical point where the value is zero: a double root
      continue;
    }
    const fp = horner(c, p);
    const fq = horner(c, q);
    if (Math.sign(fp) !== Math.sign(fq) && !isZero(q)) add(bisect(c, p, q, fp), false);
  }
  if (isZero(b)) add(b, false);
  return { roots, touching };
}

/** Bisection on a bracket where the polynomial is monotonic, to the last representable digit. */
function bisect(c: readonly number[], lo: number, hi: number, flo: number): number {
  for (let k = 0; k < 1100; k++) {
    const mid = (lo + hi) / 2;
    if (mid <= lo || mid >= hi) break;
    const fm = horner(c, mid);
    if (fm === 0) return mid;
    if (Math.sign(fm) === Math.sign(flo)) {
      lo = mid;
      flo = fm;
    } else hi = mid;
  }
  return (lo + hi) / 2;
}
