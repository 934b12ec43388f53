/**
 * The seller-motivation score model, version-stamped. Each feature's contribution is
 * `weight × signal` with the signal in [0, 1]; the baseline is a contribution too, so the
 * contributions always sum exactly to the score. The weights are chosen so the score stays within
 * 0-100 by construction (baseline + every positive weight = 100; baseline + the one negative
 * weight = 0) — nothing is clamped. Rationale for every weight: docs/score.md.
 */
export const SCORE_MODEL = {
  version: '2026-11.1',
  baseline: 5,
  weights: {
    equity: 20, // share of the value the owner holds (estimated)
    yearsOwned: 12, // years since the last sale, saturating at 20
    absentee: 10, // owner does not live there
    ownerOccupied: -5, // owner lives there (the complement of absentee when known)
    vacant: 8,
    codeViolation: 6,
    olderHome: 3, // built before 1970
    taxDelinquent: 8,
    preForeclosure: 10,
    probate: 6,
    lien: 2,
    engagement: 10, // inbound replies/calls on the lead timeline, saturating at 5
  },
  /** Assumptions for the equity estimate when no loan data exists (see docs/score.md). */
  assumedLoan: { ltv: 0.8, annualRate: 0.06, years: 30 },
  yearsOwnedCap: 20,
  engagementCap: 5,
} as const;

export type ScoreFeature = keyof typeof SCORE_MODEL.weights;

/** Features the team can change or find out by working the lead; the rest are facts. */
export const ACTIONABLE_FEATURES: readonly ScoreFeature[] = ['engagement', 'vacant', 'codeViolation', 'absentee'];
