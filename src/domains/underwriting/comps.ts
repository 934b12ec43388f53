import { miles } from '../../platform/providers/property-data/OfflinePropertyData.js';
import type { Sale } from '../../platform/providers/property-data/PropertyData.js';

/** Dollar adjustments per unit of difference, subject minus comp (documented in docs/underwriting.md). */
export const ADJUSTMENTS = {
  perBedroom: 7_500,
  perBathroom: 5_000,
  perYearOfAge: 300,
  sizeShareOfPricePerSqft: 0.5,
} as const;

export interface Subject {
  latitude: number;
  longitude: number;
  squareFeet?: number | null;
  bedrooms?: number | null;
  bathrooms?: number | null;
  yearBuilt?: number | null;
}

export interface CompOptions {
  radiusMiles: number;
  months: number;
  limit: number;
  pinned?: readonly string[];
  excluded?: readonly string[];
  today: Date;
}

export interface Comp extends Sale {
  distanceMiles: number;
  /** 0-1: closeness in distance, size, bedrooms, bathrooms and age. */
  similarity: number;
  adjustments: { size: number; bedrooms: number; bathrooms: number; age: number };
  adjustedPrice: number;
  pinned: boolean;
}

export interface ArvEstimate {
  value: number;
  low: number;
  high: number;
  method: string;
  compIds: string[];
}

export interface CompsResult {
  comps: Comp[];
  arv: ArvEstimate | null;
  /** Why there is no estimate, when there is none. */
  reason: string | null;
}

/**
 * Picks comparable sales for a subject: within the radius and the last `months`, not excluded,
 * most similar first, `limit` of them, pinned ones always in. Each is adjusted toward the subject,
 * and the ARV is their similarity-weighted mean adjusted price, with the low-high range.
 */
export function selectComps(subject: Subject, sales: readonly Sale[], opts: CompOptions): CompsResult {
  const since = new Date(opts.today);
  since.setUTCMonth(since.getUTCMonth() - opts.months);
  const excluded = new Set(opts.excluded ?? []);
  const pinned = new Set(opts.pinned ?? []);
  const candidates = sales
    .filter((s) => !excluded.has(s.id))
    .map((s) => evaluate(subject, s, opts.radiusMiles, pinned.has(s.id)))
    .filter((c) => c.pinned || (c.distanceMiles <= opts.radiusMiles && new Date(`${c.saleDate}T00:00:00Z`) >= since));
  const chosen = [
    ...candidates.filter((c) => c.pinned),
    ...candidates
      .filter((c) => !c.pinned)
      .sort((a, b) => b.similarity - a.similarity || a.distanceMiles - b.distanceMiles || a.id.localeCompare(b.id)),
  ].slice(0, Math.max(opts.limit, pinned.size));
  if (!chosen.length) {
    return { comps: [], arv: null, reason: `No sales within ${opts.radiusMiles} mi in the last ${opts.months} months` };
  }
  const weight = (c: Comp) => Math.max(c.similarity, 0.05);
  const total = chosen.reduce((s, c) => s + weight(c), 0);
  const value = chosen.reduce((s, c) => s + c.adjustedPrice * weight(c), 0) / total;
  const prices = chosen.map((c) => c.adjustedPrice);
  return {
    comps: chosen,
    arv: {
      value: roundTo(value, 500),
      low: Math.min(...prices),
      high: Math.max(...prices),
      method:
        `similarity-weighted mean of ${chosen.length} adjusted sales within ${opts.radiusMiles} mi, ` +
        `last ${opts.months} months`,
      compIds: chosen.map((c) => c.id),
    },
    reason: null,
  };
}

function evaluate(subject: Subject, s: Sale, radius: number, pinned: boolean): Comp {
  const distanceMiles = Math.round(miles(subject.latitude, subject.longitude, s.latitude, s.longitude) * 100) / 100;
  const ppsf = s.salePrice / s.squareFeet;
  const size = subject.squareFeet
    ? (subject.squareFeet - s.squareFeet) * ppsf * ADJUSTMENTS.sizeShareOfPricePerSqft
    : 0;
  const bedrooms = subject.bedrooms != null ? (subject.bedrooms - s.bedrooms) * ADJUSTMENTS.perBedroom : 0;
  const bathrooms = subject.bathrooms != null ? (subject.bathrooms - s.bathrooms) * ADJUSTMENTS.perBathroom : 0;
  const age = subject.yearBuilt != null ? (subject.yearBuilt - s.yearBuilt) * ADJUSTMENTS.perYearOfAge : 0;
  const diff = (a: number | null | undefined, b: number, scale: number) =>
    a == null ? 0.5 : Math.min(1, Math.abs(a - b) / scale);
  const dissimilarity =
    0.3 * Math.min(1, distanceMiles / Math.max(radius, 0.1)) +
    0.3 * diff(subject.squareFeet, s.squareFeet, Math.max(subject.squareFeet ?? 1, 1)) +
    0.15 * diff(subject.bedrooms, s.bedrooms, 3) +
    0.1 * diff(subject.bathrooms, s.bathrooms, 2) +
    0.15 * diff(subject.yearBuilt, s.yearBuilt, 50);
  const adjustments = { size: Math.round(size), bedrooms, bathrooms, age };
  return {
    ...s,
    distanceMiles,
    similarity: Math.round((1 - dissimilarity) * 1000) / 1000,
    adjustments,
    adjustedPrice: Math.round(s.salePrice + adjustments.size + bedrooms + bathrooms + age),
    pinned,
  };
}

function roundTo(v: number, step: number): number {
  return Math.round(v / step) * step;
}
