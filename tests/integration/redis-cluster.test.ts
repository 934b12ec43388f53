import type { ChildProcess } from 'node:child_process';
import { print } from 'graphql';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CampaignProgressDocument,
  PipelineEventsDocument,
  type CampaignProgressSubscription,
  type PipelineEventsSubscription,
} from '../../client/index.js';
import { startLocalSmtp } from '../../src/platform/mail/local-smtp.js';
import { campaignCompleted, seedOptedInLeads } from '../helpers/campaigns.js';
import { createTenant, waitFor } from '../helpers/gql.js';
import { startApiProcess, startWorkerProcess, type ApiProcess } from '../helpers/process.js';
import { startOwnRedisCluster } from '../helpers/redis-cluster.js';
import { startTestServer } from '../helpers/server.js';
import { subscribe } from '../helpers/ws.js';

// Everything Redis does here (queues, job locks, pub/sub, rate limits, APQ, idempotency) runs on a
// three-master Redis Cluster of the test's own; Postgres is the shared one.
const cluster = await startOwnRedisCluster(3);
const smtp = await startLocalSmtp();
const children: ChildProcess[] = [];
let second: ApiProcess | undefined;
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await second?.stop();
  await smtp.close();
});
const server = await startTestServer({
  workers: false,
  config: { redisUrl: cluster.url, redisCluster: true, smtpUrl: smtp.url },
});
const workerEnv = { SMTP_URL: smtp.url, JOB_LOCK_MS: '2000', SEND_CLAIM_STALE_MS: '1000' };

/** Which masters hold `channel` as a sharded pub/sub channel. */
async function shardsHolding(channel: string): Promise<number[]> {
  const held = await Promise.all(
    cluster.ports.map(
      async (port) => ((await cluster.node(port).call('PUBSUB', 'SHARDCHANNELS', channel)) as string[]).length,
    ),
  );
  return cluster.ports.filter((_, i) => held[i]! > 0);
}

describe('on a Redis Cluster', () => {
  it('an event served by one API process reaches its organization on another, over one shard', async () => {
    second = await startApiProcess(server.config);
    const a = await createTenant(server.url);
    const b = await createTenant(server.url);
    const query = print(PipelineEventsDocument);
    const subA = await subscribe<PipelineEventsSubscription>(second.wsUrl, a.token, query);
    const subB = await subscribe<PipelineEventsSubscription>(second.wsUrl, b.token, query);

    const { createLead } = await a.api.CreateLead({ input: { firstName: 'Clara', lastName: 'Cluster' } });
    expect((await subA.next()).pipelineEvents).toMatchObject({ type: 'LEAD_CREATED', lead: { id: createLead.id } });
    expect(await subB.quiet(500)).toBe(true);

    // Sharded pub/sub: each organization's channel is subscribed on exactly one master (the one
    // owning its slot), not broadcast over the cluster; nothing uses classic channels.
    for (const t of [a, b])
      expect(await shardsHolding(`${server.config.redisPrefix}:PIPELINE:${t.organizationId}`)).toHaveLength(1);
    for (const port of cluster.ports) {
      const classic = (await cluster
        .node(port)
        .call('PUBSUB', 'CHANNELS', `${server.config.redisPrefix}:*`)) as string[];
      expect(classic).toEqual([]);
    }
    await subA.close();
    await subB.close();
  });

  it('a campaign: progress is pushed; after a worker is killed each recipient still gets one email', async () => {
    const t = await createTenant(server.url);
    const count = 200;
    const emails = await seedOptedInLeads(server.config.databaseUrl, t, count, 'cluster');
    const { createTemplate } = await t.api.CreateTemplate({
      input: { name: 'Cluster', channel: 'EMAIL', subject: 'Hi {{lead.firstName}}', body: 'Hello' },
    });
    const { createCampaign } = await t.api.CreateCampaign({
      input: {
        name: 'Cluster',
        channel: 'EMAIL',
        templateId: createTemplate.id,
        windowStartHour: 0,
        windowEndHour: 24,
      },
    });
    const progress = await subscribe<CampaignProgressSubscription>(
      server.wsUrl,
      t.token,
      print(CampaignProgressDocument),
      {
        variables: { id: createCampaign.id },
      },
    );

    const first = await startWorkerProcess(server.config, workerEnv);
    children.push(first);
    await t.api.LaunchCampaign({ id: createCampaign.id });
    await waitFor(
      async () => (await t.api.Campaign({ id: createCampaign.id })).campaign.stats.sent >= 20,
      60_000,
      'sends',
    );
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    const atKill = (await t.api.Campaign({ id: createCampaign.id })).campaign.stats;
    expect(atKill.sent).toBeLessThan(count);

    children.push(await startWorkerProcess(server.config, workerEnv));
    const done = await campaignCompleted(t, createCampaign.id, 60_000);
    expect(done.stats).toMatchObject({ total: count, sent: count, failed: 0 });

    // The worker processes published progress through the cluster to this API's subscriber.
    const last = await waitFor(
      async () => progress.received.find((e) => e.campaignProgress.status === 'COMPLETED') ?? null,
      10_000,
      'COMPLETED pushed',
    );
    expect(last.campaignProgress.stats.sent).toBe(count);
    await progress.close();

    const ours = new Set(emails);
    const ids = new Map<string, Set<string>>();
    for (const m of smtp.received.filter((x) => ours.has(x.envelopeTo[0]!)))
      ids.set(m.envelopeTo[0]!, (ids.get(m.envelopeTo[0]!) ?? new Set()).add(m.parsed.messageId!));
    expect(ids.size).toBe(count);
    expect([...ids.values()].filter((s) => s.size !== 1)).toEqual([]);
  }, 120_000);

  it("keeps each queue's keys on one master and spreads the queues over the masters", async () => {
    const byQueue = new Map<string, Set<number>>();
    for (const port of cluster.ports) {
      for (const key of await cluster.node(port).keys(`{${server.config.redisPrefix}:*`)) {
        const queue = key.slice(1, key.indexOf('}'));
        byQueue.set(queue, (byQueue.get(queue) ?? new Set()).add(port));
      }
    }
    expect([...byQueue.keys()]).toEqual(expect.arrayContaining([`${server.config.redisPrefix}:email`]));
    for (const [queue, ports] of byQueue) expect([queue, ports.size]).toEqual([queue, 1]);
    const masters = new Set([...byQueue.values()].flatMap((s) => [...s]));
    expect(masters.size).toBeGreaterThan(1);
  });
});
