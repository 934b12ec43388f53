import { ValidationError } from '../../platform/errors/index.js';

/**
 * Bounds and rounding shared by the calculators. Every money input is bounded to a realistic range
 * (at most $100 billion), so no input near the float limit can overflow into Infinity or lose the
 * cents; every rate, term and count has its own range. Each failure names the field.
 */
export const MAX_MONEY = 100_000_000_000;

/** A money amount from 0 to MAX_MONEY. */
export function nonNegative(v: number, field: string): number {
  if (!Number.isFinite(v) || v < 0 || v > MAX_MONEY)
    throw new ValidationError(`${field} must be from 0 to ${MAX_MONEY.toExponential()}`, field);
  return v;
}

/** A money amount above 0, at most MAX_MONEY. */
export function positive(v: number, field: string): number {
  if (!Number.isFinite(v) || v <= 0 || v > MAX_MONEY)
    throw new ValidationError(`${field} must be above 0 and at most ${MAX_MONEY.toExponential()}`, field);
  return v;
}

/** A rate or share: 0 to 1 (100%). */
export function share(v: number, field: string): number {
  if (!Number.isFinite(v) || v < 0 || v > 1)
    throw new ValidationError(`${field} must be between 0 and 1 (0% to 100%)`, field);
  return v;
}

/** A whole number from `min` to `max` (terms, months, counts). */
export function whole(v: number, field: string, min: number, max: number, unit = ''): number {
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new ValidationError(
      `${field} must be a whole number${unit ? ` of ${unit}` : ''} from ${min} to ${max}`,
      field,
    );
  }
  return v;
}

/** Cents, for what is shown; computations keep the unrounded values. */
export function round(v: number): number {
  return Math.round(v * 100) / 100 || 0; // never -0
}

/** A ratio that has no value for these inputs, and why (e.g. ROI when no cash is invested). */
export interface UndefinedRatio {
  field: string;
  reason: string;
}

/** `numerator / denominator`, or null with the reason recorded when the denominator is not positive. */
export function ratio(
  numerator: number,
  denominator: number,
  field: string,
  reason: string,
  undefinedBecause: UndefinedRatio[],
): number | null {
  if (denominator > 0) return numerator / denominator;
  undefinedBecause.push({ field, reason });
  return null;
}
