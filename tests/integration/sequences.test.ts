import type { ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { startLocalSmtp } from '../../src/platform/mail/local-smtp.js';
import type { OfflineSmsProvider } from '../../src/platform/providers/sms/index.js';
import { asTenant } from '../helpers/campaigns.js';
import { createTenant, gqlError, nodes, waitFor } from '../helpers/gql.js';
import { startWorkerProcess } from '../helpers/process.js';
import { allEnrollments, seedContactableLeads, sequenceTemplates, timelineWhen } from '../helpers/sequences.js';
import { startTestServer } from '../helpers/server.js';
import { startTwilioServer } from '../helpers/twilio-server.js';

const smtp = await startLocalSmtp();
afterAll(() => smtp.close());
const server = await startTestServer({ config: { smtpUrl: smtp.url } });
const offline = server.deps.sms as OfflineSmsProvider;
const around = { windowStartHour: 0, windowEndHour: 24 };

describe('a four-step sequence over 200 leads', () => {
  it('sends each step once, in order, at its time; a reply or an opt-out stops the lead before its next', async () => {
    const t = await createTenant(server.url);
    const tpl = await sequenceTemplates(t, { sms: ['First text', 'Last text'], email: ['Email'] });
    const leads = await seedContactableLeads(server.config.databaseUrl, t, 200, { withoutSmsConsent: 10 });
    const { createSequence: seq } = await t.api.CreateSequence({
      input: {
        name: 'New lead',
        ...around,
        steps: [
          { type: 'SMS', templateId: tpl['First text'] },
          // Room for the two replies below to be processed before the email is due, on a busy machine too.
          { type: 'WAIT', waitAmount: 15, waitUnit: 'SECONDS' },
          { type: 'EMAIL', templateId: tpl['Email'] },
          { type: 'WAIT', waitAmount: 2, waitUnit: 'SECONDS' },
          { type: 'TASK', taskTitle: 'Call the seller' },
          { type: 'WAIT', waitAmount: 2, waitUnit: 'SECONDS' },
          { type: 'SMS', templateId: tpl['Last text'] },
        ],
      },
    });
    const started = Date.now();
    const { enrollInSequence } = await t.api.EnrollInSequence({
      sequenceId: seq.id,
      input: { leadIds: leads.map((l) => l.id) },
    });
    expect(enrollInSequence).toEqual({ enrolled: 200, alreadyEnrolled: 0 });
    const again = await t.api.EnrollInSequence({ sequenceId: seq.id, input: { leadIds: [leads[0]!.id] } });
    expect(again.enrollInSequence).toEqual({ enrolled: 0, alreadyEnrolled: 1 });

    const enrollments = await allEnrollments(server.config.databaseUrl, t, seq.id);
    const byLead = new Map(enrollments.map((e) => [e.leadId, e.id]));
    // Lead 11 replies and lead 12 texts STOP as soon as their first text is out (both have SMS consent).
    const [replier, stopper] = [leads[10]!, leads[11]!];
    for (const [lead, body] of [
      [replier, 'Maybe, call me'],
      [stopper, 'STOP'],
    ] as const) {
      await timelineWhen(t, byLead.get(lead.id)!, (steps) => steps[0]?.status === 'SENT', 20_000);
      await offline.receive({ organizationId: t.organizationId, from: lead.phone, to: offline.sent[0]!.from, body });
    }
    await waitFor(
      async () =>
        (await t.api.Enrollments({ sequenceId: seq.id, status: 'ACTIVE', first: 1 })).enrollments.totalCount === 0,
      90_000,
      'every enrollment finished',
    );
    const done = await allEnrollments(server.config.databaseUrl, t, seq.id);
    expect(done.filter((e) => e.status === 'COMPLETED')).toHaveLength(198);
    expect(done.find((e) => e.leadId === replier.id)).toMatchObject({ status: 'EXITED', exitReason: 'REPLIED' });
    expect(done.find((e) => e.leadId === stopper.id)).toMatchObject({ status: 'EXITED', exitReason: 'OPTED_OUT' });

    // Counted where they arrive: the SMTP server and the SMS provider.
    const mine = new Set(leads.map((l) => l.email));
    const emails = smtp.received.filter((m) => mine.has(m.envelopeTo[0]!));
    const texts = offline.sent.filter((m) => m.organizationId === t.organizationId);
    for (const [i, lead] of leads.entries()) {
      const stopped = lead === replier || lead === stopper;
      const textsTo = texts.filter((m) => m.to === lead.phone).map((m) => m.body.split(':')[0]);
      expect(textsTo, lead.phone).toEqual(i < 10 ? [] : stopped ? ['First text'] : ['First text', 'Last text']);
      expect(
        emails.filter((m) => m.envelopeTo[0] === lead.email),
        lead.email,
      ).toHaveLength(stopped ? 0 : 1);
    }
    // In order and not before their time: each send at least its wait after the one before.
    const sample = await t.api.Enrollment({ id: byLead.get(leads[50]!.id)! });
    const at = (i: number) => new Date(sample.enrollment.timeline.find((s) => s.stepIndex === i)!.sentAt!).getTime();
    expect(at(0)).toBeGreaterThanOrEqual(started - 1_000);
    expect(at(2) - at(0)).toBeGreaterThanOrEqual(15_000);
    expect(at(6) - at(2)).toBeGreaterThanOrEqual(4_000);
    const unconsented = await t.api.Enrollment({ id: byLead.get(leads[0]!.id)! });
    expect(unconsented.enrollment.timeline.map((s) => [s.stepIndex, s.status, s.reason])).toEqual([
      [0, 'SKIPPED', 'NO_CONSENT'],
      [2, 'SENT', null],
      [4, 'DONE', null],
      [6, 'SKIPPED', 'NO_CONSENT'],
    ]);
    const { sequence } = await t.api.Sequence({ id: seq.id });
    const stat = (i: number) => sequence.stats.find((s) => s.stepIndex === i)!;
    expect(stat(0)).toMatchObject({ sent: 190, skipped: 10, replied: 1, optedOut: 1 });
    expect(stat(2)).toMatchObject({ sent: 198, delivered: 198 });
    expect(stat(4)).toMatchObject({ tasksCreated: 198 });
    expect(stat(6)).toMatchObject({ sent: 188, skipped: 10 });
    const tasks = nodes((await t.api.Tasks({ first: 100, filter: { leadId: leads[50]!.id } })).tasks);
    expect(tasks.map((x) => x.title)).toEqual(['Call the seller']);
  }, 150_000);
});

describe('sequence rules', () => {
  it('quiet hours defer a send to the window opening in the lead’s local time', async () => {
    const t = await createTenant(server.url);
    const tpl = await sequenceTemplates(t, { sms: ['Quiet'], email: [] });
    const [lead] = await seedContactableLeads(server.config.databaseUrl, t, 1, { prefix: 'quiet' });
    const hour = Number(
      new Intl.DateTimeFormat('en-US', { timeZone: 'America/Chicago', hour: 'numeric', hourCycle: 'h23' }).format(
        new Date(),
      ),
    );
    const start = (hour + 2) % 24;
    const { createSequence } = await t.api.CreateSequence({
      input: {
        name: 'Quiet',
        windowStartHour: start,
        windowEndHour: start + 1,
        steps: [{ type: 'SMS', templateId: tpl['Quiet'] }],
      },
    });
    await t.api.EnrollInSequence({ sequenceId: createSequence.id, input: { leadIds: [lead!.id] } });
    const [e] = nodes((await t.api.Enrollments({ sequenceId: createSequence.id })).enrollments);
    const held = await timelineWhen(t, e!.id, (s) => s[0]?.reason === 'QUIET_HOURS_DEFERRED', 20_000);
    const opens = new Date(held.timeline[0]!.scheduledFor);
    expect(held.timeline[0]!.status).toBe('SCHEDULED');
    const local = new Intl.DateTimeFormat('en-US', {
      timeZone: 'America/Chicago',
      hour: 'numeric',
      minute: 'numeric',
      hourCycle: 'h23',
    }).format(opens);
    expect(local).toBe(`${String(start).padStart(2, '0')}:00`);
    expect(opens.getTime() - Date.now()).toBeGreaterThan(60 * 60_000);
    expect(offline.sent.filter((m) => m.to === lead!.phone)).toHaveLength(0);
  });

  it('an edit makes a new version; a running enrollment finishes on the one it started', async () => {
    const t = await createTenant(server.url);
    const tpl = await sequenceTemplates(t, { sms: ['Old first', 'Old second', 'New second'], email: [] });
    const [lead] = await seedContactableLeads(server.config.databaseUrl, t, 1, { prefix: 'ver' });
    const steps = (second: string) => [
      { type: 'SMS' as const, templateId: tpl['Old first'] },
      { type: 'WAIT' as const, waitAmount: 3, waitUnit: 'SECONDS' as const },
      { type: 'SMS' as const, templateId: tpl[second] },
    ];
    const { createSequence } = await t.api.CreateSequence({
      input: { name: 'V', ...around, steps: steps('Old second') },
    });
    await t.api.EnrollInSequence({ sequenceId: createSequence.id, input: { leadIds: [lead!.id] } });
    const { updateSequence } = await t.api.UpdateSequence({
      id: createSequence.id,
      input: { steps: steps('New second') },
    });
    expect(updateSequence.version).toBe(2);
    const [e] = nodes((await t.api.Enrollments({ sequenceId: createSequence.id })).enrollments);
    expect(e!.version).toBe(1);
    await timelineWhen(t, e!.id, (_, status) => status === 'COMPLETED', 30_000);
    const bodies = offline.sent.filter((m) => m.to === lead!.phone).map((m) => m.body.split(':')[0]);
    expect(bodies).toEqual(['Old first', 'Old second']);
  });

  it('pausing holds due steps; unenrolling and archiving end enrollments; nothing is sent after', async () => {
    const t = await createTenant(server.url);
    const tpl = await sequenceTemplates(t, { sms: ['P1', 'P2'], email: [] });
    const [a, b] = await seedContactableLeads(server.config.databaseUrl, t, 2, { prefix: 'pause' });
    const { createSequence: s } = await t.api.CreateSequence({
      input: {
        name: 'P',
        ...around,
        steps: [
          { type: 'SMS', templateId: tpl['P1'] },
          { type: 'WAIT', waitAmount: 2, waitUnit: 'SECONDS' },
          { type: 'SMS', templateId: tpl['P2'] },
        ],
      },
    });
    await t.api.EnrollInSequence({ sequenceId: s.id, input: { leadIds: [a!.id, b!.id] } });
    const list = nodes((await t.api.Enrollments({ sequenceId: s.id })).enrollments);
    for (const e of list) await timelineWhen(t, e.id, (st) => st[0]?.status === 'SENT', 20_000);
    await t.api.PauseSequence({ id: s.id });
    await new Promise((r) => setTimeout(r, 3_500)); // the second step comes due while paused
    expect(offline.sent.filter((m) => m.to === a!.phone || m.to === b!.phone)).toHaveLength(2);
    const out = await t.api.UnenrollFromSequence({ sequenceId: s.id, leadId: a!.id });
    expect(out.unenrollFromSequence).toMatchObject({ status: 'EXITED', exitReason: 'UNENROLLED' });
    await t.api.ResumeSequence({ id: s.id });
    const eb = list.find((e) => e.leadId === b!.id)!;
    await timelineWhen(t, eb.id, (_, status) => status === 'COMPLETED', 20_000);
    expect(offline.sent.filter((m) => m.to === a!.phone)).toHaveLength(1);
    expect(offline.sent.filter((m) => m.to === b!.phone)).toHaveLength(2);
    await t.api.EnrollInSequence({ sequenceId: s.id, input: { leadIds: [a!.id] } });
    await t.api.ArchiveSequence({ id: s.id });
    const ended = nodes((await t.api.Enrollments({ sequenceId: s.id, status: 'EXITED' })).enrollments);
    expect(ended.map((e) => e.exitReason).sort()).toEqual(['ARCHIVED', 'UNENROLLED']);
    const err = await gqlError(t.api.EnrollInSequence({ sequenceId: s.id, input: { leadIds: [b!.id] } }));
    expect(err.code).toBe('BAD_USER_INPUT');
  });
});

const twilio = await startTwilioServer(250); // a gateway under load: sends are in flight when the worker dies
const workerProcesses: ChildProcess[] = [];
afterAll(async () => {
  // Also when a test fails half-way: a worker left running would go on sweeping the shared database.
  for (const child of workerProcesses) child.kill('SIGKILL');
  await twilio.close();
});
// The crash test's API has no workers of its own: worker processes are started and killed by the test.
const crashServer = await startTestServer({ workers: false, config: { smtpUrl: smtp.url } });

// These workers text through the real HTTP adapter, so the count is taken at the gateway, outside any process.
const workerEnv = {
  SMTP_URL: smtp.url,
  SMS_PROVIDER: 'twilio',
  TWILIO_API_URL: twilio.url,
  TWILIO_ACCOUNT_SID: 'AC_test',
  TWILIO_AUTH_TOKEN: 'secret',
  PUBLIC_URL: 'http://127.0.0.1:9',
  JOB_LOCK_MS: '2000',
  SEND_CLAIM_STALE_MS: '1000',
  // A step finished just before the kill may not have queued the next one: the outbox sweep does. (It sweeps the
  // whole database, as in production; this file's other tests are done by then, so it finds only its own steps.)
  REMINDER_SWEEP_MS: '1000',
  SEQUENCE_SWEEP_GRACE_MS: '2000',
};

async function steps(t: { organizationId: string }, sequenceId: string, status = 'SENT'): Promise<number> {
  return asTenant(crashServer.config.databaseUrl, t as never, async (db) => {
    const { rows } = await db.query(
      `select count(*)::int as n from sequence_step_runs where sequence_id = $1 and status = $2`,
      [sequenceId, status],
    );
    return rows[0].n as number;
  });
}

describe('a worker killed mid-sequence', () => {
  it('leaves the rest to a new worker, and no step reaches the gateway or the mail server twice', async () => {
    const t = await createTenant(crashServer.url);
    const tpl = await sequenceTemplates(t, { sms: ['Hello', 'Again'], email: ['Mail'] });
    const leads = await seedContactableLeads(crashServer.config.databaseUrl, t, 200, { prefix: 'crash' });
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
    const first = await startWorkerProcess(crashServer.config, workerEnv);
    workerProcesses.push(first);
    await t.api.EnrollInSequence({ sequenceId: seq.id, input: { leadIds: leads.map((l) => l.id) } });
    // Killed while texts are at the gateway (accepted there, not yet answered, so claimed and not
    // recorded): those claims are left to be taken over.
    await waitFor(async () => (await steps(t, seq.id)) >= 150, 60_000, 'first sends');
    twilio.hold();
    const acceptedBefore = twilio.messages.length;
    await waitFor(
      async () => twilio.messages.length > acceptedBefore && (await steps(t, seq.id, 'SENDING')) > 0,
      60_000,
      'texts in flight',
    );
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    twilio.release();
    const atKill = await steps(t, seq.id);
    expect(atKill).toBeLessThan(600); // killed mid-run, not after it
    expect(await steps(t, seq.id, 'SENDING')).toBeGreaterThan(0);

    const second = await startWorkerProcess(crashServer.config, workerEnv);
    workerProcesses.push(second);
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
