import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createTenant, gqlError, uniqueAddress, waitFor, type Tenant } from '../helpers/gql.js';
import { startTestServer } from '../helpers/server.js';

const server = await startTestServer();

async function geocodedProperty(t: Tenant, zip: string, extra: Record<string, unknown> = {}) {
  const { createProperty } = await t.api.CreateProperty({
    input: { ...uniqueAddress(zip), squareFeet: 1_600, bedrooms: 3, bathrooms: 2, yearBuilt: 1985, ...extra },
  });
  await waitFor(
    async () => (await t.api.Property({ id: createProperty.id })).property.geocodeStatus === 'DONE',
    30_000,
    'geocoding',
  );
  return createProperty;
}

describe('enrichment through the offline property-data provider', () => {
  it('fills hazards and owner facts with provenance for every field', async () => {
    const t = await createTenant(server.url);
    const p = await geocodedProperty(t, '77021');
    const { enrichProperty } = await t.api.EnrichProperty({ id: p.id });
    expect(enrichProperty).toMatchObject({ jobId: `enrich-${p.id}`, property: { enrichmentStatus: 'PENDING' } });
    const done = await waitFor(
      async () => {
        const { property } = await t.api.PropertyData({ id: p.id });
        return property.enrichmentStatus === 'DONE' ? property : null;
      },
      30_000,
      'enrichment',
    );
    expect(done.hazards).toMatchObject({ floodZone: 'AE', floodRisk: 'HIGH' });
    // The job itself: finished at 100% with its result; another organization cannot see it. The property's
    // row commits before BullMQ marks the job completed, so the job may still read `active` for a moment.
    const job = await waitFor(
      async () => {
        const r = await t.api.Job({ id: enrichProperty.jobId });
        return r.job?.state === 'completed' ? r.job : null;
      },
      10_000,
      'the enrich job completed',
    );
    expect(job).toMatchObject({
      queue: 'enrich',
      name: 'enrich-property',
      state: 'completed',
      progress: 100,
      result: { status: 'DONE' },
      error: null,
    });
    const stranger = await createTenant(server.url);
    expect((await gqlError(stranger.api.Job({ id: enrichProperty.jobId }))).code).toBe('NOT_FOUND');
    const fields = done.provenance.map((x) => x.field);
    expect(fields).toEqual([
      'county',
      'floodRisk',
      'floodZone',
      'heatRisk',
      'inProbate',
      'latitude',
      'longitude',
      'openLiens',
      'taxDelinquent',
      'wildfireRisk',
    ]);
    for (const prov of done.provenance) {
      expect(prov.source).toBe(
        ['county', 'latitude', 'longitude'].includes(prov.field) ? 'geocoder:offline' : 'offline-dataset',
      );
      expect(prov.confidence).toBeGreaterThan(0);
      expect(Date.parse(prov.fetchedAt)).not.toBeNaN();
      expect(prov.method).toMatch(/lookup|match|geocoding/);
    }
  });

  it('says NO_DATA where the provider knows nothing, and the other organization cannot enrich', async () => {
    const t = await createTenant(server.url);
    const other = await createTenant(server.url);
    const { createProperty: p } = await t.api.CreateProperty({
      input: { ...uniqueAddress('10001'), city: 'New York', state: 'NY' },
    });
    await t.api.EnrichProperty({ id: p.id });
    await waitFor(
      async () => (await t.api.PropertyData({ id: p.id })).property.enrichmentStatus === 'NO_DATA',
      30_000,
      'NO_DATA',
    );
    expect((await gqlError(other.api.EnrichProperty({ id: p.id }))).code).toBe('NOT_FOUND');
    expect((await gqlError(t.api.EnrichProperty({ id: randomUUID() }))).code).toBe('NOT_FOUND');
  });
});

describe('comps and ARV', () => {
  it('ranks nearby recent sales, honours pins and exclusions, and the saved analysis remembers the comps', async () => {
    const t = await createTenant(server.url);
    const p = await geocodedProperty(t, '78745');
    const { property } = await t.api.PropertyData({ id: p.id, radiusMiles: 3, months: 24, limit: 6 });
    const { comps, arv } = property.comps;
    expect(comps).toHaveLength(6);
    expect(comps.every((c) => c.distanceMiles <= 3)).toBe(true);
    const sims = comps.map((c) => c.similarity);
    expect(sims).toEqual([...sims].sort((a, b) => b - a));
    for (const c of comps)
      expect(c.adjustedPrice).toBe(
        Math.round(
          c.salePrice + c.adjustments.size + c.adjustments.bedrooms + c.adjustments.bathrooms + c.adjustments.age,
        ),
      );
    expect(arv!.value).toBeGreaterThanOrEqual(arv!.low - 500);
    expect(arv!.value).toBeLessThanOrEqual(arv!.high + 500);
    expect(arv!.compIds).toEqual(comps.map((c) => c.id));

    // Exclude the best one, pin one from further down the list.
    const wider = (await t.api.PropertyData({ id: p.id, radiusMiles: 3, months: 24, limit: 20 })).property.comps.comps;
    const pin = wider.at(-1)!.id;
    const again = (
      await t.api.PropertyData({
        id: p.id,
        radiusMiles: 3,
        months: 24,
        limit: 6,
        excluded: [comps[0]!.id],
        pinned: [pin],
      })
    ).property.comps;
    expect(again.comps.map((c) => c.id)).not.toContain(comps[0]!.id);
    expect(again.comps[0]).toMatchObject({ id: pin, pinned: true });

    const { createLead } = await t.api.CreateLead({
      input: { firstName: 'Comp', lastName: 'Check', propertyId: p.id },
    });
    const { createDeal } = await t.api.CreateDeal({ input: { leadId: createLead.id, propertyId: p.id } });
    const v1 = (
      await t.api.SaveUnderwriting({
        dealId: createDeal.id,
        input: { kind: 'FLIP', flip: { arv: arv!.value, purchasePrice: 150_000 }, compIds: arv!.compIds },
      })
    ).saveUnderwriting;
    const v2 = (
      await t.api.SaveUnderwriting({
        dealId: createDeal.id,
        input: { kind: 'FLIP', flip: { arv: again.arv!.value, purchasePrice: 150_000 }, compIds: again.arv!.compIds },
      })
    ).saveUnderwriting;
    expect(v1.compIds).toEqual(arv!.compIds);
    const changes = (await t.api.CompareUnderwritings({ a: v1.id, b: v2.id })).compareUnderwritings.map((c) => c.path);
    expect(changes.some((c) => c.startsWith('compIds'))).toBe(true);
  });

  it('explains missing comps, rejects bad arguments, reports a provider outage as SERVICE_UNAVAILABLE', async () => {
    const t = await createTenant(server.url);
    const { createProperty: notYet } = await t.api.CreateProperty({
      input: { ...uniqueAddress('10001'), city: 'New York', state: 'NY' },
    });
    expect((await t.api.PropertyData({ id: notYet.id })).property.comps.reason).toMatch(/not geocoded|no sales data/);
    const { createProperty: nowhere } = await t.api.CreateProperty({
      input: { ...uniqueAddress('10001'), city: 'New York', state: 'NY', latitude: 40.75, longitude: -73.99 },
    });
    expect((await t.api.PropertyData({ id: nowhere.id })).property.comps).toMatchObject({
      reason: 'The provider has no sales data for this area',
      arv: null,
    });
    expect((await gqlError(t.api.PropertyData({ id: nowhere.id, radiusMiles: 100 }))).extensions.field).toBe(
      'radiusMiles',
    );
    const { createProperty: down } = await t.api.CreateProperty({
      input: { ...uniqueAddress('99991'), city: 'Nowhere', state: 'AK', latitude: 61.2, longitude: -149.9 },
    });
    expect((await gqlError(t.api.PropertyData({ id: down.id }))).code).toBe('SERVICE_UNAVAILABLE');
  });
});
