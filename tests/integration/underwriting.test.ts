import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { addMember, createTenant, gqlError, uniqueAddress, type Tenant } from '../helpers/gql.js';
import { startTestServer } from '../helpers/server.js';

const server = await startTestServer({ workers: false });

async function dealFor(t: Tenant) {
  const { createProperty } = await t.api.CreateProperty({ input: uniqueAddress() });
  const { createLead } = await t.api.CreateLead({
    input: { firstName: 'Una', lastName: 'Derwriter', propertyId: createProperty.id },
  });
  return (await t.api.CreateDeal({ input: { leadId: createLead.id, propertyId: createProperty.id } })).createDeal;
}

const flip = (purchasePrice: number) => ({
  arv: 250_000,
  purchasePrice,
  repairItems: [{ label: 'Rehab', amount: 25_000 }],
  holdingMonths: 4,
  holdingCostPerMonth: 1_000,
});

describe('underwriting versions', () => {
  it('saves immutable versions with server-computed outputs, lists them newest first, and compares two', async () => {
    const t = await createTenant(server.url);
    const deal = await dealFor(t);
    const { saveUnderwriting: v1 } = await t.api.SaveUnderwriting({
      dealId: deal.id,
      input: { kind: 'FLIP', flip: flip(150_000), notes: 'First pass' },
    });
    expect(v1).toMatchObject({
      version: 1,
      kind: 'FLIP',
      notes: 'First pass',
      createdBy: { id: t.userId },
      flip: { maoByRule: 150_000, deal: { profit: 48_000 } },
      rental: null,
    });
    expect((v1.outputs as { deal: { profit: number } }).deal.profit).toBe(48_000);
    const { saveUnderwriting: v2 } = await t.api.SaveUnderwriting({
      dealId: deal.id,
      input: { kind: 'FLIP', flip: flip(140_000) },
    });
    expect(v2.version).toBe(2);

    const { deal: withVersions } = await t.api.DealUnderwritings({ id: deal.id });
    expect(withVersions.underwritings.map((u) => u.version)).toEqual([2, 1]);
    const { compareUnderwritings } = await t.api.CompareUnderwritings({ a: v1.id, b: v2.id });
    const byPath = Object.fromEntries(compareUnderwritings.map((c) => [c.path, c]));
    expect(byPath['inputs.purchasePrice']).toMatchObject({ before: 150_000, after: 140_000 });
    expect(byPath['outputs.deal.profit']).toMatchObject({ before: 48_000, after: 58_200 });
    expect(byPath['inputs.arv']).toBeUndefined();
  });

  it('concurrent saves get distinct consecutive versions', async () => {
    const t = await createTenant(server.url);
    const deal = await dealFor(t);
    const saved = await Promise.all(
      [1, 2, 3, 4].map((n) =>
        t.api.SaveUnderwriting({ dealId: deal.id, input: { kind: 'FLIP', flip: flip(100_000 + n) } }),
      ),
    );
    expect(saved.map((s) => s.saveUnderwriting.version).sort()).toEqual([1, 2, 3, 4]);
  });

  it('rejects bad input naming the field, and a missing or mismatched analysis, saving nothing', async () => {
    const t = await createTenant(server.url);
    const deal = await dealFor(t);
    expect(
      (await gqlError(t.api.SaveUnderwriting({ dealId: deal.id, input: { kind: 'FLIP', flip: { arv: -5 } } })))
        .extensions.field,
    ).toBe('input.arv');
    expect(
      (await gqlError(t.api.SaveUnderwriting({ dealId: deal.id, input: { kind: 'RENTAL' } }))).extensions.field,
    ).toBe('input.rental');
    expect(
      (
        await gqlError(
          t.api.SaveUnderwriting({
            dealId: deal.id,
            input: { kind: 'FLIP', flip: flip(1), rental: { purchasePrice: 1, monthlyRent: 1 } },
          }),
        )
      ).extensions.field,
    ).toBe('input.rental');
    const rate = await gqlError(
      t.api.AnalyzeRental({
        input: {
          purchasePrice: 100_000,
          monthlyRent: 1_000,
          loan: { downPaymentPct: 0.2, annualRate: 1.5, years: 30 },
        },
      }),
    );
    expect(rate).toMatchObject({ code: 'BAD_USER_INPUT', extensions: { field: 'input.loan.annualRate' } });
    expect(
      (await gqlError(t.api.SaveUnderwriting({ dealId: randomUUID(), input: { kind: 'FLIP', flip: flip(1) } }))).code,
    ).toBe('NOT_FOUND');
    expect((await t.api.DealUnderwritings({ id: deal.id })).deal.underwritings).toEqual([]);
  });

  it('analysis queries return typed numbers, including explicit NO_IRR', async () => {
    const t = await createTenant(server.url);
    const { analyzeDcf } = await t.api.AnalyzeDcf({
      input: {
        purchasePrice: 100_000,
        grossIncome: 0,
        operatingExpenses: 10_000,
        holdYears: 3,
        exitCapRate: 0.08,
        discountRate: 0.1,
        rentGrowth: 0,
        expenseGrowth: 0,
      },
    });
    expect(analyzeDcf.unleveredIrr).toMatchObject({ status: 'NO_IRR', irr: null });
    expect(analyzeDcf.unleveredIrr.reason).toMatch(/never change sign/);
    const { analyzeRental } = await t.api.AnalyzeRental({
      input: {
        purchasePrice: 200_000,
        monthlyRent: 1_800,
        propertyTaxes: 3_000,
        insurance: 1_200,
        closingCosts: 4_000,
        loan: { downPaymentPct: 0.25, annualRate: 0.07, years: 30 },
      },
    });
    expect(analyzeRental.noi).toBe(12_432);
    expect(analyzeRental.amortization).toHaveLength(30);
  });

  it(
    'bounds inputs near the float limit with BAD_USER_INPUT naming the field, and returns undefined ratios ' +
      'as null with a reason',
    async () => {
      const t = await createTenant(server.url);
      const huge = 1e308;
      // Thunks, run one at a time: a rejection never waits unobserved.
      const cases: [() => Promise<unknown>, string][] = [
        [() => t.api.AnalyzeFlip({ input: { arv: huge } }), 'input.arv'],
        [() => t.api.AnalyzeFlip({ input: { arv: 200_000, targetProfit: huge } }), 'input.targetProfit'],
        [() => t.api.AnalyzeRental({ input: { purchasePrice: huge, monthlyRent: 1_000 } }), 'input.purchasePrice'],
        [
          () =>
            t.api.AnalyzeDcf({
              input: {
                purchasePrice: 100_000,
                grossIncome: huge,
                operatingExpenses: 0,
                holdYears: 3,
                exitCapRate: 0.08,
                discountRate: 0.1,
              },
            }),
          'input.grossIncome',
        ],
      ];
      for (const [call, field] of cases)
        expect(await gqlError(call())).toMatchObject({ code: 'BAD_USER_INPUT', extensions: { field } });
      const { analyzeRental } = await t.api.AnalyzeRental({ input: { purchasePrice: 100_000, monthlyRent: 0 } });
      expect(analyzeRental).toMatchObject({ grossRentMultiplier: null, breakEvenOccupancy: null });
      expect(analyzeRental.undefinedBecause.map((u) => u.field)).toEqual([
        'dscr',
        'grossRentMultiplier',
        'breakEvenOccupancy',
      ]);
      const { analyzeFlip } = await t.api.AnalyzeFlip({
        input: { arv: 200_000, purchasePrice: 100_000, holdingMonths: 0 },
      });
      expect(analyzeFlip.deal!.annualizedRoi).toBeNull();
      expect(analyzeFlip.deal!.undefinedBecause).toEqual([{ field: 'annualizedRoi', reason: 'The hold is 0 months' }]);
    },
  );

  it('isolation, roles, and append-only history', async () => {
    const a = await createTenant(server.url);
    const b = await createTenant(server.url);
    const viewer = await addMember(server.url, a, 'VIEWER');
    const deal = await dealFor(a);
    const { saveUnderwriting: v1 } = await a.api.SaveUnderwriting({
      dealId: deal.id,
      input: { kind: 'FLIP', flip: flip(150_000) },
    });
    expect((await gqlError(b.api.Underwriting({ id: v1.id }))).code).toBe('NOT_FOUND');
    expect(
      (await gqlError(b.api.SaveUnderwriting({ dealId: deal.id, input: { kind: 'FLIP', flip: flip(1) } }))).code,
    ).toBe('NOT_FOUND');
    expect((await gqlError(b.api.CompareUnderwritings({ a: v1.id, b: v1.id }))).code).toBe('NOT_FOUND');
    expect(
      (await gqlError(viewer.api.SaveUnderwriting({ dealId: deal.id, input: { kind: 'FLIP', flip: flip(1) } }))).code,
    ).toBe('FORBIDDEN');
    expect((await viewer.api.Underwriting({ id: v1.id })).underwriting.version).toBe(1);

    // Even inside A's own scope, the app role cannot rewrite a saved version.
    const client = new pg.Client({ connectionString: server.config.databaseUrl });
    await client.connect();
    try {
      await client.query("select set_config('app.organization_id', $1, false)", [a.organizationId]);
      await expect(client.query("update underwritings set notes = 'edited' where id = $1", [v1.id])).rejects.toThrow(
        /permission denied/,
      );
      await expect(client.query('delete from underwritings where id = $1', [v1.id])).rejects.toThrow(
        /permission denied/,
      );
      await expect(client.query('delete from deal_stage_changes')).rejects.toThrow(/permission denied/);
    } finally {
      await client.end();
    }
  });
});

describe('property score over the API', () => {
  it(
    'explains the score, counts inbound engagement from the timeline, and answers what-if and counterfactual ' +
      'questions',
    async () => {
      const t = await createTenant(server.url);
      const { createProperty: p } = await t.api.CreateProperty({
        input: {
          ...uniqueAddress(),
          estimatedValue: 320_000,
          lastSalePrice: 110_000,
          lastSaleDate: '2008-06-01',
          ownerOccupied: false,
          tags: ['vacant'],
        },
      });
      const { createLead } = await t.api.CreateLead({
        input: { firstName: 'Sue', lastName: 'Score', propertyId: p.id },
      });
      await t.api.LogActivity({ input: { leadId: createLead.id, type: 'SMS', direction: 'INBOUND', body: 'Maybe' } });
      await t.api.LogActivity({ input: { leadId: createLead.id, type: 'CALL', direction: 'OUTBOUND' } });

      const { property } = await t.api.PropertyScore({
        id: p.id,
        changes: { engagement: 5, codeViolation: true },
        target: 95,
      });
      // 95 is out of reach: every actionable lever together adds 14 points to a score in the low 50s.
      expect(property.scoreCounterfactuals).toEqual([]);
      const s = property.score;
      expect(s.modelVersion).toBe('2026-11.1');
      expect(s.contributions.reduce((acc, c) => acc + Math.round(c.impact * 100), 0)).toBe(Math.round(s.value * 100));
      expect(s.contributions.find((c) => c.feature === 'engagement')).toMatchObject({ value: '1 inbound', impact: 2 });
      expect(s.contributions.find((c) => c.feature === 'vacant')).toMatchObject({ impact: 8 });
      // What-if: 4 more inbound (+8) and a code violation (+6).
      expect(property.scoreWhatIf.value).toBeCloseTo(s.value + 8 + 6, 6);
      // Five more points: a single change does it (a code violation, or three more inbound contacts).
      const reach = (await t.api.PropertyScore({ id: p.id, changes: {}, target: s.value + 5 })).property
        .scoreCounterfactuals;
      expect(reach.map((o) => o.changes.map((c) => c.feature))).toEqual(
        expect.arrayContaining([['codeViolation'], ['engagement']]),
      );
      expect(reach.find((o) => o.changes[0]!.feature === 'engagement')!.changes[0]).toMatchObject({
        from: '1 inbound',
        to: '4 inbound',
      });
      for (const o of reach) expect(o.score).toBeGreaterThanOrEqual(s.value + 5);
      const err = await gqlError(t.api.PropertyScore({ id: p.id, changes: { engagement: -1 }, target: 50 }));
      expect(err).toMatchObject({ code: 'BAD_USER_INPUT', extensions: { field: 'changes.engagement' } });
    },
  );
});
