import { createHash, randomBytes } from 'node:crypto';
import { print } from 'graphql';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { MemoReadyDocument, type MemoReadySubscription } from '../../client/index.js';
import { createTenant, gqlError, uniqueAddress, waitFor, type Tenant } from '../helpers/gql.js';
import { pdfText } from '../helpers/pdf.js';
import { startTestServer } from '../helpers/server.js';
import { subscribe } from '../helpers/ws.js';

const server = await startTestServer();
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

async function underwrittenDeal(t: Tenant) {
  const { createProperty: p } = await t.api.CreateProperty({
    input: {
      ...uniqueAddress('78745'),
      squareFeet: 1_500,
      bedrooms: 3,
      bathrooms: 2,
      yearBuilt: 1978,
      estimatedValue: 310_000,
      ownerName: 'Morgan Memo',
      lastSalePrice: 140_000,
      lastSaleDate: '2011-05-01',
      ownerOccupied: false,
    },
  });
  await waitFor(
    async () => (await t.api.Property({ id: p.id })).property.geocodeStatus === 'DONE',
    30_000,
    'geocoding',
  );
  await t.api.EnrichProperty({ id: p.id });
  await waitFor(
    async () => (await t.api.PropertyData({ id: p.id })).property.enrichmentStatus === 'DONE',
    30_000,
    'enrichment',
  );
  const { arv } = (await t.api.PropertyData({ id: p.id, radiusMiles: 3, months: 24, limit: 5 })).property.comps;
  const { createLead } = await t.api.CreateLead({ input: { firstName: 'Morgan', lastName: 'Memo', propertyId: p.id } });
  const { createDeal } = await t.api.CreateDeal({ input: { leadId: createLead.id, propertyId: p.id } });
  const { saveUnderwriting } = await t.api.SaveUnderwriting({
    dealId: createDeal.id,
    input: {
      kind: 'FLIP',
      flip: { arv: arv!.value, purchasePrice: 150_000, repairLevel: 'MEDIUM', squareFeet: 1_500, targetProfit: 30_000 },
      compIds: arv!.compIds,
      notes: 'Roof and kitchen',
    },
  });
  return { property: p, deal: createDeal, uw: saveUnderwriting, arv: arv! };
}

async function ready(t: Tenant, id: string) {
  return waitFor(
    async () => {
      const { memo } = await t.api.Memo({ id });
      return memo.status === 'READY' ? memo : null;
    },
    30_000,
    'memo',
  );
}

describe('investment memos', () => {
  it('render deterministically: one version twice gives one SHA-256, readable with the key figures', async () => {
    const t = await createTenant(server.url);
    const { deal, uw, property, arv } = await underwrittenDeal(t);
    const sub = await subscribe<MemoReadySubscription>(server.wsUrl, t.token, print(MemoReadyDocument));
    const first = await ready(
      t,
      (await t.api.GenerateMemo({ dealId: deal.id, underwritingId: uw.id })).generateMemo.id,
    );
    expect((await sub.next(15_000)).memoReady).toMatchObject({ id: first.id, status: 'READY', sha256: first.sha256 });
    await sub.close();
    const second = await ready(
      t,
      (await t.api.GenerateMemo({ dealId: deal.id, underwritingId: uw.id })).generateMemo.id,
    );
    expect(second.id).not.toBe(first.id);
    expect(second.sha256).toBe(first.sha256);
    expect(first.sha256).toMatch(/^[0-9a-f]{64}$/);

    const download = await fetch(first.downloadUrl!);
    expect(download.status).toBe(200);
    const bytes = new Uint8Array(await download.arrayBuffer());
    expect(sha(bytes)).toBe(first.sha256);
    expect(bytes.length).toBe(first.sizeBytes);
    const text = await pdfText(bytes);
    const usd = (n: number) => `$${Math.round(n).toLocaleString('en-US')}`;
    expect(text).toContain(property.addressLine);
    expect(text).toContain('Maximum offer (rule)');
    expect(text).toContain(usd(arv.value * 0.7 - 60_000)); // MAO: 70% of ARV minus MEDIUM repairs (1,500 sq ft × $40)
    expect(text).toContain('Comparable sales');
    expect(text).toContain('Flood zone');
    expect(text).toContain('offline-dataset');
    expect(text).toContain('Roof and kitchen');
    expect(text).toMatch(/Seller-motivation score: \d+\.\d\d/);
    expect((await t.api.DealMemos({ id: deal.id })).deal.memos.map((m) => m.id)).toEqual([second.id, first.id]);
  });

  it(
    'render a version from what was true when it was saved: the deal moving on and the owner changing leave ' +
      'the bytes alone',
    async () => {
      const t = await createTenant(server.url);
      const { deal, uw, property } = await underwrittenDeal(t);
      const before = await ready(
        t,
        (await t.api.GenerateMemo({ dealId: deal.id, underwritingId: uw.id })).generateMemo.id,
      );
      await t.api.MoveDeal({ id: deal.id, stage: 'OFFER_MADE', note: 'Sent the offer' });
      await t.api.UpdateDeal({ id: deal.id, input: { title: 'Renamed deal' } });
      await t.api.UpdateProperty({ id: property.id, input: { ownerName: 'Someone Else' } });
      const after = await ready(
        t,
        (await t.api.GenerateMemo({ dealId: deal.id, underwritingId: uw.id })).generateMemo.id,
      );
      expect(after.sha256).toBe(before.sha256);
      const text = await pdfText(new Uint8Array(await (await fetch(after.downloadUrl!)).arrayBuffer()));
      expect(text).toContain('Morgan Memo'); // the owner as saved
      expect(text).not.toContain('Someone Else');
      expect(text).not.toContain('Renamed deal');
      // A new version takes the deal as it is now.
      const { saveUnderwriting: v2 } = await t.api.SaveUnderwriting({
        dealId: deal.id,
        input: { kind: 'FLIP', flip: { arv: 300_000, purchasePrice: 150_000 } },
      });
      const latest = await ready(
        t,
        (await t.api.GenerateMemo({ dealId: deal.id, underwritingId: v2.id })).generateMemo.id,
      );
      const latestText = await pdfText(new Uint8Array(await (await fetch(latest.downloadUrl!)).arrayBuffer()));
      expect(latestText).toContain('Someone Else');
      expect(latestText).toContain('Renamed deal');
    },
  );

  it('share links work until revoked or expired, count views, and are rate limited', async () => {
    const t = await createTenant(server.url);
    const { deal, uw } = await underwrittenDeal(t);
    const memo = await ready(t, (await t.api.GenerateMemo({ dealId: deal.id, underwritingId: uw.id })).generateMemo.id);
    const { createShareLink: share } = await t.api.CreateShareLink({ memoId: memo.id, expiresInHours: 24 });
    expect(share.url).toBe(`${server.url.replace('/graphql', '')}/share/${share.token}`);
    const view = await fetch(share.url);
    expect(view.status).toBe(200);
    expect(view.headers.get('content-type')).toBe('application/pdf');
    expect(sha(new Uint8Array(await view.arrayBuffer()))).toBe(memo.sha256);
    await fetch(share.url).then((r) => r.arrayBuffer());
    expect((await t.api.Memo({ id: memo.id })).memo.shareLinks[0]).toMatchObject({ id: share.link.id, views: 2 });

    await t.api.RevokeShareLink({ id: share.link.id });
    expect((await fetch(share.url)).status).toBe(404);

    const { createShareLink: expiring } = await t.api.CreateShareLink({ memoId: memo.id, expiresInHours: 1 });
    expect((await fetch(expiring.url)).status).toBe(200);
    // Let the hour pass (as the owner, outside the app's rights).
    const owner = new pg.Client({ connectionString: server.config.databaseOwnerUrl });
    await owner.connect();
    await owner.query("update share_links set expires_at = now() - interval '1 second' where id = $1", [
      expiring.link.id,
    ]);
    await owner.end();
    expect((await fetch(expiring.url)).status).toBe(404);
    expect((await gqlError(t.api.CreateShareLink({ memoId: memo.id, expiresInHours: 0 }))).extensions.field).toBe(
      'expiresInHours',
    );
  });

  it('organization B cannot reach A’s memo by id, download URL, share link or token guessing', async () => {
    const a = await createTenant(server.url);
    const b = await createTenant(server.url);
    const { deal, uw } = await underwrittenDeal(a);
    const memo = await ready(a, (await a.api.GenerateMemo({ dealId: deal.id, underwritingId: uw.id })).generateMemo.id);
    expect((await gqlError(b.api.Memo({ id: memo.id }))).code).toBe('NOT_FOUND');
    expect((await gqlError(b.api.CreateShareLink({ memoId: memo.id, expiresInHours: 1 }))).code).toBe('NOT_FOUND');
    expect((await gqlError(b.api.GenerateMemo({ dealId: deal.id, underwritingId: uw.id }))).code).toBe('NOT_FOUND');
    // The storage key is not part of the API; only A's short-lived signed URL reaches the object.
    expect(Object.keys(memo)).not.toContain('storageKey');
    const signed = new URL(memo.downloadUrl!);
    expect(signed.pathname).toContain(`/orgs/${a.organizationId}/memos/`);
    expect(signed.searchParams.get('X-Amz-Expires')).toBe('300');
    expect(signed.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    const base = server.url.replace('/graphql', '');
    // Guessing tokens: every guess is 404 until the per-IP limit (60/min, shared with the other
    // share requests of this minute) turns them into 429.
    const statuses: number[] = [];
    for (let i = 0; i < 70 && !statuses.includes(429); i++)
      statuses.push((await fetch(`${base}/share/${randomBytes(32).toString('base64url')}`)).status);
    expect(statuses.at(-1)).toBe(429);
    expect(statuses.slice(0, -1).every((s) => s === 404)).toBe(true);
    expect(statuses.length).toBeLessThanOrEqual(61);
  });
});
