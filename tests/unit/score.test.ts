import { describe, expect, it } from 'vitest';
import { SCORE_MODEL } from '../../src/domains/underwriting/score-model.js';
import {
  applyChanges,
  counterfactuals,
  scoreFromSignals,
  scoreProperty,
  signalsFor,
} from '../../src/domains/underwriting/score.js';

const TODAY = new Date('2026-11-23T00:00:00Z');
const hundredths = (x: number) => Math.round(x * 100);

describe('seller-motivation score', () => {
  it('the model spans exactly 0 to 100 without clamping', () => {
    const w = Object.values(SCORE_MODEL.weights);
    expect(SCORE_MODEL.baseline + w.filter((x) => x > 0).reduce((a, b) => a + b, 0)).toBe(100);
    expect(SCORE_MODEL.baseline + w.filter((x) => x < 0).reduce((a, b) => a + b, 0)).toBe(0);
  });

  it('contributions sum exactly to the score, largest first', () => {
    const s = scoreProperty(
      {
        estimatedValue: 300_000,
        lastSalePrice: 120_000,
        lastSaleDate: '2009-03-15',
        ownerOccupied: false,
        yearBuilt: 1962,
        tags: ['vacant', 'tax-delinquent'],
        inboundEngagements: 2,
      },
      TODAY,
    );
    const sum = s.contributions.reduce((acc, c) => acc + hundredths(c.impact), 0);
    expect(sum).toBe(hundredths(s.value));
    const impacts = s.contributions.map((c) => Math.abs(c.impact));
    expect(impacts).toEqual([...impacts].sort((a, b) => b - a));
    expect(s.contributions[0]!.feature).toBe('equity');
    expect(s.value).toBeGreaterThan(60);
    expect(s.value).toBeLessThanOrEqual(100);
    expect(s.contributions.find((c) => c.feature === 'yearsOwned')!.value).toBe('owned 17.7 years');
  });

  it('estimates equity from the last sale with an assumed 80% 30-year loan at 6%', () => {
    // Bought for 100,000 ten years ago: the 80,000 6% 30-year loan has 66,948.58 left after 120 payments
    // (simulated month by month, separately from the closed form the code uses).
    const { signals, labels } = signalsFor(
      { estimatedValue: 200_000, lastSalePrice: 100_000, lastSaleDate: '2016-11-23' },
      new Date('2026-11-24T00:00:00Z'),
    );
    expect(signals.equity).toBeCloseTo((200_000 - 66_948.58) / 200_000, 7);
    expect(labels.equity).toBe('67% equity (estimated)');
  });

  it('an owner-occupied house with nothing else known scores 0; unknowns contribute nothing', () => {
    expect(scoreProperty({ ownerOccupied: true }, TODAY).value).toBe(0);
    expect(scoreProperty({}, TODAY)).toMatchObject({ value: 5, contributions: [{ feature: 'baseline', impact: 5 }] });
  });

  it('what-if changes move the score by exactly the weights involved', () => {
    const { signals } = signalsFor({ ownerOccupied: true }, TODAY);
    const changed = scoreFromSignals(applyChanges(signals, { absentee: true, vacant: true, engagement: 5 }));
    expect(changed.value).toBe(5 + 10 + 8 + 10); // owner-occupied no longer, absentee, vacant, full engagement
  });

  it('counterfactuals: fewest actionable changes that reach the target, then the smallest', () => {
    const base = signalsFor(
      { estimatedValue: 200_000, lastSalePrice: 150_000, lastSaleDate: '2019-01-01', ownerOccupied: false, tags: [] },
      TODAY,
    ).signals;
    const now = scoreFromSignals(base).value;
    const options = counterfactuals(base, now + 7);
    expect(options.length).toBeGreaterThan(0);
    // One change is enough (vacancy is worth 8), so every option changes a single feature.
    expect(options.every((o) => o.changes.length === 1)).toBe(true);
    expect(options.every((o) => o.score >= now + 7)).toBe(true);
    const viaEngagement = options.find((o) => o.changes[0]!.feature === 'engagement');
    expect(viaEngagement?.changes[0]).toEqual({ feature: 'engagement', from: '0 inbound', to: '4 inbound' });
    // Out of reach: even every actionable lever cannot get an owner-occupied house with no data to 90.
    expect(counterfactuals(signalsFor({ ownerOccupied: true }, TODAY).signals, 90)).toEqual([]);
    expect(counterfactuals(base, now - 1)).toEqual([]);
  });
});
