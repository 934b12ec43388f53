import { ValidationError } from '../../platform/errors/index.js';
import { remainingBalance } from './finance.js';
import { ACTIONABLE_FEATURES, SCORE_MODEL, type ScoreFeature } from './score-model.js';

/** What the score reads about a property; every field optional (unknown contributes nothing). */
export interface ScoreFacts {
  estimatedValue?: number | null;
  lastSalePrice?: number | null;
  lastSaleDate?: string | null;
  ownerOccupied?: boolean | null;
  yearBuilt?: number | null;
  tags?: readonly string[];
  /** Inbound replies/calls on the property's leads' timelines. */
  inboundEngagements?: number;
}

/** Feature signals in [0, 1] (ownerOccupied and absentee are 0/1). */
export type Signals = Record<ScoreFeature, number>;

export interface Contribution {
  feature: ScoreFeature | 'baseline';
  /** The input behind the signal, for people: e.g. "62% equity", "owned 14.2 years". */
  value: string;
  impact: number;
}

export interface Score {
  value: number;
  modelVersion: string;
  /** Largest absolute impact first; they sum exactly to `value`. */
  contributions: Contribution[];
}

const TAG_FEATURES: Partial<Record<ScoreFeature, string[]>> = {
  vacant: ['vacant'],
  codeViolation: ['code-violation'],
  taxDelinquent: ['tax-delinquent'],
  preForeclosure: ['pre-foreclosure', 'foreclosure'],
  probate: ['probate', 'inherited'],
  lien: ['lien'],
};

export function signalsFor(
  f: ScoreFacts,
  today = new Date(),
): { signals: Signals; labels: Record<ScoreFeature, string> } {
  const { assumedLoan, yearsOwnedCap, engagementCap } = SCORE_MODEL;
  const tags = new Set(f.tags ?? []);
  const years = f.lastSaleDate
    ? Math.max(0, (today.getTime() - Date.parse(`${f.lastSaleDate}T00:00:00Z`)) / (365.25 * 86_400_000))
    : null;
  let equity: number | null = null;
  if (f.estimatedValue && f.estimatedValue > 0) {
    const balance =
      f.lastSalePrice != null && years != null
        ? remainingBalance(
            f.lastSalePrice * assumedLoan.ltv,
            assumedLoan.annualRate,
            assumedLoan.years,
            Math.floor(years * 12),
          )
        : null;
    equity = balance == null ? null : Math.min(1, Math.max(0, (f.estimatedValue - balance) / f.estimatedValue));
  }
  const has = (feature: ScoreFeature) => (TAG_FEATURES[feature] ?? []).some((t) => tags.has(t));
  const engagement = Math.max(0, f.inboundEngagements ?? 0);
  const signals: Signals = {
    equity: equity ?? 0,
    yearsOwned: years == null ? 0 : Math.min(years, yearsOwnedCap) / yearsOwnedCap,
    absentee: f.ownerOccupied === false ? 1 : 0,
    ownerOccupied: f.ownerOccupied === true ? 1 : 0,
    vacant: has('vacant') ? 1 : 0,
    codeViolation: has('codeViolation') ? 1 : 0,
    olderHome: f.yearBuilt != null && f.yearBuilt < 1970 ? 1 : 0,
    taxDelinquent: has('taxDelinquent') ? 1 : 0,
    preForeclosure: has('preForeclosure') ? 1 : 0,
    probate: has('probate') ? 1 : 0,
    lien: has('lien') ? 1 : 0,
    engagement: Math.min(engagement, engagementCap) / engagementCap,
  };
  const yes = (v: number) => (v ? 'yes' : 'no');
  const labels: Record<ScoreFeature, string> = {
    equity: equity == null ? 'unknown' : `${Math.round(equity * 100)}% equity (estimated)`,
    yearsOwned: years == null ? 'unknown' : `owned ${years.toFixed(1)} years`,
    absentee: f.ownerOccupied == null ? 'unknown' : yes(signals.absentee),
    ownerOccupied: f.ownerOccupied == null ? 'unknown' : yes(signals.ownerOccupied),
    vacant: yes(signals.vacant),
    codeViolation: yes(signals.codeViolation),
    olderHome: f.yearBuilt == null ? 'unknown' : `built ${f.yearBuilt}`,
    taxDelinquent: yes(signals.taxDelinquent),
    preForeclosure: yes(signals.preForeclosure),
    probate: yes(signals.probate),
    lien: yes(signals.lien),
    engagement: `${engagement} inbound`,
  };
  return { signals, labels };
}

/**
 * The score from signals. Impacts are computed in whole hundredths of a point and the value is
 * their integer sum, so the contributions add up to the score exactly, not approximately.
 */
export function scoreFromSignals(signals: Signals, labels?: Partial<Record<ScoreFeature, string>>): Score {
  const contributions: Contribution[] = [
    { feature: 'baseline', value: `model ${SCORE_MODEL.version}`, impact: SCORE_MODEL.baseline },
  ];
  let hundredths = SCORE_MODEL.baseline * 100;
  for (const [feature, weight] of Object.entries(SCORE_MODEL.weights) as [ScoreFeature, number][]) {
    const h = Math.round(weight * signals[feature] * 100);
    if (h === 0) continue;
    hundredths += h;
    contributions.push({ feature, value: labels?.[feature] ?? String(signals[feature]), impact: h / 100 });
  }
  const value = hundredths / 100;
  contributions.sort((a, b) => Math.abs(b.impact) - Math.abs(a.impact) || a.feature.localeCompare(b.feature));
  return { value, modelVersion: SCORE_MODEL.version, contributions };
}

export function scoreProperty(facts: ScoreFacts, today = new Date()): Score {
  const { signals, labels } = signalsFor(facts, today);
  return scoreFromSignals(signals, labels);
}

/** Changes a user can try: booleans for the flags, a count for engagement. */
export interface ScoreChanges {
  engagement?: number | null;
  vacant?: boolean | null;
  codeViolation?: boolean | null;
  absentee?: boolean | null;
  taxDelinquent?: boolean | null;
  preForeclosure?: boolean | null;
  probate?: boolean | null;
  lien?: boolean | null;
}

export function applyChanges(signals: Signals, changes: ScoreChanges): Signals {
  const next = { ...signals };
  for (const [k, v] of Object.entries(changes) as [keyof ScoreChanges, number | boolean | null | undefined][]) {
    if (v == null) continue;
    if (k === 'engagement') {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0)
        throw new ValidationError(
          'changes.engagement must be a whole number of interactions, 0 or more',
          'changes.engagement',
        );
      next.engagement = Math.min(v, SCORE_MODEL.engagementCap) / SCORE_MODEL.engagementCap;
    } else {
      next[k] = v ? 1 : 0;
      if (k === 'absentee') next.ownerOccupied = v ? 0 : next.ownerOccupied;
    }
  }
  return next;
}

export interface Counterfactual {
  changes: { feature: ScoreFeature; from: string; to: string }[];
  score: number;
}

/**
 * The smallest changes to actionable features (engagement, vacancy, code violations, absentee
 * ownership) that bring the score to `target`: fewest features changed first, then the smallest
 * total impact needed. Returns up to three options; none when the target is out of reach.
 */
export function counterfactuals(signals: Signals, target: number): Counterfactual[] {
  if (!Number.isFinite(target) || target < 0 || target > 100)
    throw new ValidationError('target must be between 0 and 100', 'target');
  const current = scoreFromSignals(signals).value;
  if (current >= target) return [];
  const options: { changes: Counterfactual['changes']; signals: Signals; cost: number }[] = [];
  const engagementNow = Math.round(signals.engagement * SCORE_MODEL.engagementCap);
  // Every subset of actionable features, each raised to the least value that helps.
  const levers = ACTIONABLE_FEATURES.filter((f) =>
    f === 'engagement' ? engagementNow < SCORE_MODEL.engagementCap : signals[f] === 0,
  );
  for (let mask = 1; mask < 1 << levers.length; mask++) {
    const chosen = levers.filter((_, i) => mask & (1 << i));
    const withFlags = applyChanges(
      signals,
      Object.fromEntries(chosen.filter((f) => f !== 'engagement').map((f) => [f, true])),
    );
    const flagsOnly = scoreFromSignals(withFlags).value;
    let engagementTo = engagementNow;
    if (chosen.includes('engagement')) {
      // The fewest extra interactions that reach the target with the chosen flags.
      const perStep = SCORE_MODEL.weights.engagement / SCORE_MODEL.engagementCap;
      engagementTo = Math.min(
        SCORE_MODEL.engagementCap,
        engagementNow + Math.max(1, Math.ceil((target - flagsOnly - 1e-9) / perStep)),
      );
    }
    const next = applyChanges(withFlags, { engagement: engagementTo });
    const score = scoreFromSignals(next).value;
    if (score + 1e-9 < target) continue;
    const changes = chosen.map((f) =>
      f === 'engagement'
        ? { feature: f, from: `${engagementNow} inbound`, to: `${engagementTo} inbound` }
        : { feature: f, from: 'no', to: 'yes' },
    );
    options.push({ changes, signals: next, cost: score - current });
  }
  options.sort((a, b) => a.changes.length - b.changes.length || a.cost - b.cost);
  // Drop options that are supersets of a smaller option already kept.
  const kept: typeof options = [];
  for (const o of options) {
    const names = new Set(o.changes.map((c) => c.feature));
    if (kept.some((k) => k.changes.every((c) => names.has(c.feature)))) continue;
    kept.push(o);
    if (kept.length === 3) break;
  }
  return kept.map((o) => ({ changes: o.changes, score: scoreFromSignals(o.signals).value }));
}
