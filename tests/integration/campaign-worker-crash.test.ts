import { afterAll, describe, expect, it } from 'vitest';
import { startLocalSmtp } from '../../src/platform/mail/local-smtp.js';
import { campaignCompleted, seedOptedInLeads } from '../helpers/campaigns.js';
import { createTenant, waitFor } from '../helpers/gql.js';
import { startWorkerProcess } from '../helpers/process.js';
import { startTestServer } from '../helpers/server.js';

const smtp = await startLocalSmtp();
afterAll(() => smtp.close());
const server = await startTestServer({ workers: false, config: { smtpUrl: smtp.url } });

const workerEnv = { SMTP_URL: smtp.url, JOB_LOCK_MS: '2000', SEND_CLAIM_STALE_MS: '1000' };

describe('a worker killed mid-campaign', () => {
  it('leaves the rest to a new worker, and every recipient gets its email once', async () => {
    const t = await createTenant(server.url);
    const count = 400;
    const emails = await seedOptedInLeads(server.config.databaseUrl, t, count, 'crash');
    const { createTemplate } = await t.api.CreateTemplate({
      input: { name: 'Crash', channel: 'EMAIL', subject: 'Hi {{lead.firstName}}', body: 'Hello' },
    });
    const { createCampaign } = await t.api.CreateCampaign({
      input: { name: 'Crash', channel: 'EMAIL', templateId: createTemplate.id, windowStartHour: 0, windowEndHour: 24 },
    });

    const first = await startWorkerProcess(server.config, workerEnv);
    await t.api.LaunchCampaign({ id: createCampaign.id });
    await waitFor(
      async () => (await t.api.Campaign({ id: createCampaign.id })).campaign.stats.sent >= 40,
      60_000,
      'first sends',
    );
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    const atKill = (await t.api.Campaign({ id: createCampaign.id })).campaign.stats;
    expect(atKill.sent).toBeLessThan(count); // killed mid-campaign, not after it

    const second = await startWorkerProcess(server.config, workerEnv);
    try {
      const done = await campaignCompleted(t, createCampaign.id, 45_000);
      expect(done.stats).toMatchObject({ total: count, sent: count, failed: 0 });
    } finally {
      second.kill('SIGTERM');
      await new Promise((r) => second.once('exit', r));
    }
    const ours = new Set(emails);
    const mine = smtp.received.filter((m) => ours.has(m.envelopeTo[0]!));
    const byAddress = new Map<string, Set<string>>();
    for (const m of mine) {
      const to = m.envelopeTo[0]!;
      byAddress.set(to, (byAddress.get(to) ?? new Set()).add(m.parsed.messageId!));
    }
    expect(byAddress.size).toBe(count);
    // One message per recipient: a send interrupted between the SMTP reply and recording SENT is
    // made again with the same Message-ID, which receiving servers de-duplicate.
    for (const [to, ids] of byAddress) expect(ids.size, to).toBe(1);
    // Only sends in flight at the kill could have been repeated.
    expect(mine.length - count).toBeLessThanOrEqual(atKill.sending);
  }, 90_000);
});
