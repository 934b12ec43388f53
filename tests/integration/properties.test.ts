import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createTenant, gqlError, uniqueAddress, waitFor } from '../helpers/gql.js';
import { startTestServer } from '../helpers/server.js';

const server = await startTestServer();

describe('properties', () => {
  it('creates a property, normalizes input, and geocodes it in the background', async () => {
    const t = await createTenant(server.url);
    const addr = uniqueAddress('78704');
    const { createProperty: p } = await t.api.CreateProperty({
      input: {
        ...addr,
        state: 'tx',
        zip: '78704-1234',
        bedrooms: 3,
        bathrooms: 2.5,
        estimatedValue: 325000.456,
        tags: ['Vacant', ' vacant ', 'Probate'],
        lastSaleDate: '2019-06-30',
      },
    });
    expect(p).toMatchObject({
      state: 'TX',
      zip: '78704',
      bathrooms: 2.5,
      estimatedValue: 325000.46,
      tags: ['vacant', 'probate'],
      geocodeStatus: 'PENDING',
      lastSaleDate: '2019-06-30',
    });
    const done = await waitFor(
      async () => {
        const { property } = await t.api.Property({ id: p.id });
        return property.geocodeStatus === 'DONE' ? property : null;
      },
      30_000,
      'geocoding',
    );
    expect(done.county).toBe('Travis');
    expect(done.latitude).toBeGreaterThan(30.2);
    expect(done.latitude).toBeLessThan(30.3);
    expect(done.longitude).toBeLessThan(-97.7);
  });

  it('marks an address the geocoder does not know as NOT_FOUND and a rejected one as FAILED', async () => {
    const t = await createTenant(server.url);
    const unknown = await t.api.CreateProperty({ input: { ...uniqueAddress('10001'), city: 'New York', state: 'NY' } });
    const rejected = await t.api.CreateProperty({ input: { ...uniqueAddress('99981'), city: 'Nowhere', state: 'AK' } });
    await waitFor(
      async () => (await t.api.Property({ id: unknown.createProperty.id })).property.geocodeStatus === 'NOT_FOUND',
      30_000,
      'NOT_FOUND',
    );
    await waitFor(
      async () => (await t.api.Property({ id: rejected.createProperty.id })).property.geocodeStatus === 'FAILED',
      30_000,
      'FAILED',
    );
  });

  it('rejects the same house entered twice, however it is written, naming the existing property', async () => {
    const t = await createTenant(server.url);
    const street = `${100 + Math.floor(Math.random() * 800)} North ${randomUUID().slice(0, 6)} Street Apartment 4`;
    const { createProperty: first } = await t.api.CreateProperty({
      input: { addressLine: street, city: 'Austin', state: 'TX', zip: '78701' },
    });
    const variant = street.replace('North', 'N.').replace('Street', 'st').replace('Apartment 4', '#4').toLowerCase();
    const err = await gqlError(
      t.api.CreateProperty({ input: { addressLine: variant, city: 'AUSTIN', state: 'TX', zip: '78701' } }),
    );
    expect(err.code).toBe('BAD_USER_INPUT');
    expect(err.extensions).toMatchObject({ field: 'input.addressLine', existingPropertyId: first.id });
    expect(err.message).toContain(first.id);
    expect((await t.api.Properties({ first: 10 })).properties.totalCount).toBe(1);

    // Moving another property onto that address is rejected too, and changes nothing.
    const { createProperty: second } = await t.api.CreateProperty({ input: uniqueAddress() });
    const err2 = await gqlError(t.api.UpdateProperty({ id: second.id, input: { addressLine: variant } }));
    expect(err2.extensions.existingPropertyId).toBe(first.id);
    expect((await t.api.Property({ id: second.id })).property.addressLine).toBe(second.addressLine);

    // Archiving frees the address.
    await t.api.ArchiveProperty({ id: first.id });
    await t.api.CreateProperty({ input: { addressLine: variant, city: 'Austin', state: 'TX', zip: '78701' } });
  });

  it('answers bad input with BAD_USER_INPUT naming the field, and stores nothing', async () => {
    const t = await createTenant(server.url);
    const a = uniqueAddress();
    const cases: [Record<string, unknown>, string][] = [
      [{ ...a, zip: '7870' }, 'input.zip'],
      [{ ...a, state: 'Texas' }, 'input.state'],
      [{ ...a, estimatedValue: -1 }, 'input.estimatedValue'],
      [{ ...a, bedrooms: -2 }, 'input.bedrooms'],
      [{ ...a, yearBuilt: 1200 }, 'input.yearBuilt'],
      [{ ...a, latitude: 123 }, 'input.latitude'],
      [{ ...a, addressLine: '   ' }, 'input.addressLine'],
      [{ city: 'Austin', state: 'TX', zip: '78701' }, 'input.addressLine'],
    ];
    for (const [input, field] of cases) {
      const err = await gqlError(t.api.CreateProperty({ input: input as never }));
      expect(err, JSON.stringify(input)).toMatchObject({ code: 'BAD_USER_INPUT', extensions: { field } });
    }
    // Enum and scalar coercion errors come from GraphQL itself, also as BAD_USER_INPUT.
    expect((await gqlError(t.api.CreateProperty({ input: { ...a, propertyType: 'CASTLE' as never } }))).code).toBe(
      'BAD_USER_INPUT',
    );
    expect((await gqlError(t.api.CreateProperty({ input: { ...a, lastSaleDate: '2020-02-31' } }))).code).toBe(
      'BAD_USER_INPUT',
    );
    expect((await t.api.Properties({ first: 10 })).properties.totalCount).toBe(0);
  });

  it('unknown and malformed ids are NOT_FOUND', async () => {
    const t = await createTenant(server.url);
    expect((await gqlError(t.api.Property({ id: randomUUID() }))).code).toBe('NOT_FOUND');
    expect((await gqlError(t.api.Property({ id: 'not-a-uuid' }))).code).toBe('NOT_FOUND');
    expect((await gqlError(t.api.UpdateProperty({ id: randomUUID(), input: { city: 'Dallas' } }))).code).toBe(
      'NOT_FOUND',
    );
    expect((await gqlError(t.api.ArchiveProperty({ id: randomUUID() }))).code).toBe('NOT_FOUND');
  });

  it('pages with stable cursors, filters and orders', async () => {
    const t = await createTenant(server.url);
    const values = [100_000, 250_000, 175_000, 400_000, 90_000];
    for (const [i, v] of values.entries()) {
      await t.api.CreateProperty({
        input: {
          ...uniqueAddress(i % 2 ? '78702' : '78701'),
          estimatedValue: v,
          ownerName: i === 3 ? 'Zed Zimmerman' : 'Pat Owner',
          tags: i < 2 ? ['absentee'] : ['tired-landlord'],
        },
      });
    }
    const seen: string[] = [];
    let after: string | null | undefined;
    for (;;) {
      const { properties } = await t.api.Properties({
        first: 2,
        after,
        orderBy: { field: 'ESTIMATED_VALUE', direction: 'DESC' },
      });
      expect(properties.totalCount).toBe(5);
      seen.push(...properties.edges.map((e) => String(e.node.estimatedValue)));
      if (!properties.pageInfo.hasNextPage) break;
      after = properties.pageInfo.endCursor;
    }
    expect(seen).toEqual(['400000', '250000', '175000', '100000', '90000']);

    const byZip = await t.api.Properties({ filter: { zip: '78702' } });
    expect(byZip.properties.totalCount).toBe(2);
    const byOwner = await t.api.Properties({ filter: { search: 'zimmer' } });
    expect(byOwner.properties.edges.map((e) => e.node.ownerName)).toEqual(['Zed Zimmerman']);
    const byTag = await t.api.Properties({ filter: { tagsAny: ['absentee'] } });
    expect(byTag.properties.totalCount).toBe(2);
    const none = await t.api.Properties({ filter: { createdAfter: new Date(Date.now() + 60_000).toISOString() } });
    expect(none.properties.totalCount).toBe(0);

    expect((await gqlError(t.api.Properties({ first: 1000 }))).extensions.field).toBe('first');
    expect((await gqlError(t.api.Properties({ first: 2, after: 'garbage!!' }))).code).toBe('BAD_USER_INPUT');
  });

  it('pages through null sort values exactly once, nulls last in both directions', async () => {
    const t = await createTenant(server.url);
    const values = [300_000, null, 100_000, null, 200_000, 100_000, null];
    for (const v of values) await t.api.CreateProperty({ input: { ...uniqueAddress(), estimatedValue: v } });
    for (const direction of ['ASC', 'DESC'] as const) {
      const seen: { id: string; v: number | null }[] = [];
      let after: string | null | undefined;
      do {
        const { properties } = await t.api.Properties({
          first: 2,
          after,
          orderBy: { field: 'ESTIMATED_VALUE', direction },
        });
        seen.push(...properties.edges.map((e) => ({ id: e.node.id, v: e.node.estimatedValue ?? null })));
        after = properties.pageInfo.hasNextPage ? properties.pageInfo.endCursor : null;
      } while (after);
      expect(new Set(seen.map((s) => s.id)).size).toBe(values.length);
      const nonNull = values
        .filter((v): v is number => v !== null)
        .sort((a, b) => (direction === 'ASC' ? a - b : b - a));
      expect(seen.map((s) => s.v)).toEqual([...nonNull, null, null, null]);
    }
  });

  it('refuses list filters too long, not text, too many or not ids, naming the field, before any SQL', async () => {
    const t = await createTenant(server.url);
    const cases: [() => Promise<unknown>, string][] = [
      [() => t.api.Properties({ first: 5, filter: { city: 'x'.repeat(900_000) } }), 'filter.city'],
      // refused before running
      [() => t.api.Properties({ first: 5, filter: { search: 'main\u0000st' } }), '$filter.search'],
      [() => t.api.Properties({ first: 5, filter: { search: 'lone \ud800 surrogate' } }), '$filter.search'],
      [
        () => t.api.Properties({ first: 5, filter: { tagsAny: Array.from({ length: 101 }, (_, i) => `t${i}`) } }),
        'filter.tagsAny',
      ],
      [() => t.api.Leads({ first: 5, filter: { assignedUserId: 'not-a-uuid' } }), 'filter.assignedUserId'],
      [() => t.api.Deals({ first: 5, filter: { leadId: "1' or '1'='1" } }), 'filter.leadId'],
    ];
    for (const [call, field] of cases) {
      const started = performance.now();
      expect(await gqlError(call())).toMatchObject({ code: 'BAD_USER_INPUT', extensions: { field } });
      // a 900 KB city used to be scanned with ILIKE for seconds
      expect(performance.now() - started).toBeLessThan(5_000);
    }
    // Another organization's (well-formed) id simply matches nothing.
    expect((await t.api.Leads({ first: 5, filter: { assignedUserId: randomUUID() } })).leads.totalCount).toBe(0);
  });
});
