import { describe, expect, it } from 'vitest';
import type { OfflineSmsProvider } from '../../src/platform/providers/sms/index.js';
import { randomPhone } from '../helpers/campaigns.js';
import { createTenant, gqlError, waitFor, type Tenant } from '../helpers/gql.js';
import { startTestServer } from '../helpers/server.js';

const server = await startTestServer();
const offline = server.deps.sms as OfflineSmsProvider;

/** An organization with an SMS number, texting around the clock, and a lead who opted in to texts. */
async function textingTenant(): Promise<{ t: Tenant; number: string; leadId: string; phone: string }> {
  const t = await createTenant(server.url);
  const number = randomPhone();
  await t.api.SetOrganizationSmsNumber({ number });
  await t.api.UpdateOrganizationSettings({ input: { smsWindowStartHour: 0, smsWindowEndHour: 24 } });
  const phone = randomPhone();
  const { createLead } = await t.api.CreateLead({
    input: { firstName: 'Rita', lastName: 'Reply', phone, assignedUserId: t.userId },
  });
  await t.api.RecordConsent({
    input: {
      channel: 'SMS',
      contactPoint: phone,
      status: 'OPTED_IN',
      source: 'WEB_FORM',
      evidence: 'https://x.test/f',
    },
  });
  return { t, number, leadId: createLead.id, phone };
}

const sentTo = (t: Tenant, to: string) =>
  offline.sent.filter((m) => m.organizationId === t.organizationId && m.to === to);

async function messageStatus(t: Tenant, id: string, status: string) {
  return waitFor(async () => {
    const { message } = await t.api.Message({ id });
    return message.status === status ? message : null;
  }, 10_000);
}

describe('two-way texting', () => {
  it('texts a consented lead from the organization’s number; delivery, timeline and conversation follow', async () => {
    const { t, number, leadId, phone } = await textingTenant();
    const { sendLeadSms } = await t.api.SendLeadSms({ leadId, body: 'Hi Rita, is now a good time to talk?' });
    expect(sendLeadSms).toMatchObject({ channel: 'SMS', toAddress: phone, status: 'QUEUED', scheduledFor: null });
    const delivered = await messageStatus(t, sendLeadSms.id, 'DELIVERED');
    expect(delivered.deliveredAt).toBeTruthy();
    expect(sentTo(t, phone)).toEqual([
      expect.objectContaining({ from: number, body: 'Hi Rita, is now a good time to talk?' }),
    ]);
    const lead = (await t.api.Lead({ id: leadId })).lead;
    expect(lead.lastContactedAt).toBeTruthy();
    expect(lead.activities[0]).toMatchObject({ type: 'SMS', direction: 'OUTBOUND' });

    await t.api.SimulateInboundSms({ from: phone, body: 'Yes, call me after 5' });
    let { conversation } = await t.api.Conversation({ leadId });
    expect(conversation.messages.map((m) => [m.direction, m.source, m.status, m.body])).toEqual([
      ['OUTBOUND', 'DIRECT', 'DELIVERED', 'Hi Rita, is now a good time to talk?'],
      ['INBOUND', 'INBOUND', 'REPLY', 'Yes, call me after 5'],
    ]);
    expect(conversation.messages[0]!.sentBy).toEqual({ id: t.userId });
    expect(conversation).toMatchObject({ unreadCount: 1, lead: { awaitingReply: true } });
    expect((await t.api.MyDay({})).myDay.awaitingReply.map((l) => l.id)).toEqual([leadId]);

    ({ markConversationRead: conversation } = await t.api.MarkConversationRead({ leadId }));
    expect(conversation.unreadCount).toBe(0);
    const unread = await t.api.Notifications({ unreadOnly: true });
    expect(unread.notifications.edges.filter((e) => e.node.kind === 'REPLY_RECEIVED')).toEqual([]);
    // Answering takes the lead off the waiting list.
    const { sendLeadSms: answer } = await t.api.SendLeadSms({ leadId, body: 'Will do!' });
    await messageStatus(t, answer.id, 'DELIVERED');
    expect((await t.api.MyDay({})).myDay.awaitingReply).toEqual([]);

    const other = await createTenant(server.url);
    expect((await gqlError(other.api.Conversation({ leadId }))).code).toBe('NOT_FOUND');
    expect((await gqlError(other.api.SendLeadSms({ leadId, body: 'x' }))).code).toBe('NOT_FOUND');
  });

  it('refuses without a phone, consent or a single body, and after STOP; nothing is queued', async () => {
    const { t, leadId, phone } = await textingTenant();
    const { createLead: noPhone } = await t.api.CreateLead({ input: { firstName: 'No', lastName: 'Phone' } });
    const { createLead: noConsent } = await t.api.CreateLead({
      input: { firstName: 'No', lastName: 'Consent', phone: randomPhone() },
    });
    const { createTemplate: emailTemplate } = await t.api.CreateTemplate({
      input: { name: 'An email', channel: 'EMAIL', subject: 'Hi', body: 'Hello {{lead.firstName}}' },
    });
    const refused: [() => Promise<unknown>, string, string][] = [
      [() => t.api.SendLeadSms({ leadId: noPhone.id, body: 'Hi' }), 'BAD_USER_INPUT', 'leadId'],
      [() => t.api.SendLeadSms({ leadId: noConsent.id, body: 'Hi' }), 'BAD_USER_INPUT', 'leadId'],
      [() => t.api.SendLeadSms({ leadId }), 'BAD_USER_INPUT', 'body'],
      [() => t.api.SendLeadSms({ leadId, body: 'Hi', templateId: emailTemplate.id }), 'BAD_USER_INPUT', 'templateId'],
      [() => t.api.SendLeadSms({ leadId, templateId: emailTemplate.id }), 'BAD_USER_INPUT', 'templateId'],
      [() => t.api.SendLeadSms({ leadId, body: '   ' }), 'BAD_USER_INPUT', 'body'],
    ];
    for (const [call, code, field] of refused) {
      const e = await gqlError(call());
      expect([e.code, e.extensions.field]).toEqual([code, field]);
    }
    expect((await gqlError(t.api.SendLeadSms({ leadId: noConsent.id, body: 'Hi' }))).message).toContain('NO_CONSENT');

    await t.api.SimulateInboundSms({ from: phone, body: 'STOP' });
    const stopped = await gqlError(t.api.SendLeadSms({ leadId, body: 'Still there?' }));
    expect([stopped.code, stopped.message]).toEqual(['BAD_USER_INPUT', expect.stringContaining('OPTED_OUT')]);
    for (const id of [leadId, noPhone.id, noConsent.id])
      expect((await t.api.LeadMessages({ leadId: id })).leadMessages).toEqual([]);
    expect(sentTo(t, phone)).toEqual([]);
  });

  it('holds a text sent outside the texting hours until the window opens in the lead’s time zone', async () => {
    const { t, leadId, phone } = await textingTenant();
    // The lead has no property: America/Chicago. A one-hour window starting two hours from now.
    const hour = Number(
      new Intl.DateTimeFormat('en-US', { timeZone: 'America/Chicago', hour: 'numeric', hourCycle: 'h23' }).format(
        new Date(),
      ),
    );
    const start = (hour + 2) % 24;
    await t.api.UpdateOrganizationSettings({ input: { smsWindowStartHour: start, smsWindowEndHour: start + 1 } });
    const { sendLeadSms } = await t.api.SendLeadSms({ leadId, body: 'Good morning!' });
    expect(sendLeadSms.status).toBe('QUEUED');
    const at = new Date(sendLeadSms.scheduledFor!);
    expect(at.getTime()).toBeGreaterThan(Date.now() + 60 * 60_000);
    expect(at.getTime()).toBeLessThanOrEqual(Date.now() + 2 * 60 * 60_000);
    expect(
      new Intl.DateTimeFormat('en-US', {
        timeZone: 'America/Chicago',
        hour: 'numeric',
        minute: 'numeric',
        hourCycle: 'h23',
      }).format(at),
    ).toBe(`${String(start).padStart(2, '0')}:00`);
    const waiting = (await server.deps.queues.email.getDelayed()).filter(
      (j) => (j.data as { messageId?: string }).messageId === sendLeadSms.id,
    );
    expect(waiting).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 500));
    expect(sentTo(t, phone)).toEqual([]);
    expect((await t.api.Message({ id: sendLeadSms.id })).message.status).toBe('QUEUED');
  });
});
