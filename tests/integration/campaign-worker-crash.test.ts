import type { ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { startLocalSmtp } from '../../src/platform/mail/local-smtp.js';
import { campaignCompleted, randomPhone, seedOptedInLeads, seedSmsLeads } from '../helpers/campaigns.js';
import { createTenant, waitFor } from '../helpers/gql.js';
import { startWorkerProcess } from '../helpers/process.js';
import { startTestServer } from '../helpers/server.js';
import { startTwilioServer } from '../helpers/twilio-server.js';

const smtp = await startLocalSmtp();
const twilio = await startTwilioServer(300); // a gateway under load: texts are in flight when the worker dies
const workers: ChildProcess[] = [];
afterAll(async () => {
  for (const child of workers) child.kill('SIGKILL'); // also when a test fails half-way
  await smtp.close();
  await twilio.close();
});
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

  it('texts: each recipient gets exactly one, whatever was in flight at the gateway when it died', async () => {
    const t = await createTenant(server.url);
    await t.api.SetOrganizationSmsNumber({ number: randomPhone() });
    const count = 1_200; // 48 batches: more than the worker has in flight at once (20 jobs of 25)
    const phones = [...new Set(Array.from({ length: count * 2 }, () => randomPhone()))].slice(0, count);
    await seedSmsLeads(server.config.databaseUrl, t, phones, 'textcrash');
    const { createTemplate } = await t.api.CreateTemplate({
      input: { name: 'Text crash', channel: 'SMS', body: 'Hi {{lead.firstName}}, still selling?' },
    });
    const { createCampaign } = await t.api.CreateCampaign({
      input: {
        name: 'Text crash',
        channel: 'SMS',
        templateId: createTemplate.id,
        windowStartHour: 0,
        windowEndHour: 24,
      },
    });
    const env = {
      ...workerEnv,
      SMS_PROVIDER: 'twilio',
      TWILIO_API_URL: twilio.url,
      TWILIO_ACCOUNT_SID: 'AC_test',
      TWILIO_AUTH_TOKEN: 'secret',
      PUBLIC_URL: 'http://127.0.0.1:9',
    };
    const first = await startWorkerProcess(server.config, env);
    workers.push(first);
    await t.api.LaunchCampaign({ id: createCampaign.id });
    const stats = async () => (await t.api.Campaign({ id: createCampaign.id })).campaign.stats;
    await waitFor(async () => (await stats()).sent >= 1, 60_000, 'first texts');
    // Killed while texts are at the gateway: accepted there, not yet answered, so claimed and unrecorded.
    twilio.hold();
    const acceptedBefore = twilio.messages.length;
    await waitFor(async () => (twilio.messages.length > acceptedBefore ? true : null), 30_000, 'texts in flight');
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    twilio.release();
    const atKill = await stats();
    expect(atKill.sent).toBeLessThan(count);
    expect(atKill.sending).toBeGreaterThan(0); // a takeover is needed

    const second = await startWorkerProcess(server.config, env);
    workers.push(second);
    try {
      const done = await campaignCompleted(t, createCampaign.id, 60_000);
      expect(done.stats).toMatchObject({ total: count, sent: count, failed: 0 });
    } finally {
      second.kill('SIGTERM');
      await new Promise((r) => second.once('exit', r));
    }
    // Counted at the gateway, outside any process: one text per number, none repeated. The texts
    // the dead worker had at the gateway were found there (findSent) and recorded, not sent again.
    const ours = new Set(phones);
    const perPhone = new Map<string, number>();
    for (const m of twilio.messages) if (ours.has(m.to)) perPhone.set(m.to, (perPhone.get(m.to) ?? 0) + 1);
    expect(perPhone.size).toBe(count);
    expect([...perPhone.values()].filter((n) => n !== 1)).toEqual([]);
  }, 120_000);
});
