import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { CampaignQuery } from '../../client/index.js';
import { waitFor, type Tenant } from './gql.js';

/** Runs `fn` on a direct connection as the app role inside `t`'s organization (row-level security applies). */
export async function asTenant<T>(databaseUrl: string, t: Tenant, fn: (db: pg.Client) => Promise<T>): Promise<T> {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    await db.query("select set_config('app.organization_id', $1, false)", [t.organizationId]);
    return await fn(db);
  } finally {
    await db.end();
  }
}

/**
 * `count` leads with an email each and an OPTED_IN consent record, inserted in two statements
 * (campaign tests need hundreds). Returns the emails in order: `<prefix>-1-<tag>@example.com`, …
 */
export async function seedOptedInLeads(
  databaseUrl: string,
  t: Tenant,
  count: number,
  prefix = 'lead',
): Promise<string[]> {
  const tag = randomUUID().slice(0, 8);
  const emails = Array.from({ length: count }, (_, i) => `${prefix}-${i + 1}-${tag}@example.com`);
  await asTenant(databaseUrl, t, async (db) => {
    await db.query(
      `insert into leads (id, organization_id, first_name, last_name, email)
         select gen_random_uuid(), $1, $2 || g, 'Seller', e from unnest($3::text[]) with ordinality as x(e, g)`,
      [t.organizationId, prefix, emails],
    );
    await db.query(
      `insert into consent_records (id, organization_id, channel, contact_point, status, source, recorded_at)
         select gen_random_uuid(), $1, 'EMAIL', e, 'OPTED_IN', 'IMPORT', now() from unnest($2::text[]) e`,
      [t.organizationId, emails],
    );
  });
  return emails;
}

/** The campaign once it is COMPLETED (and, when given, `also` holds). */
export function campaignCompleted(
  t: Tenant,
  id: string,
  timeoutMs = 60_000,
  also: (c: CampaignQuery['campaign']) => boolean = () => true,
) {
  return waitFor(
    async () => {
      const { campaign } = await t.api.Campaign({ id });
      return campaign.status === 'COMPLETED' && also(campaign) ? campaign : null;
    },
    timeoutMs,
    `campaign ${id} completed`,
  );
}

/** A random, valid US mobile-style number (+1 737 NXX XXXX) ending in `line` when given. */
export function randomPhone(line?: string): string {
  const exchange = 200 + Math.floor(Math.random() * 800);
  const rest = line ?? String(Math.floor(Math.random() * 10_000)).padStart(4, '0');
  return `+1737${exchange}${rest}`;
}

/**
 * Leads with these phones (first names `<prefix><i>`), each with an SMS OPTED_IN consent record
 * unless listed in `withoutConsent`. Returns the lead ids in order.
 */
export async function seedSmsLeads(
  databaseUrl: string,
  t: Tenant,
  phones: string[],
  prefix: string,
  withoutConsent: string[] = [],
): Promise<string[]> {
  return asTenant(databaseUrl, t, async (db) => {
    const ids = phones.map(() => randomUUID());
    await db.query(
      `insert into leads (id, organization_id, first_name, last_name, phone)
         select id, $1, $2 || g, 'Seller', p from unnest($3::uuid[], $4::text[]) with ordinality as x(id, p, g)`,
      [t.organizationId, prefix, ids, phones],
    );
    await db.query(
      `insert into consent_records (id, organization_id, channel, contact_point, status, source, recorded_at)
         select gen_random_uuid(), $1, 'SMS', p, 'OPTED_IN', 'WEB_FORM', now() - interval '1 day'
           from unnest($2::text[]) p`,
      [t.organizationId, phones.filter((p) => !withoutConsent.includes(p))],
    );
    return ids;
  });
}
