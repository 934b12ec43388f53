import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { print } from 'graphql';
import { describe, expect, it } from 'vitest';
import { InboundMessageReceivedDocument, type InboundMessageReceivedSubscription } from '../../client/index.js';
import { recordSmsStatus } from '../../src/platform/providers/sms/events.js';
import {
  OfflineSmsProvider,
  SmsSendError,
  TwilioSmsProvider,
  twilioSignature,
} from '../../src/platform/providers/sms/index.js';
import { asTenant, campaignCompleted, randomPhone, seedSmsLeads } from '../helpers/campaigns.js';
import { createTenant, gqlError, nodes, type Tenant } from '../helpers/gql.js';
import { startTestServer } from '../helpers/server.js';
import { testConfig } from '../helpers/env.js';
import { subscribe } from '../helpers/ws.js';

const TWILIO_TOKEN = `twilio-test-${randomUUID()}`;
const server = await startTestServer({ config: { sms: { ...testConfig().sms, twilioAuthToken: TWILIO_TOKEN } } });
const offline = server.deps.sms as OfflineSmsProvider;
const ALWAYS_OPEN = { windowStartHour: 0, windowEndHour: 24 };

async function smsTenant(): Promise<Tenant & { number: string }> {
  const t = await createTenant(server.url);
  const number = randomPhone();
  expect(
    (await t.api.SetOrganizationSmsNumber({ number: number.replace('+1', '(').replace(/^(\(\d{3})/, '$1) ') }))
      .setOrganizationSmsNumber.smsNumber,
  ).toBe(number);
  return { ...t, number };
}

async function smsCampaign(t: Tenant, prefix: string, extra: Record<string, unknown> = {}): Promise<string> {
  const { createTemplate } = await t.api.CreateTemplate({
    input: {
      name: `Text ${prefix} ${randomUUID().slice(0, 4)}`,
      channel: 'SMS',
      body: 'Hi {{lead.firstName}}, would you sell {{lead.lastName}} place? -{{user.name}}',
    },
  });
  const { createCampaign } = await t.api.CreateCampaign({
    input: {
      name: `Texts ${prefix}`,
      channel: 'SMS',
      templateId: createTemplate.id,
      audience: { search: prefix },
      ...ALWAYS_OPEN,
      ...extra,
    },
  });
  return createCampaign.id;
}

const sentTo = (t: Tenant, to: string) =>
  offline.sent.filter((m) => m.organizationId === t.organizationId && m.to === to);

describe('SMS campaigns through the offline provider', () => {
  it(
    'sends each opted-in lead one text, records delivery receipts and bounces, and an inbound STOP stops ' +
      'later sends',
    async () => {
      const a = await smsTenant();
      const b = await smsTenant();
      const prefix = `Sms${randomUUID().slice(0, 6)}`;
      const normal = Array.from({ length: 8 }, () => randomPhone());
      const undeliverable = randomPhone('0001');
      const invalid = randomPhone('0000');
      const flaky = randomPhone('0002');
      const noConsent = randomPhone();
      const phones = [...normal, undeliverable, invalid, flaky, noConsent];
      const leadIds = await seedSmsLeads(server.config.databaseUrl, a, phones, prefix, [noConsent]);

      const first = await smsCampaign(a, prefix);
      await a.api.LaunchCampaign({ id: first });
      const done = await campaignCompleted(a, first, 60_000, (c) => c.stats.delivered === 9 && c.stats.bounced === 2);
      expect(done.stats).toMatchObject({
        total: 12,
        sent: 10,
        delivered: 9,
        bounced: 2,
        failed: 0,
        skipped: 1,
        skippedByReason: [{ reason: 'NO_CONSENT', count: 1 }],
      });

      // Exactly one accepted text per reachable number (the flaky one after a retried outage), from the
      // organization's number, with the lead's own merge fields and the opt-out notice.
      for (const [i, phone] of phones.entries()) {
        const got = sentTo(a, phone);
        if (phone === invalid || phone === noConsent) {
          expect(got).toHaveLength(0);
          continue;
        }
        expect(got).toHaveLength(1);
        expect(got[0]!.from).toBe(a.number);
        expect(got[0]!.body).toBe(
          `Hi ${prefix}${i + 1}, would you sell Seller place? -Olive Owner\nReply STOP to opt out.`,
        );
        expect(got[0]!.statusCallbackUrl).toContain(`/webhooks/twilio/status?org=${a.organizationId}`);
      }
      const { campaign } = await a.api.Campaign({ id: first, first: 100 });
      const byPhone = new Map(nodes(campaign.recipients).map((r) => [r.toAddress, r]));
      expect(byPhone.get(undeliverable)).toMatchObject({ status: 'BOUNCED', error: expect.stringContaining('30003') });
      expect(byPhone.get(invalid)).toMatchObject({
        status: 'BOUNCED',
        sentAt: null,
        error: expect.stringContaining('not a valid phone number'),
      });
      expect(byPhone.get(flaky)).toMatchObject({ status: 'DELIVERED', deliveredAt: expect.any(String) });
      expect(byPhone.get(normal[0]!)!.providerMessageId).toMatch(/^SM[0-9a-f]{32}$/);

      // Inbound: the organization's subscribers hear it, another organization's do not.
      const query = print(InboundMessageReceivedDocument);
      const subA = await subscribe<InboundMessageReceivedSubscription>(server.wsUrl, a.token, query);
      const subB = await subscribe<InboundMessageReceivedSubscription>(server.wsUrl, b.token, query);
      const stopper = normal[0]!;
      const stop = (await a.api.SimulateInboundSms({ from: stopper, body: '  Stop ' })).simulateInboundSms;
      expect(stop).toMatchObject({
        kind: 'OPT_OUT',
        fromAddress: stopper,
        toAddress: a.number,
        leadId: leadIds[0],
        campaignRecipientId: byPhone.get(stopper)!.id,
      });
      expect((await subA.next()).inboundMessageReceived).toMatchObject({ id: stop.id, kind: 'OPT_OUT', body: 'Stop' });
      const reply = (await a.api.SimulateInboundSms({ from: normal[1]!, body: 'How much would you offer?' }))
        .simulateInboundSms;
      expect(reply.kind).toBe('REPLY');
      expect((await subA.next()).inboundMessageReceived.id).toBe(reply.id);
      expect((await a.api.ConsentStatus({ channel: 'SMS', contactPoint: stopper })).consentStatus).toMatchObject({
        allowed: false,
        reason: 'OPTED_OUT',
        latest: { source: 'SMS_STOP' },
      });
      const after = (await a.api.Campaign({ id: first, first: 100 })).campaign;
      expect(after.stats).toMatchObject({ optedOut: 1, replied: 1, delivered: 7 });
      expect(nodes(after.recipients).find((r) => r.toAddress === normal[1])).toMatchObject({
        status: 'REPLIED',
        repliedAt: expect.any(String),
      });
      const timeline = (await a.api.Lead({ id: leadIds[1]! })).lead.activities;
      expect(timeline.map((x) => [x.type, x.direction, x.body])).toEqual(
        expect.arrayContaining([
          ['SMS', 'INBOUND', 'How much would you offer?'],
          ['SMS', 'OUTBOUND', expect.stringContaining('would you sell')],
        ]),
      );

      // A second campaign starts in 3 s; a QUIT arriving before then is honoured at send time.
      const second = await smsCampaign(a, prefix, { startAt: new Date(Date.now() + 3_000).toISOString() });
      await a.api.LaunchCampaign({ id: second });
      const quitter = normal[2]!;
      expect((await a.api.SimulateInboundSms({ from: quitter, body: 'quit' })).simulateInboundSms.kind).toBe('OPT_OUT');
      const done2 = await campaignCompleted(a, second, 60_000);
      const skipped = new Map(done2.stats.skippedByReason.map((s) => [s.reason, s.count]));
      expect(skipped.get('OPTED_OUT')).toBe(2);
      const recipients2 = nodes((await a.api.Campaign({ id: second, first: 100 })).campaign.recipients);
      expect(
        recipients2
          .filter((r) => r.reason === 'OPTED_OUT')
          .map((r) => r.toAddress)
          .sort(),
      ).toEqual([stopper, quitter].sort());
      expect(sentTo(a, stopper)).toHaveLength(1); // nothing after STOP
      expect(sentTo(a, quitter)).toHaveLength(1); // nothing after QUIT
      expect(sentTo(a, normal[3]!)).toHaveLength(2); // everyone else: one per campaign

      // START opts back in; a repeated delivery of the same message is recorded once.
      await offline.receive({
        organizationId: a.organizationId,
        from: stopper,
        to: a.number,
        body: 'START',
        providerMessageId: 'SMrepeat-start',
      });
      await offline.receive({
        organizationId: a.organizationId,
        from: stopper,
        to: a.number,
        body: 'START',
        providerMessageId: 'SMrepeat-start',
      });
      expect((await a.api.ConsentStatus({ channel: 'SMS', contactPoint: stopper })).consentStatus).toMatchObject({
        allowed: true,
        latest: { source: 'SMS_START' },
      });
      expect(
        (await a.api.ConsentHistory({ channel: 'SMS', contactPoint: stopper })).consentHistory.map((c) => c.source),
      ).toEqual(['SMS_START', 'SMS_STOP', 'WEB_FORM']);

      // Organization B heard nothing and sees none of it.
      await new Promise((r) => setTimeout(r, 300));
      expect(subB.received).toEqual([]);
      expect(nodes((await b.api.InboundMessages({})).inboundMessages)).toEqual([]);
      expect((await b.api.ConsentStatus({ channel: 'SMS', contactPoint: stopper })).consentStatus).toMatchObject({
        allowed: false,
        reason: 'NO_CONSENT',
        latest: null,
      });
      expect(nodes((await a.api.InboundMessages({})).inboundMessages).map((m) => m.kind)).toEqual([
        'OPT_IN',
        'OPT_OUT',
        'REPLY',
        'OPT_OUT',
      ]);
      await subA.close();
      await subB.close();
    },
  );

  it('refuses what cannot work and keeps numbers to one organization', async () => {
    const a = await createTenant(server.url);
    const b = await createTenant(server.url);
    const prefix = `NoNum${randomUUID().slice(0, 6)}`;
    await seedSmsLeads(server.config.databaseUrl, a, [randomPhone()], prefix);
    const id = await smsCampaign(a, prefix);
    const refused = await gqlError(a.api.LaunchCampaign({ id }));
    expect(refused).toMatchObject({ code: 'BAD_USER_INPUT', message: expect.stringContaining('SMS number') });
    expect((await a.api.Campaign({ id })).campaign).toMatchObject({ status: 'DRAFT', stats: { total: 0 } });
    expect(await gqlError(a.api.SimulateInboundSms({ from: randomPhone(), body: 'hi' }))).toMatchObject({
      code: 'BAD_USER_INPUT',
    });
    expect((await gqlError(a.api.SetOrganizationSmsNumber({ number: '12' }))).extensions.field).toBe('number');
    const number = randomPhone();
    await a.api.SetOrganizationSmsNumber({ number });
    expect((await gqlError(b.api.SetOrganizationSmsNumber({ number }))).message).toContain('Another organization');
    expect((await gqlError(a.api.SimulateInboundSms({ from: 'not a phone', body: 'hi' }))).extensions.field).toBe(
      'from',
    );
    expect((await gqlError(a.api.SimulateInboundSms({ from: randomPhone(), body: '   ' }))).extensions.field).toBe(
      'body',
    );
    const viewer = await import('../helpers/gql.js').then((m) => m.addMember(server.url, a, 'VIEWER'));
    expect((await gqlError(viewer.api.SetOrganizationSmsNumber({ number: randomPhone() }))).code).toBe('FORBIDDEN');
    expect(nodes((await a.api.InboundMessages({})).inboundMessages)).toEqual([]);
  });
});

describe("Twilio's webhooks", () => {
  const post = async (path: string, params: Record<string, string>, signature?: string) => {
    const url = `${server.url.replace(/\/graphql$/, '')}${path}`;
    return fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': signature ?? twilioSignature(TWILIO_TOKEN, url, params),
      },
      body: new URLSearchParams(params),
    });
  };

  it('take inbound STOP messages and delivery reports only with a valid signature, once per message', async () => {
    const a = await smsTenant();
    const prefix = `Hook${randomUUID().slice(0, 6)}`;
    const phone = randomPhone();
    await seedSmsLeads(server.config.databaseUrl, a, [phone], prefix);
    const sid = `SM${randomUUID().replace(/-/g, '')}`;
    const inbound = {
      MessageSid: sid,
      AccountSid: 'AC123',
      From: phone,
      To: a.number,
      Body: 'UNSUBSCRIBE',
      NumMedia: '0',
    };

    const forged = await post('/webhooks/twilio/sms', inbound, twilioSignature('wrong-token', 'http://x', inbound));
    expect(forged.status).toBe(403);
    expect(nodes((await a.api.InboundMessages({})).inboundMessages)).toEqual([]);
    const tampered = await post(
      '/webhooks/twilio/sms',
      { ...inbound, Body: 'START' },
      (await import('../../src/platform/providers/sms/index.js')).twilioSignature(
        TWILIO_TOKEN,
        `${server.url.replace(/\/graphql$/, '')}/webhooks/twilio/sms`,
        inbound,
      ),
    );
    expect(tampered.status).toBe(403);

    for (let i = 0; i < 2; i++) {
      const res = await post('/webhooks/twilio/sms', inbound);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/xml');
      expect(await res.text()).toContain('<Response></Response>');
    }
    expect(nodes((await a.api.InboundMessages({})).inboundMessages)).toMatchObject([
      { providerMessageId: sid, kind: 'OPT_OUT', fromAddress: phone },
    ]);
    expect(
      (await a.api.ConsentHistory({ channel: 'SMS', contactPoint: phone })).consentHistory.map((c) => c.source),
    ).toEqual(['SMS_STOP', 'WEB_FORM']);
    // A number no organization uses is acknowledged and ignored.
    expect((await post('/webhooks/twilio/sms', { ...inbound, MessageSid: 'SMother', To: randomPhone() })).status).toBe(
      200,
    );

    // Delivery report for a sent message: SENT → DELIVERED; a late "undelivered" cannot undo a reply.
    const opted = randomPhone();
    await seedSmsLeads(server.config.databaseUrl, a, [opted], `${prefix}b`);
    const id = await smsCampaign(a, `${prefix}b`);
    await a.api.LaunchCampaign({ id });
    await campaignCompleted(a, id, 60_000, (c) => c.stats.delivered === 1);
    const recipient = nodes((await a.api.Campaign({ id })).campaign.recipients)[0]!;
    await asTenant(server.config.databaseUrl, a, (db) =>
      db.query("update campaign_recipients set status = 'SENT', delivered_at = null where id = $1", [recipient.id]),
    );
    const status = { MessageSid: recipient.providerMessageId!, MessageStatus: 'delivered', To: opted, From: a.number };
    expect((await post(`/webhooks/twilio/status?org=${a.organizationId}`, status, 'bad')).status).toBe(403);
    expect(nodes((await a.api.Campaign({ id })).campaign.recipients)[0]!.status).toBe('SENT');
    expect((await post(`/webhooks/twilio/status?org=${a.organizationId}`, status)).status).toBe(204);
    expect(nodes((await a.api.Campaign({ id })).campaign.recipients)[0]!.status).toBe('DELIVERED');
    await a.api.SimulateInboundSms({ from: opted, body: 'Call me tomorrow' });
    expect(
      (
        await post(`/webhooks/twilio/status?org=${a.organizationId}`, {
          ...status,
          MessageStatus: 'undelivered',
          ErrorCode: '30005',
        })
      ).status,
    ).toBe(204);
    expect(nodes((await a.api.Campaign({ id })).campaign.recipients)[0]!.status).toBe('REPLIED');
    // Another organization's id in the callback finds nothing of A's.
    const b = await createTenant(server.url);
    expect(
      (await post(`/webhooks/twilio/status?org=${b.organizationId}`, { ...status, MessageStatus: 'failed' })).status,
    ).toBe(204);
    expect(nodes((await a.api.Campaign({ id })).campaign.recipients)[0]!.status).toBe('REPLIED');
  });
});

describe('Twilio HTTP adapter', () => {
  it("speaks Twilio's Messages API and tells permanent refusals from outages", async () => {
    const requests: { url: string; auth: string; form: URLSearchParams }[] = [];
    const replies: [number, unknown][] = [
      [201, { sid: 'SM0123456789abcdef0123456789abcdef', status: 'queued' }],
      [400, { code: 21211, message: "The 'To' number +15551234567 is not a valid phone number.", status: 400 }],
      [503, { message: 'Service Unavailable' }],
      [429, { code: 20429, message: 'Too Many Requests' }],
    ];
    const body = (req: IncomingMessage) =>
      new Promise<string>((r) => {
        let s = '';
        req.on('data', (c) => (s += c));
        req.on('end', () => r(s));
      });
    const http = createServer(async (req, res) => {
      requests.push({ url: req.url!, auth: req.headers.authorization!, form: new URLSearchParams(await body(req)) });
      const [code, json] = replies.shift()!;
      res.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify(json));
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    try {
      const twilio = new TwilioSmsProvider(
        'AC42',
        'secret',
        `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
      );
      const msg = {
        organizationId: randomUUID(),
        from: '+15125550100',
        to: '+15125550111',
        body: 'Hi there',
        statusCallbackUrl: 'https://api.example.com/webhooks/twilio/status?org=x',
      };
      expect(await twilio.send(msg)).toEqual({ providerMessageId: 'SM0123456789abcdef0123456789abcdef' });
      expect(requests[0]!.url).toBe('/2010-04-01/Accounts/AC42/Messages.json');
      expect(requests[0]!.auth).toBe(`Basic ${Buffer.from('AC42:secret').toString('base64')}`);
      expect(Object.fromEntries(requests[0]!.form)).toEqual({
        To: msg.to,
        From: msg.from,
        Body: 'Hi there',
        StatusCallback: msg.statusCallbackUrl,
      });
      const refusal = (await twilio.send(msg).catch((e) => e)) as SmsSendError;
      expect(refusal).toBeInstanceOf(SmsSendError);
      expect(refusal).toMatchObject({ permanent: true, code: '21211' });
      expect(await twilio.send(msg).catch((e) => e)).toMatchObject({ permanent: false });
      expect(await twilio.send(msg).catch((e) => e)).toMatchObject({ permanent: false, code: '20429' });
    } finally {
      http.close();
    }
  });
});

describe('delivery reports that arrive before the send is recorded', () => {
  it('are applied once the worker records the send, not lost', async () => {
    const t = await smsTenant();
    const prefix = `Early${randomUUID().slice(0, 6)}`;
    const [leadId] = await seedSmsLeads(server.config.databaseUrl, t, [randomPhone()], prefix);
    const campaignId = await smsCampaign(t, prefix); // a DRAFT: its recipient is written here by hand
    const recipientId = randomUUID();
    const providerMessageId = `SM${randomUUID().replace(/-/g, '')}`;
    await asTenant(server.config.databaseUrl, t, (db) =>
      db.query(
        `insert into campaign_recipients (id, organization_id, campaign_id, lead_id, to_address, status, created_at,
                                          updated_at)
         values ($1, $2, $3, $4, '+15125550123', 'SENDING', now(), now())`,
        [recipientId, t.organizationId, campaignId, leadId],
      ),
    );
    // The carrier's receipt comes first; the worker records the send 300 ms later.
    const report = recordSmsStatus(server.deps, {
      organizationId: t.organizationId,
      providerMessageId,
      status: 'delivered',
      errorCode: null,
    });
    await new Promise((r) => setTimeout(r, 300));
    await asTenant(server.config.databaseUrl, t, (db) =>
      db.query(
        `update campaign_recipients set status = 'SENT', provider_message_id = $2, sent_at = now() where id = $1`,
        [recipientId, providerMessageId],
      ),
    );
    await report;
    const status = await asTenant(server.config.databaseUrl, t, (db) =>
      db.query<{ status: string }>('select status from campaign_recipients where id = $1', [recipientId]),
    );
    expect(status.rows[0]!.status).toBe('DELIVERED');
  });
});
