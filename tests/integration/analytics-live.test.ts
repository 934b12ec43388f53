import { print } from 'graphql';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnalyticsUpdatedDocument, type AnalyticsUpdatedSubscription } from '../../client/index.js';
import { createTenant, uniqueAddress, type Tenant } from '../helpers/gql.js';
import { startApiProcess, type ApiProcess } from '../helpers/process.js';
import { startTestServer } from '../helpers/server.js';
import { subscribe, wsClient } from '../helpers/ws.js';

// Mutations go to this process (which also runs the workers, the analytics job among them);
// subscribers listen on a second API process.
const server = await startTestServer();
const QUERY = print(AnalyticsUpdatedDocument);
const RANGE = { preset: 'LAST_30_DAYS' } as const;
type Pushed = AnalyticsUpdatedSubscription['analyticsUpdated'];
let second: ApiProcess;
beforeAll(async () => {
  second = await startApiProcess(server.config, ['--no-worker']);
});
afterAll(async () => {
  await second?.stop();
});

async function leadOf(t: Tenant, lastName: string): Promise<string> {
  const { createProperty: p } = await t.api.CreateProperty({ input: uniqueAddress() });
  const { createLead } = await t.api.CreateLead({
    input: { firstName: 'Live', lastName, propertyId: p.id, assignedUserId: t.userId },
  });
  return createLead.id;
}

const calls = (x: Pushed) =>
  x.team.find((m) => m.userId !== null)?.activitiesByType.find((a) => a.type === 'CALL')?.count ?? 0;

describe('analyticsUpdated', () => {
  it('pushes new sections to a subscriber of another process, coalesced, ending equal to a fresh query', async () => {
    const t = await createTenant(server.url);
    const other = await createTenant(server.url);
    const vars = { variables: { range: RANGE } };
    const sub = await subscribe<{ analyticsUpdated: Pushed }>(second.wsUrl, t.token, QUERY, vars);
    const theirs = await subscribe<{ analyticsUpdated: Pushed }>(second.wsUrl, other.token, QUERY, vars);

    const leadId = await leadOf(t, 'One');
    await t.api.LogActivity({ input: { leadId, type: 'CALL', direction: 'OUTBOUND' } });
    // The lead's window and the call's may push separately (a push computed while the call commits
    // can show part of it: sections are read concurrently); the last push shows both.
    const first = (await sub.next(10_000)).analyticsUpdated;
    await sub.quiet(1_000);
    const pushed = sub.received.at(-1)?.analyticsUpdated ?? first;
    expect(pushed.funnel.find((s) => s.step === 'CREATED')!.count).toBe(1);
    expect(pushed.funnel.find((s) => s.step === 'CONTACTED')!.count).toBe(1);
    expect(calls(pushed)).toBe(1);

    // A burst: 200 activities over as little time as the API takes; pushes stay a handful.
    await sub.quiet(600);
    sub.received.length = 0;
    const started = Date.now();
    for (let i = 0; i < 20; i++)
      await Promise.all(
        Array.from({ length: 10 }, () => t.api.LogActivity({ input: { leadId, type: 'CALL', direction: 'OUTBOUND' } })),
      );
    const elapsed = Date.now() - started;
    await sub.quiet(1_500);
    const pushes = sub.received.map((x) => x.analyticsUpdated);
    expect(pushes.length).toBeGreaterThan(0);
    expect(pushes.length).toBeLessThanOrEqual(Math.ceil(elapsed / 250) + 2);
    expect(pushes.length).toBeLessThan(50);
    const last = pushes.at(-1)!;
    expect(calls(last)).toBe(201);
    const fresh = (await t.api.AnalyticsLive({ range: RANGE })).analytics;
    expect(last).toEqual(fresh);

    // Every delta was folded by then, and the numbers did not change by folding.
    const db = new pg.Client({ connectionString: server.config.databaseOwnerUrl });
    await db.connect();
    try {
      const pending = await db.query(
        'select count(*)::int as n from analytics_activity_deltas where organization_id = $1',
        [t.organizationId],
      );
      expect(pending.rows[0].n).toBe(0);
    } finally {
      await db.end();
    }

    // The other organization heard nothing of it.
    expect(await theirs.quiet(300)).toBe(true);
    expect(theirs.received).toEqual([]);
    await sub.close();
    await theirs.close();
  });

  it('refuses a bad range when subscribing, with BAD_USER_INPUT', async () => {
    const t = await createTenant(server.url);
    const client = wsClient(second.wsUrl, t.token);
    const error = await new Promise<unknown>((resolve) => {
      client.subscribe(
        { query: QUERY, variables: { range: { from: '2026-05-01', to: '2026-04-01' } } },
        { next: (m) => resolve(m.errors ?? m), error: resolve, complete: () => resolve('complete') },
      );
    });
    expect(JSON.stringify(error)).toContain('BAD_USER_INPUT');
    expect(JSON.stringify(error)).toContain('range.from');
    await client.dispose();
  });
});
