import { print } from 'graphql';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { PipelineEventsDocument, type PipelineEventsSubscription } from '../../client/index.js';
import { prepareDatabase } from '../../src/platform/db/bootstrap.js';
import { lsnValue } from '../../src/platform/db/replicas.js';
import { testConfig } from '../helpers/env.js';
import { createTenant, waitFor, type Tenant } from '../helpers/gql.js';
import { startOwnPostgres, startOwnStandby } from '../helpers/own-postgres.js';
import { startTestServer } from '../helpers/server.js';
import { subscribe } from '../helpers/ws.js';

/**
 * A primary and a streaming replica of the test's own (Debian's PostgreSQL, pg_basebackup -R). The
 * replica's WAL replay is paused to hold it behind, which shows where each read went: a row written
 * to the primary behind the API's back is missing from what the replica serves.
 */
const primary = await startOwnPostgres();
const DB = 'reos_replica';
const base = testConfig({ databaseUrl: primary.url(DB, 'reos_app'), databaseOwnerUrl: primary.url(DB) });
await prepareDatabase(base);
const standby = await startOwnStandby(primary);
const server = await startTestServer({
  workers: false,
  config: {
    databaseUrl: base.databaseUrl,
    databaseOwnerUrl: base.databaseOwnerUrl,
    databaseReplicaUrls: [standby.url(DB, 'reos_app')],
  },
});
const owner = new pg.Client({ connectionString: primary.url(DB) });
const replicaAdmin = new pg.Client({ connectionString: standby.url(DB) });
replicaAdmin.on('error', () => undefined); // cut when the second test stops the replica
await owner.connect();
await replicaAdmin.connect();
afterAll(async () => {
  await owner.end();
  await replicaAdmin.end().catch(() => undefined);
});

async function caughtUp(): Promise<void> {
  const { rows } = await owner.query<{ lsn: string }>('select pg_current_wal_lsn()::text as lsn');
  await waitFor(
    async () => {
      const r = await replicaAdmin.query<{ lsn: string }>('select pg_last_wal_replay_lsn()::text as lsn');
      return lsnValue(r.rows[0]!.lsn) >= lsnValue(rows[0]!.lsn) || null;
    },
    10_000,
    'replica caught up',
  );
}

async function pauseReplay(): Promise<void> {
  await replicaAdmin.query('select pg_wal_replay_pause()');
  await waitFor(
    async () =>
      (await replicaAdmin.query('select pg_get_wal_replay_pause_state() as s')).rows[0].s === 'paused' || null,
    10_000,
    'replay paused',
  );
}

/** A lead written straight to the primary, outside the API (so no write position is recorded for it). */
async function leadBehindTheApi(t: Tenant, firstName: string): Promise<string> {
  const { rows } = await owner.query<{ id: string }>(
    `insert into leads (id, organization_id, first_name, last_name) values (gen_random_uuid(), $1, $2, 'Direct')
     returning id`,
    [t.organizationId, firstName],
  );
  return rows[0]!.id;
}

const leadCount = async (t: Tenant) => (await t.api.Leads({ first: 50 })).leads.totalCount;
const funnelLeads = async (t: Tenant) =>
  (await t.api.Funnel({ range: { preset: 'LAST_7_DAYS' } })).analytics.funnel[0]!.count;

describe('reads from a streaming replica', () => {
  it("serves a query's lists and analytics from the replica, and a client always reads its own writes", async () => {
    const a = await createTenant(server.url, 'Replica A');
    const b = await createTenant(server.url, 'Replica B');
    await b.api.CreateLead({ input: { firstName: 'First', lastName: 'Seller' } });
    await caughtUp();
    await pauseReplay();
    try {
      const hidden = await leadBehindTheApi(b, 'Hidden');
      // B wrote nothing through the API since the replica replayed its last write: its list and
      // its funnel come from the replica, which has not seen the row; the single lead is read on the primary.
      expect(await leadCount(b)).toBe(1);
      expect(await funnelLeads(b)).toBe(1);
      expect((await b.api.Lead({ id: hidden })).lead).toMatchObject({ firstName: 'Hidden' });

      // A writes while the replica is held back: A's next reads come from the primary.
      const { createLead } = await a.api.CreateLead({ input: { firstName: 'Own', lastName: 'Write' } });
      const list = await a.api.Leads({ first: 50 });
      expect(list.leads.edges.map((e) => e.node.id)).toEqual([createLead.id]);
      expect(await funnelLeads(a)).toBe(1);

      // Once B writes through the API, B's reads go to the primary too (its own write, and the row behind it).
      await b.api.CreateLead({ input: { firstName: 'Second', lastName: 'Seller' } });
      expect(await leadCount(b)).toBe(3);
      expect(await funnelLeads(b)).toBe(3);
    } finally {
      await replicaAdmin.query('select pg_wal_replay_resume()');
    }
    await caughtUp();
    expect(await leadCount(b)).toBe(3);
    expect(await leadCount(a)).toBe(1); // row-level security holds on the replica's connections too
  });

  it("records a new organization's write position at sign-up, before it has a signed-in caller", async () => {
    const redis = new Redis(server.config.redisUrl);
    try {
      const t = await createTenant(server.url, 'Replica sign-up');
      const at = await redis.get(`${server.config.redisPrefix}:lsn:${t.organizationId}`);
      expect(BigInt(at ?? '0')).toBeGreaterThan(0n);
    } finally {
      redis.disconnect();
    }
  });

  it('subscriptions read the primary: an event arrives with its row while the replica is held back', async () => {
    const t = await createTenant(server.url, 'Replica live');
    const sub = await subscribe<PipelineEventsSubscription>(server.wsUrl, t.token, print(PipelineEventsDocument));
    await pauseReplay();
    try {
      const { createLead } = await t.api.CreateLead({ input: { firstName: 'Live', lastName: 'Event' } });
      expect((await sub.next()).pipelineEvents).toMatchObject({
        type: 'LEAD_CREATED',
        lead: { id: createLead.id, firstName: 'Live' }, // re-read for the event: the replica has no such row yet
      });
    } finally {
      await replicaAdmin.query('select pg_wal_replay_resume()');
      await sub.close();
    }
    await caughtUp();
  });

  it('falls back to the primary while the replica is down, and uses it again once it is back', async () => {
    const t = await createTenant(server.url, 'Replica down');
    await t.api.CreateLead({ input: { firstName: 'Before', lastName: 'Outage' } });
    standby.stop();
    try {
      await leadBehindTheApi(t, 'During');
      expect(await leadCount(t)).toBe(2); // from the primary: the replica cannot be asked
      expect(await funnelLeads(t)).toBe(2);
    } finally {
      standby.start();
    }
    await replicaAdmin.end().catch(() => undefined);
    const again = new pg.Client({ connectionString: standby.url(DB) });
    await waitFor(
      () =>
        again.connect().then(
          () => true,
          () => null,
        ),
      20_000,
      'replica back',
    );
    try {
      const { rows } = await owner.query<{ lsn: string }>('select pg_current_wal_lsn()::text as lsn');
      await waitFor(
        async () =>
          lsnValue((await again.query('select pg_last_wal_replay_lsn()::text as l')).rows[0].l) >=
            lsnValue(rows[0]!.lsn) || null,
        20_000,
        'replica caught up after restart',
      );
      await again.query('select pg_wal_replay_pause()');
      await leadBehindTheApi(t, 'Hidden again');
      await waitFor(async () => ((await leadCount(t)) === 2 ? true : null), 5_000, 'reads on the replica again');
    } finally {
      await again.query('select pg_wal_replay_resume()').catch(() => undefined);
      await again.end();
    }
  });
});
