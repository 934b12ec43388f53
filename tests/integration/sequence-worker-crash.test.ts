import { afterAll, describe, expect, it } from 'vitest';
import { startLocalSmtp } from '../../src/platform/mail/local-smtp.js';
import { asTenant } from '../helpers/campaigns.js';
import { createTenant, waitFor } from '../helpers/gql.js';
import { startWorkerProcess } from '../helpers/process.js';
import { seedContactableLeads, sequenceTemplates } from '../helpers/sequences.js';
import { startTestServer } from '../helpers/server.js';
import { startTwilioServer } from '../helpers/twilio-server.js';

const smtp = await startLocalSmtp();
const twilio = await startTwilioServer(15);
afterAll(async () => {
  await smtp.close();
  await twilio.close();
});
const server = await startTestServer({ workers: false, config: { smtpUrl: smtp.url } });

// The workers text through the real HTTP adapter, so the count is taken at the gateway, outside any process.
const workerEnv = {
  SMTP_URL: smtp.url,
  SMS_PROVIDER: 'twilio',
  TWILIO_API_URL: twilio.url,
  TWILIO_ACCOUNT_SID: 'AC_test',
  TWILIO_AUTH_TOKEN: 'secret',
  PUBLIC_URL: 'http://127.0.0.1:9',
  JOB_LOCK_MS: '2000',
  SEND_CLAIM_STALE_MS: '1000',
  // A step finished just before the kill may not have queued the next one: the outbox sweep does.
  REMINDER_SWEEP_MS: '1000',
  SEQUENCE_SWEEP_GRACE_MS: '2000',
};

async function steps(t: { organizationId: string }, sequenceId: string, status = 'SENT'): Promise<number> {
  return asTenant(server.config.databaseUrl, t as never, async (db) => {
    const { rows } = await db.query(
      `select count(*)::int as n from sequence_step_runs where sequence_id = $1 and status = $2`,
      [sequenceId, status],
    );
    return rows[0].n as number;
  });
}

describe('a worker killed mid-sequence', () => {
  it('leaves the rest to a new worker, and no step reaches the gateway or the mail server twice', async () => {
    const t = await createTenant(server.url);
    const tpl = await sequenceTemplates(t, { sms: ['Hello', 'Again'], email: ['Mail'] });
    const leads = await seedContactableLeads(server.config.databaseUrl, t, 200, { prefix: 'crash' });
    const { createSequence: seq } = await t.api.CreateSequence({
      input: {
        name: 'Crash',
        windowStartHour: 0,
        windowEndHour: 24,
        steps: [
          { type: 'SMS', templateId: tpl['Hello'] },
          { type: 'WAIT', waitAmount: 1, waitUnit: 'SECONDS' },
          { type: 'EMAIL', templateId: tpl['Mail'] },
          { type: 'WAIT', waitAmount: 1, waitUnit: 'SECONDS' },
          { type: 'SMS', templateId: tpl['Again'] },
        ],
      },
    });
    const first = await startWorkerProcess(server.config, workerEnv);
    await t.api.EnrollInSequence({ sequenceId: seq.id, input: { leadIds: leads.map((l) => l.id) } });
    await waitFor(async () => (await steps(t, seq.id)) >= 150, 60_000, 'first sends');
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    const atKill = await steps(t, seq.id);
    expect(atKill).toBeLessThan(600); // killed mid-run, not after it
    expect(await steps(t, seq.id, 'SENDING')).toBeGreaterThan(0); // with claims in flight, left to be taken over

    const second = await startWorkerProcess(server.config, workerEnv);
    try {
      await waitFor(async () => (await steps(t, seq.id)) === 600, 90_000, 'every step sent');
    } finally {
      second.kill('SIGTERM');
      await new Promise((r) => second.once('exit', r));
    }
    for (const lead of leads) {
      const texts = twilio.messages.filter((m) => m.to === lead.phone).map((m) => m.body.split(':')[0]);
      expect(texts, lead.phone).toEqual(['Hello', 'Again']);
      const mail = smtp.received.filter((m) => m.envelopeTo[0] === lead.email);
      // A send cut off between the server's reply and recording it is made again with the same
      // Message-ID, which mail servers de-duplicate: one message per lead.
      expect(new Set(mail.map((m) => m.parsed.messageId)).size, lead.email).toBe(1);
    }
  }, 150_000);
});
