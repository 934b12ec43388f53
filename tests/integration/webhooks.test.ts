import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { addMember, createTenant, gqlError, nodes, uniqueAddress, waitFor, type Tenant } from '../helpers/gql.js';
import { startTestServer } from '../helpers/server.js';
import { startReceiver, type Received } from '../helpers/webhook-receiver.js';
import { WebhookSender } from '../../src/domains/webhooks/sender.js';
import { SecretBox } from '../../src/domains/webhooks/signing.js';

// Webhook settings come from tests/helpers/env.ts (loopback allowed, retries 150 ms apart).
const server = await startTestServer();

const headersOf = (r: Received) => ({
  'webhook-id': String(r.headers['webhook-id']),
  'webhook-timestamp': String(r.headers['webhook-timestamp']),
  'webhook-signature': String(r.headers['webhook-signature']),
});

async function endpoint(t: Tenant, url: string, events: string[]) {
  return (await t.api.CreateWebhookEndpoint({ input: { url, events } })).createWebhookEndpoint;
}

async function deliveries(t: Tenant, endpointId: string) {
  return nodes((await t.api.WebhookDeliveries({ endpointId, first: 50 })).webhookDeliveries);
}

async function dealFor(t: Tenant) {
  const { createProperty } = await t.api.CreateProperty({ input: uniqueAddress() });
  const { createLead } = await t.api.CreateLead({
    input: { firstName: 'Sam', lastName: 'Seller', propertyId: createProperty.id },
  });
  return (await t.api.CreateDeal({ input: { leadId: createLead.id, propertyId: createProperty.id } })).createDeal;
}

async function ownerSql(sql: string, params: unknown[]) {
  const db = new pg.Client({ connectionString: server.config.databaseOwnerUrl });
  await db.connect();
  try {
    return (await db.query(sql, params)).rows;
  } finally {
    await db.end();
  }
}

describe('outbound webhooks', () => {
  it('a deal move reaches a subscribed endpoint once, signed; another organization’s hears nothing', async () => {
    const [a, b] = [await createTenant(server.url), await createTenant(server.url)];
    const [ra, rb] = [await startReceiver(), await startReceiver()];
    const mine = await endpoint(a, ra.url, ['deal.moved']);
    await endpoint(b, rb.url, ['*']);
    const deal = await dealFor(a);
    await a.api.MoveDeal({ id: deal.id, stage: 'CONTACTED' });
    const [got] = await waitFor(
      async () => (ra.received.length ? ra.received : null),
      10_000,
      'the deal.moved webhook',
    );
    // The signature is what the standardwebhooks package (the specification's own library) accepts.
    const verified = new Webhook(mine.secret).verify(got!.body, headersOf(got!)) as Received['json'];
    expect(verified.type).toBe('deal.moved');
    expect(verified.data).toMatchObject({ fromStage: 'NEW', toStage: 'CONTACTED', deal: { id: deal.id } });
    expect(() =>
      new Webhook('whsec_' + Buffer.from('x'.repeat(24)).toString('base64')).verify(got!.body, headersOf(got!)),
    ).toThrow();
    await new Promise((r) => setTimeout(r, 1_000));
    expect(ra.received).toHaveLength(1); // deal.created and lead.created were not subscribed to
    expect(rb.received).toHaveLength(0);
    const [d] = await deliveries(a, mine.endpoint.id);
    expect(d).toMatchObject({
      status: 'SUCCEEDED',
      attempts: 1,
      eventType: 'deal.moved',
      messageId: got!.headers['webhook-id'],
    });
    expect(d!.tries).toMatchObject([{ attempt: 1, statusCode: 200, error: null, responseExcerpt: 'ok' }]);
    expect(JSON.parse(d!.payload)).toEqual(JSON.parse(got!.body));
    expect((await gqlError(b.api.WebhookDeliveries({ endpointId: mine.endpoint.id }))).code).toBe('NOT_FOUND');
    expect((await gqlError(b.api.ReplayWebhookDelivery({ id: d!.id }))).code).toBe('NOT_FOUND');
  });

  it('failing 3 times then succeeding: the same webhook-id and body each time; a replay is one try', async () => {
    const t = await createTenant(server.url);
    const r = await startReceiver();
    const ep = await endpoint(t, r.url, ['lead.created']);
    r.respondWith(500, 503, 500);
    await t.api.CreateLead({ input: { firstName: 'Retry', lastName: 'Me' } });
    await waitFor(async () => (r.received.length >= 4 ? true : null), 15_000, 'four tries');
    await new Promise((res) => setTimeout(res, 600));
    expect(r.received).toHaveLength(4);
    expect(new Set(r.received.map((x) => x.headers['webhook-id'])).size).toBe(1);
    expect(new Set(r.received.map((x) => x.body)).size).toBe(1);
    for (const x of r.received) new Webhook(ep.secret).verify(x.body, headersOf(x));
    const [d] = await deliveries(t, ep.endpoint.id);
    expect(d).toMatchObject({ status: 'SUCCEEDED', attempts: 4 });
    expect(d!.tries.map((x) => x.statusCode)).toEqual([500, 503, 500, 200]);
    expect(d!.tries.filter((x) => x.statusCode === 200)).toHaveLength(1);

    await t.api.ReplayWebhookDelivery({ id: d!.id });
    await waitFor(async () => (r.received.length === 5 ? true : null), 10_000, 'the replay');
    await t.api.ReplayWebhookDelivery({ id: d!.id });
    await waitFor(async () => (r.received.length === 6 ? true : null), 10_000, 'the second replay');
    await new Promise((res) => setTimeout(res, 600));
    expect(r.received).toHaveLength(6);
    expect(r.received[5]!.headers['webhook-id']).toBe(r.received[0]!.headers['webhook-id']);
    const [after] = await deliveries(t, ep.endpoint.id);
    expect(after).toMatchObject({ status: 'SUCCEEDED', replays: 2, attempts: 6 });
    expect(after!.tries.map((x) => x.replay)).toEqual([false, false, false, false, true, true]);
  });

  it('a rotated secret: both sign for 24 hours, then only the new one', async () => {
    const t = await createTenant(server.url);
    const r = await startReceiver();
    const ep = await endpoint(t, r.url, ['lead.created']);
    const { rotateWebhookSecret } = await t.api.RotateWebhookSecret({ id: ep.endpoint.id });
    expect(rotateWebhookSecret.secret).not.toBe(ep.secret);
    expect(new Date(rotateWebhookSecret.endpoint.previousSecretUntil!).getTime()).toBeGreaterThan(
      Date.now() + 23 * 3600_000,
    );
    await t.api.CreateLead({ input: { firstName: 'Rot', lastName: 'Ate' } });
    const [first] = await waitFor(async () => (r.received.length ? r.received : null), 10_000, 'the webhook');
    expect(String(first!.headers['webhook-signature']).split(' ')).toHaveLength(2);
    new Webhook(ep.secret).verify(first!.body, headersOf(first!));
    new Webhook(rotateWebhookSecret.secret).verify(first!.body, headersOf(first!));
    await ownerSql(`update webhook_endpoints set previous_secret_until = now() - interval '1 second' where id = $1`, [
      ep.endpoint.id,
    ]);
    await t.api.CreateLead({ input: { firstName: 'Rot', lastName: 'Ated' } });
    const second = await waitFor(async () => r.received[1] ?? null, 10_000, 'the second webhook');
    expect(String(second.headers['webhook-signature']).split(' ')).toHaveLength(1);
    new Webhook(rotateWebhookSecret.secret).verify(second.body, headersOf(second));
    expect(() => new Webhook(ep.secret).verify(second.body, headersOf(second))).toThrow();
  });

  it('refuses private targets without the flag, unknown events and non-managers; nothing is saved', async () => {
    const t = await createTenant(server.url);
    const agent = await addMember(server.url, t, 'AGENT');
    const r = await startReceiver();
    expect((await gqlError(agent.api.CreateWebhookEndpoint({ input: { url: r.url, events: ['*'] } }))).code).toBe(
      'FORBIDDEN',
    );
    const bad = await gqlError(
      t.api.CreateWebhookEndpoint({ input: { url: r.url, events: ['lead.created', 'lead.exploded'] } }),
    );
    expect([bad.code, bad.extensions.field]).toEqual(['BAD_USER_INPUT', 'input.events[1]']);
    server.config.webhooks.allowPrivateTargets = false;
    try {
      for (const url of [
        r.url,
        'https://127.0.0.1/hooks',
        'https://169.254.169.254/latest/meta-data',
        `https://localhost:${new URL(r.url).port}/hooks`, // a name that resolves to loopback
        'https://[::1]/hooks',
        'http://93.184.215.14/hooks', // public, but not https
        'ftp://example.com/x',
      ]) {
        const e = await gqlError(t.api.CreateWebhookEndpoint({ input: { url, events: ['*'] } }));
        expect([url, e.code, e.extensions.field]).toEqual([url, 'BAD_USER_INPUT', 'input.url']);
      }
    } finally {
      server.config.webhooks.allowPrivateTargets = true;
    }
    expect((await t.api.WebhookEndpoints()).webhookEndpoints).toEqual([]);
  });

  it('at send time: a name resolving to loopback, a metadata address and a redirect are refused', async () => {
    const r = await startReceiver();
    const target = await startReceiver();
    const strict = new WebhookSender({ allowPrivate: () => false, timeoutMs: 2_000 });
    const port = new URL(r.url).port;
    for (const url of [`http://localhost:${port}/hooks`, `http://127.0.0.1:${port}/hooks`, 'http://169.254.169.254/']) {
      const result = await strict.post(url, '{}', {});
      expect([url, result.ok, result.error]).toEqual([url, false, expect.stringMatching(/^Refused target/)]);
    }
    expect(r.received).toHaveLength(0);
    const loose = new WebhookSender({ allowPrivate: () => true, timeoutMs: 2_000 });
    r.redirectTo(target.url);
    const redirected = await loose.post(r.url, '{}', {});
    expect(redirected).toMatchObject({
      ok: false,
      statusCode: 302,
      error: expect.stringMatching(/^Redirect not followed/),
    });
    expect(target.received).toHaveLength(0);
    strict.close();
    loose.close();
  });

  it('an endpoint failing for days is turned off, admins told; a test event reaches one endpoint', async () => {
    const t = await createTenant(server.url);
    const r = await startReceiver();
    const other = await startReceiver();
    const ep = await endpoint(t, r.url, ['lead.created']);
    await endpoint(t, other.url, ['*']);
    const { sendTestWebhook } = await t.api.SendTestWebhook({ id: ep.endpoint.id });
    expect(sendTestWebhook).toMatchObject({ eventType: 'webhook.test', status: 'PENDING' });
    await waitFor(async () => (r.received.length ? true : null), 10_000, 'the test event');
    expect(r.received[0]!.json.type).toBe('webhook.test');
    await new Promise((res) => setTimeout(res, 500));
    expect(other.received).toHaveLength(0);

    await ownerSql(`update webhook_endpoints set failing_since = now() - interval '6 days' where id = $1`, [
      ep.endpoint.id,
    ]);
    r.respondWith(500);
    await t.api.CreateLead({ input: { firstName: 'Fail', lastName: 'Ing' } });
    const off = await waitFor(
      async () => {
        const e = (await t.api.WebhookEndpoints()).webhookEndpoints.find((x) => x.id === ep.endpoint.id)!;
        return e.enabled ? null : e;
      },
      10_000,
      'the endpoint disabled',
    );
    expect(off.disabledReason).toMatch(/failed for 5 days/);
    // Turned off and the admins' notifications stored in one transaction: whoever sees the one sees the other.
    const notes = nodes((await t.api.Notifications({ first: 10 })).notifications);
    expect(notes.filter((n) => n.kind === 'WEBHOOK_DISABLED')).toHaveLength(1);
    const tries = r.received.length;
    await t.api.CreateLead({ input: { firstName: 'After', lastName: 'Off' } });
    await new Promise((res) => setTimeout(res, 800));
    expect(r.received).toHaveLength(tries); // nothing more goes to a disabled endpoint
    const { enableWebhookEndpoint } = await t.api.EnableWebhookEndpoint({ id: ep.endpoint.id });
    expect(enableWebhookEndpoint).toMatchObject({ enabled: true, failingSince: null });
  });
});

describe('claims', () => {
  it('one delivery asked for twice at the same moment (a replay beside a retry) is claimed once', async () => {
    const t = await createTenant(server.url);
    const r = await startReceiver();
    const ep = await endpoint(t, r.url, ['deal.moved']);
    const [row] = await ownerSql(
      `with ev as (insert into webhook_events (organization_id, type, data, endpoint_id, dispatched_at)
                   values ($1, 'webhook.test', '{}', $2, now()) returning id)
       insert into webhook_deliveries (id, organization_id, endpoint_id, event_id, next_attempt_at)
       select gen_random_uuid(), $1, $2, ev.id, now() + interval '1 hour' from ev returning id`,
      [t.organizationId, ep.endpoint.id],
    );
    const store = server.deps.webhookStore;
    const claims = await Promise.all([
      store.claim(t.organizationId, { id: row.id, attempt: 1, replay: false }),
      store.claim(t.organizationId, { id: row.id, attempt: 1, replay: true }),
    ]);
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await store.claim(t.organizationId, { id: row.id, attempt: 1, replay: true })).toBeNull(); // leased
  });
});

describe('an unreadable secret', () => {
  it('sealed under another JWT_SECRET: nothing goes out unsigned, the try says rotate; rotating mends it', async () => {
    const t = await createTenant(server.url);
    const r = await startReceiver();
    const ep = await endpoint(t, r.url, ['deal.moved']);
    const foreign = new SecretBox('another-jwt-secret-of-at-least-32-chars!').seal('whsec_AAAA');
    await ownerSql('update webhook_endpoints set secret = $1 where id = $2', [foreign, ep.endpoint.id]);
    await t.api.SendTestWebhook({ id: ep.endpoint.id });
    const [d] = await waitFor(
      async () => {
        const list = await deliveries(t, ep.endpoint.id);
        return list[0]?.tries.length ? list : null;
      },
      10_000,
      'the first try',
    );
    expect(d!.tries[0]!.error).toMatch(/rotate it with rotateWebhookSecret/);
    expect(r.received).toHaveLength(0);
    const { rotateWebhookSecret } = await t.api.RotateWebhookSecret({ id: ep.endpoint.id });
    await t.api.SendTestWebhook({ id: ep.endpoint.id });
    const got = await waitFor(async () => r.received[0] ?? null, 10_000, 'a signed delivery');
    expect(String(got.headers['webhook-signature']).split(' ')).toHaveLength(1); // the unreadable old one is left out
    new Webhook(rotateWebhookSecret.secret).verify(got.body, headersOf(got));
  });
});

describe('automation rules calling a webhook', () => {
  it('CALL_WEBHOOK sends the run to the named endpoint only, signed; another organization’s is refused', async () => {
    const t = await createTenant(server.url);
    const other = await createTenant(server.url);
    const [r, quiet] = [await startReceiver(), await startReceiver()];
    const ep = await endpoint(t, r.url, ['deal.moved']);
    await endpoint(t, quiet.url, ['deal.moved']);
    const theirs = await endpoint(other, quiet.url, ['deal.moved']);
    const refused = await gqlError(
      t.api.CreateAutomationRule({
        input: {
          name: 'Tell the dialer',
          trigger: 'LEAD_CREATED',
          actions: [{ type: 'CALL_WEBHOOK', endpointId: theirs.endpoint.id }],
        },
      }),
    );
    expect([refused.code, refused.extensions.field]).toEqual(['BAD_USER_INPUT', 'input.actions[0].endpointId']);
    const { createAutomationRule: rule } = await t.api.CreateAutomationRule({
      input: {
        name: 'Tell the dialer',
        trigger: 'LEAD_CREATED',
        actions: [{ type: 'CALL_WEBHOOK', endpointId: ep.endpoint.id }],
      },
    });
    const { createLead } = await t.api.CreateLead({ input: { firstName: 'Auto', lastName: 'Mated', source: 'PPC' } });
    const got = await waitFor(async () => r.received[0] ?? null, 15_000, 'the automation.rule webhook');
    new Webhook(ep.secret).verify(got.body, headersOf(got));
    expect(got.json).toMatchObject({
      type: 'automation.rule',
      data: { rule: { id: rule.id, name: 'Tell the dialer' }, trigger: 'LEAD_CREATED', leadId: createLead.id },
    });
    await new Promise((res) => setTimeout(res, 500));
    expect([r.received.length, quiet.received.length]).toEqual([1, 0]);
  });
});

describe('docs/integrations.md', () => {
  it('its Python verifier, run as written, accepts a real delivery and rejects a changed body', async () => {
    const text = readFileSync(new URL('../../docs/integrations.md', import.meta.url), 'utf8');
    const code = /^```python\n([\s\S]*?)^```$/m.exec(text)![1]!;
    const dir = mkdtempSync(join(tmpdir(), 'reos-py-'));
    const file = join(dir, 'verify_webhook.py');
    writeFileSync(file, code);
    const t = await createTenant(server.url);
    const r = await startReceiver();
    const ep = await endpoint(t, r.url, ['deal.moved']);
    await t.api.SendTestWebhook({ id: ep.endpoint.id });
    const got = await waitFor(async () => r.received[0] ?? null, 10_000, 'the test event');
    const run = (body: string) =>
      new Promise<{ code: number | null; out: string }>((resolve) => {
        const h = headersOf(got);
        const child = execFile(
          'python3',
          [file],
          {
            env: {
              ...process.env,
              WEBHOOK_SECRET: ep.secret,
              WEBHOOK_ID: h['webhook-id'],
              WEBHOOK_TIMESTAMP: h['webhook-timestamp'],
              WEBHOOK_SIGNATURE: h['webhook-signature'],
            },
          },
          (_err, stdout) => resolve({ code: child.exitCode, out: stdout.trim() }),
        );
        child.stdin!.end(body);
      });
    expect(await run(got.body)).toEqual({ code: 0, out: 'verified' });
    expect(await run(got.body.replace('webhook.test', 'webhook.tesT'))).toEqual({ code: 1, out: 'rejected' });
    rmSync(dir, { recursive: true, force: true });
  });
});
