import { describe, expect, it } from 'vitest';
import { campaignCompleted } from '../helpers/campaigns.js';
import { addMember, createTenant, gqlError, waitFor, type Tenant } from '../helpers/gql.js';
import { startTestServer } from '../helpers/server.js';
import { startReceiver } from '../helpers/webhook-receiver.js';

const server = await startTestServer({ config: { intake: { perIpPerMinute: 8, perFormPerMinute: 1_000 } } });

async function form(t: Tenant, extra: Record<string, unknown> = {}) {
  const { createIntakeForm } = await t.api.CreateIntakeForm({
    input: {
      name: 'Sell your house',
      source: 'SEO',
      consentText: 'I agree to be contacted by text and email about my property.',
      fieldMapping: [{ field: 'your_cell', to: 'PHONE' }],
      ...extra,
    },
  });
  return createIntakeForm;
}

function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const form = typeof body === 'string';
  return fetch(url, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json',
      'user-agent': 'IntakeTest/1.0',
      ...headers,
    },
    body: form ? body : JSON.stringify(body),
  });
}

describe('lead intake', () => {
  it('JSON and form posts make one lead with its property and consent evidence; a repeat updates it', async () => {
    const t = await createTenant(server.url);
    const agent = await addMember(server.url, t, 'AGENT');
    const f = await form(t, { assignToUserId: agent.userId });
    expect(f.url).toBe(`${server.config.publicUrl}/intake/${f.formKey}`);
    const r = await startReceiver();
    const { createWebhookEndpoint: hook } = await t.api.CreateWebhookEndpoint({
      input: { url: r.url, events: ['lead.created'] },
    });
    const first = await post(f.url, {
      name: 'Jane Q Seller',
      email: 'Jane.Seller@Example.com',
      your_cell: '(512) 555-0177',
      address: '12 Oak St',
      city: 'Austin',
      state: 'tx',
      zip: '78701',
      message: 'Inherited the house, want to sell fast',
      consent: 'yes',
      pageUrl: 'https://sell.example.com/landing',
    });
    expect(first.status).toBe(201);
    const { leadId, created } = (await first.json()) as { leadId: string; created: boolean };
    expect(created).toBe(true);
    const { lead } = await t.api.Lead({ id: leadId });
    expect(lead).toMatchObject({
      firstName: 'Jane Q',
      lastName: 'Seller',
      email: 'jane.seller@example.com',
      phone: '+15125550177',
      source: 'SEO',
      status: 'NEW',
      motivation: 'Inherited the house, want to sell fast',
      assignedUser: { id: agent.userId },
    });
    const { property } = await t.api.Property({ id: lead.property!.id });
    expect(property).toMatchObject({ addressLine: '12 Oak St', city: 'Austin', state: 'TX', zip: '78701' });
    const [consent] = (await t.api.ConsentHistory({ channel: 'SMS', contactPoint: '+15125550177' })).consentHistory;
    expect(consent).toMatchObject({ status: 'OPTED_IN', source: 'WEB_FORM' });
    expect(JSON.parse(consent!.evidence!)).toMatchObject({
      form: { id: f.id, name: 'Sell your house' },
      consentText: 'I agree to be contacted by text and email about my property.',
      ip: expect.stringMatching(/127\.0\.0\.1/),
      userAgent: 'IntakeTest/1.0',
      pageUrl: 'https://sell.example.com/landing',
    });
    const hookBody = await waitFor(async () => r.received[0] ?? null, 10_000, 'lead.created webhook');
    expect(hookBody.json).toMatchObject({ type: 'lead.created', data: { lead: { id: leadId, source: 'SEO' } } });
    expect(hook.endpoint.eventTypes).toEqual(['lead.created']);

    // The same person again, form-encoded, by phone only: the same lead, a timeline entry, no second lead.
    const again = await post(f.url, 'firstName=Jane&your_cell=512-555-0177&message=Any+update%3F');
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ leadId, created: false });
    const { lead: after } = await t.api.Lead({ id: leadId });
    // The first submission said nothing the lead does not hold; the repeat is on the timeline.
    expect(after.activities.map((a) => a.body)).toEqual(['Submitted "Sell your house" again\nAny update?']);
    expect(after.activities[0]).toMatchObject({ type: 'NOTE', direction: 'INBOUND' });
    expect(after.lastActivityAt).toBe(after.activities[0]!.occurredAt); // kept by the timeline's triggers
    expect((await t.api.Leads({ first: 5 })).leads.totalCount).toBe(1);
    expect((await t.api.IntakeForms()).intakeForms[0]).toMatchObject({ submissions: 2 });
    await new Promise((res) => setTimeout(res, 500));
    expect(r.received).toHaveLength(1); // a repeat is not a new lead
    // Turned off: refused at once, though this process read the form a moment ago.
    await t.api.UpdateIntakeForm({ id: f.id, input: { enabled: false } });
    expect((await post(f.url, { name: 'Too Late', email: 'late@example.com' })).status).toBe(404);
    expect((await t.api.Leads({ first: 5 })).leads.totalCount).toBe(1);
  });

  it('plain HTML forms are redirected; honeypot, rate limit, Idempotency-Key; bad input changes nothing', async () => {
    const t = await createTenant(server.url);
    const f = await form(t, { redirectUrl: 'https://sell.example.com/thanks' });
    const html = await post(f.url, 'name=Pat+Doe&email=pat%40example.com');
    expect([html.status, html.headers.get('location')]).toEqual([303, 'https://sell.example.com/thanks']);
    const bot = await post(f.url, { name: 'Bot', email: 'bot@example.com', _honeypot: 'http://spam.example' });
    expect(bot.status).toBe(201);
    const key = { 'idempotency-key': 'zap-123' };
    const once = await post(f.url, { name: 'Ida Em', phone: '5125550190' }, key);
    const twice = await post(f.url, { name: 'Ida Em', phone: '5125550190' }, key);
    expect([once.status, twice.status, twice.headers.get('idempotency-replayed')]).toEqual([201, 201, 'true']);
    expect(await twice.json()).toEqual(await once.json());
    const refused: [Response, number, string, string | undefined][] = [
      [await post(f.url, { email: 'no-name@example.com' }), 400, 'BAD_USER_INPUT', 'firstName'],
      [await post(f.url, { name: 'No Contact' }), 400, 'BAD_USER_INPUT', 'email'],
      [await post(f.url, { name: 'Bad Phone', phone: '12' }), 400, 'BAD_USER_INPUT', 'phone'],
      [await post(f.url, { name: 'Bad Mail', email: 'not-an-email' }), 400, 'BAD_USER_INPUT', 'email'],
      [
        await post(f.url, { name: 'Big', email: 'a@b.co', message: 'x'.repeat(70_000) }),
        413,
        'PAYLOAD_TOO_LARGE',
        undefined,
      ],
      [
        await post(`${server.config.publicUrl}/intake/no-such-form`, { name: 'A B', email: 'a@b.co' }),
        404,
        'NOT_FOUND',
        undefined,
      ],
    ];
    for (const [res, status, code, field] of refused) {
      const body = (await res.json()) as { errors: { extensions: { code: string; field?: string } }[] };
      expect([res.status, body.errors[0]!.extensions.code, body.errors[0]!.extensions.field]).toEqual([
        status,
        code,
        field,
      ]);
    }
    // 8 per minute per form and address: three taken above by the redirect, the bot and the key.
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++)
      statuses.push((await post(f.url, { name: `Rate ${i}`, email: `r${i}@example.com` })).status);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    const names = (await t.api.Leads({ first: 50 })).leads.edges.map((e) => e.node.firstName).sort();
    expect(names.filter((n) => ['Pat', 'Ida', 'Bot', 'No', 'Bad', 'Big'].includes(n))).toEqual(['Ida', 'Pat']);

    await t.api.UpdateIntakeForm({ id: f.id, input: { enabled: false } });
    const off = await post(f.url, { name: 'After Off', email: 'off@example.com' });
    expect(off.status).toBe(404);
    const other = await createTenant(server.url);
    expect((await other.api.IntakeForms()).intakeForms).toEqual([]);
    expect((await gqlError(other.api.DeleteIntakeForm({ id: f.id }))).code).toBe('NOT_FOUND');
    const both = await gqlError(
      t.api.CreateIntakeForm({ input: { name: 'X', source: 'PPC', assignToUserId: t.userId, ruleBased: true } }),
    );
    expect([both.code, both.extensions.field]).toEqual(['BAD_USER_INPUT', 'input.ruleBased']);
  });

  it('a campaign reaches the lead that agreed on the form, and not the one that did not', async () => {
    const t = await createTenant(server.url);
    const f = await form(t);
    expect((await post(f.url, { name: 'Yes Please', email: 'yes@example.com', consent: 'on' })).status).toBe(201);
    expect((await post(f.url, { name: 'No Thanks', email: 'no@example.com' })).status).toBe(201);
    const { createTemplate } = await t.api.CreateTemplate({
      input: { name: 'Offer', channel: 'EMAIL', subject: 'About your house', body: 'Hi {{lead.firstName}}' },
    });
    const { createCampaign } = await t.api.CreateCampaign({
      input: {
        name: 'Web leads',
        channel: 'EMAIL',
        templateId: createTemplate.id,
        audience: { sources: ['SEO'] },
        windowStartHour: 0,
        windowEndHour: 24,
      },
    });
    await t.api.LaunchCampaign({ id: createCampaign.id });
    const done = await campaignCompleted(t, createCampaign.id);
    expect(done.stats).toMatchObject({ total: 2, sent: 1, skipped: 1 });
    expect(done.stats.skippedByReason).toEqual([{ reason: 'NO_CONSENT', count: 1 }]);
  });

  it('the same person submitting five times at once makes one lead', async () => {
    const t = await createTenant(server.url);
    const f = await form(t);
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => post(f.url, { name: 'Race Condition', phone: '512-555-0166' })),
    );
    const bodies = (await Promise.all(answers.map((a) => a.json()))) as { leadId: string; created: boolean }[];
    expect(bodies.filter((b) => b.created)).toHaveLength(1);
    expect(new Set(bodies.map((b) => b.leadId)).size).toBe(1);
    expect((await t.api.Leads({ first: 5 })).leads.totalCount).toBe(1);
  });
});
