import { randomUUID } from 'node:crypto';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startWorkers } from '../../workers/index.js';
import { addMember, createTenant, gqlError, waitFor, type Tenant } from '../helpers/gql.js';
import { startTestServer } from '../helpers/server.js';

const server = await startTestServer();

async function leadWithTemplate(t: Tenant, consent = true) {
  const email = `seller-${randomUUID().slice(0, 8)}@example.com`;
  const { createLead } = await t.api.CreateLead({ input: { firstName: 'Pat', lastName: 'Seller', email } });
  const { createTemplate } = await t.api.CreateTemplate({
    input: {
      name: `First touch ${randomUUID().slice(0, 6)}`,
      channel: 'EMAIL',
      subject: 'Hello {{lead.firstName}}',
      body: 'Hi {{lead.fullName}},\n\nWould you sell? <3\n— {{user.name}}',
    },
  });
  if (consent)
    await t.api.RecordConsent({
      input: { channel: 'EMAIL', contactPoint: email, status: 'OPTED_IN', source: 'WEB_FORM' },
    });
  return { lead: createLead, template: createTemplate, email };
}

/** The message once the outreach worker has put it in `status`. */
function messageIn(t: Tenant, id: string, status: 'SENT' | 'BLOCKED' | 'FAILED') {
  return waitFor(
    async () => {
      const { message } = await t.api.Message({ id });
      return message.status === status ? message : null;
    },
    10_000,
    `message ${status}`,
  );
}

describe('emailing a lead', () => {
  it('queues, sends over SMTP with the template filled in, and logs an EMAIL activity', async () => {
    const t = await createTenant(server.url);
    const { lead, template, email } = await leadWithTemplate(t);
    const { sendLeadEmail } = await t.api.SendLeadEmail({ leadId: lead.id, templateId: template.id });
    expect(sendLeadEmail).toMatchObject({
      status: 'QUEUED',
      toAddress: email,
      subject: 'Hello Pat',
      leadId: lead.id,
      jobId: `send-${sendLeadEmail.id}`,
    });
    const sent = await messageIn(t, sendLeadEmail.id, 'SENT');
    expect(sent.providerMessageId).toContain(sendLeadEmail.id);
    expect(sent.sentAt).toBeTruthy();
    const mail = server.deps.localSmtp!.received.find((m) => m.envelopeTo.includes(email));
    expect(mail?.parsed.subject).toBe('Hello Pat');
    expect(mail?.parsed.text?.trim()).toBe('Hi Pat Seller,\n\nWould you sell? <3\n— Olive Owner');
    expect(mail?.parsed.html).toContain('<p>Would you sell? &lt;3<br>— Olive Owner</p>');
    expect(mail?.parsed.messageId).toBe(sent.providerMessageId);
    const { lead: timeline } = await t.api.Lead({ id: lead.id });
    expect(timeline.activities).toEqual([
      expect.objectContaining({ type: 'EMAIL', direction: 'OUTBOUND', outcome: 'SENT', user: { id: t.userId } }),
    ]);
    expect((await t.api.LeadMessages({ leadId: lead.id })).leadMessages.map((m) => m.id)).toEqual([sendLeadEmail.id]);
    // The message row commits before BullMQ marks its job completed.
    const job = await waitFor(async () => (await t.api.Job({ id: sent.jobId })).job, 10_000, 'the send job');
    await waitFor(async () => (await t.api.Job({ id: sent.jobId })).job?.state === 'completed', 10_000, 'completed');
    expect(job).toMatchObject({ queue: 'email' });
  });

  it('refuses what cannot be sent, queuing nothing: no consent, DNC, no email, SMS template, viewers', async () => {
    const t = await createTenant(server.url);
    const { lead, template, email } = await leadWithTemplate(t, false);
    const noConsent = await gqlError(t.api.SendLeadEmail({ leadId: lead.id, templateId: template.id }));
    expect(noConsent).toMatchObject({ code: 'BAD_USER_INPUT', message: expect.stringContaining('NO_CONSENT') });
    await t.api.RecordConsent({
      input: { channel: 'EMAIL', contactPoint: email, status: 'OPTED_IN', source: 'WEB_FORM' },
    });
    await t.api.AddDoNotContact({ contactPoint: email.toUpperCase() });
    expect((await gqlError(t.api.SendLeadEmail({ leadId: lead.id, templateId: template.id }))).message).toContain(
      'DNC',
    );
    const { createLead: noEmail } = await t.api.CreateLead({ input: { firstName: 'No', lastName: 'Email' } });
    expect(
      (await gqlError(t.api.SendLeadEmail({ leadId: noEmail.id, templateId: template.id }))).extensions.field,
    ).toBe('leadId');
    const { createTemplate: sms } = await t.api.CreateTemplate({
      input: { name: 'Text', channel: 'SMS', body: 'Hi {{lead.firstName}}' },
    });
    expect((await gqlError(t.api.SendLeadEmail({ leadId: lead.id, templateId: sms.id }))).extensions.field).toBe(
      'templateId',
    );
    const viewer = await addMember(server.url, t, 'VIEWER');
    expect((await gqlError(viewer.api.SendLeadEmail({ leadId: lead.id, templateId: template.id }))).code).toBe(
      'FORBIDDEN',
    );
    expect((await t.api.LeadMessages({ leadId: lead.id })).leadMessages).toEqual([]);
    expect(server.deps.localSmtp!.received.some((m) => m.envelopeTo.includes(email))).toBe(false);
  });

  it('another organization cannot send to, read or list a lead’s messages', async () => {
    const a = await createTenant(server.url);
    const b = await createTenant(server.url);
    const { lead, template } = await leadWithTemplate(a);
    const { sendLeadEmail } = await a.api.SendLeadEmail({ leadId: lead.id, templateId: template.id });
    const own = await leadWithTemplate(b);
    expect((await gqlError(b.api.SendLeadEmail({ leadId: lead.id, templateId: own.template.id }))).code).toBe(
      'NOT_FOUND',
    );
    expect((await gqlError(b.api.SendLeadEmail({ leadId: own.lead.id, templateId: template.id }))).code).toBe(
      'NOT_FOUND',
    );
    expect((await gqlError(b.api.Message({ id: sendLeadEmail.id }))).code).toBe('NOT_FOUND');
    expect((await gqlError(b.api.LeadMessages({ leadId: lead.id }))).code).toBe('NOT_FOUND');
    expect((await gqlError(b.api.Job({ id: sendLeadEmail.jobId }))).code).toBe('NOT_FOUND');
    expect((await b.api.LeadMessages({ leadId: own.lead.id })).leadMessages).toEqual([]);
  });
});

describe('the send-time checks of the outreach worker', () => {
  it('blocks a queued message whose address was put on the do-not-contact list before it went out', async () => {
    const api = await startTestServer({ workers: false });
    const t = await createTenant(api.url);
    const { lead, template, email } = await leadWithTemplate(t);
    const { sendLeadEmail } = await t.api.SendLeadEmail({ leadId: lead.id, templateId: template.id });
    await t.api.AddDoNotContact({ contactPoint: email, reason: 'Called and asked us to stop' });
    const workers = startWorkers(api.deps, { metrics: api.metrics });
    try {
      const blocked = await messageIn(t, sendLeadEmail.id, 'BLOCKED');
      expect(blocked).toMatchObject({ error: 'DNC', sentAt: null, providerMessageId: null });
    } finally {
      await workers.close();
    }
    expect(api.deps.localSmtp!.received).toEqual([]);
    expect((await t.api.Lead({ id: lead.id })).lead.activities).toEqual([]);
  });

  it('marks the message FAILED and keeps a dead letter when the mail server refuses it for good (550)', async () => {
    const refusing = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      closeTimeout: 200, // the API's pooled SMTP connection stays open until the API closes
      onRcptTo(_address, _session, callback) {
        callback(Object.assign(new Error('5.1.1 mailbox unavailable'), { responseCode: 550 }));
      },
    });
    await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve));
    const { port } = refusing.server.address() as AddressInfo;
    const api = await startTestServer({ config: { smtpUrl: `smtp://127.0.0.1:${port}` } });
    try {
      const t = await createTenant(api.url);
      const { lead, template } = await leadWithTemplate(t);
      const { sendLeadEmail } = await t.api.SendLeadEmail({ leadId: lead.id, templateId: template.id });
      const failed = await messageIn(t, sendLeadEmail.id, 'FAILED');
      expect(failed.error).toContain('mailbox unavailable');
      const dead = await waitFor(async () => (await t.api.FailedJobs({ queue: 'email' })).failedJobs.edges[0]?.node);
      expect(dead).toMatchObject({ jobId: sendLeadEmail.jobId });
      // Not retried: a permanent refusal is not going to change.
      expect((await t.api.Job({ id: sendLeadEmail.jobId })).job.attemptsMade).toBe(1);
    } finally {
      await new Promise<void>((resolve) => refusing.close(() => resolve()));
    }
  });
});
