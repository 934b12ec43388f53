import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { asTenant, campaignCompleted, seedOptedInLeads } from '../helpers/campaigns.js';
import { addMember, createTenant, gqlError, nodes, type Tenant } from '../helpers/gql.js';
import { startTestServer } from '../helpers/server.js';
import { startScriptedSmtp } from '../helpers/smtp.js';

/** An SMTP server that refuses one address for good (550) and records every RCPT it is offered. */
let refuse = '';
const smtp = await startScriptedSmtp((address) =>
  address === refuse ? { code: 550, message: '5.1.1 mailbox unavailable' } : null,
);
afterAll(() => smtp.close());
const { offered, delivered } = smtp;
const server = await startTestServer({ config: { smtpUrl: smtp.url } });

async function runCampaign(t: Tenant, name: string, search?: string) {
  const { createTemplate } = await t.api.CreateTemplate({
    input: { name, channel: 'EMAIL', subject: 'Hi', body: 'Hello {{lead.firstName}}' },
  });
  const { createCampaign } = await t.api.CreateCampaign({
    input: {
      name,
      channel: 'EMAIL',
      templateId: createTemplate.id,
      windowStartHour: 0,
      windowEndHour: 24,
      ...(search ? { audience: { search } } : {}),
    },
  });
  await t.api.LaunchCampaign({ id: createCampaign.id });
  return campaignCompleted(t, createCampaign.id);
}

describe('suppression list', () => {
  it(
    'a hard bounce is not tried again by later campaigns until an admin lifts it; other organizations are ' +
      'unaffected',
    async () => {
      const a = await createTenant(server.url);
      const b = await createTenant(server.url);
      const [good, bad] = await seedOptedInLeads(server.config.databaseUrl, a, 2, `sup${Date.now()}`);
      refuse = bad!;
      const first = await runCampaign(a, 'First');
      expect(first.stats).toMatchObject({ sent: 1, bounced: 1 });
      const { suppressions } = await a.api.Suppressions({});
      expect(nodes(suppressions)).toMatchObject([
        {
          channel: 'EMAIL',
          contactPoint: bad,
          reason: 'HARD_BOUNCE',
          detail: expect.stringContaining('5.1.1'),
          liftedAt: null,
        },
      ]);
      expect((await a.api.ConsentStatus({ channel: 'EMAIL', contactPoint: bad! })).consentStatus).toMatchObject({
        allowed: false,
        reason: 'BOUNCED_BEFORE',
      });
      expect((await b.api.Suppressions({})).suppressions.totalCount).toBe(0);

      const tries = () => offered.filter((x) => x === bad).length;
      expect(tries()).toBe(1);
      const second = await runCampaign(a, 'Second');
      expect(second.stats.skippedByReason).toEqual([{ reason: 'BOUNCED_BEFORE', count: 1 }]);
      expect(nodes((await a.api.Campaign({ id: second.id, status: 'SKIPPED' })).campaign.recipients)).toMatchObject([
        { toAddress: bad, reason: 'BOUNCED_BEFORE' },
      ]);
      expect(tries()).toBe(1); // never offered to the mail server again
      expect(delivered.filter((x) => x === good)).toHaveLength(2);

      const entry = nodes(suppressions)[0]!;
      const agent = await addMember(server.url, a, 'AGENT');
      expect((await gqlError(agent.api.LiftSuppression({ id: entry.id }))).code).toBe('FORBIDDEN');
      expect((await gqlError(b.api.LiftSuppression({ id: entry.id }))).code).toBe('NOT_FOUND');
      refuse = '';
      expect((await a.api.LiftSuppression({ id: entry.id })).liftSuppression.liftedAt).toBeTruthy();
      expect((await gqlError(a.api.LiftSuppression({ id: entry.id }))).code).toBe('BAD_USER_INPUT');
      expect((await a.api.Suppressions({})).suppressions.totalCount).toBe(0);
      expect((await a.api.Suppressions({ includeLifted: true })).suppressions.totalCount).toBe(1);
      const third = await runCampaign(a, 'Third');
      expect(third.stats).toMatchObject({ sent: 2, bounced: 0 });
      expect(tries()).toBe(2);
    },
  );
});

describe('one copy per contact point', () => {
  it('two leads sharing an email get one send; the later lead is skipped as DUPLICATE_CONTACT', async () => {
    const t = await createTenant(server.url);
    const tag = `dup${Date.now()}`;
    const [shared] = await seedOptedInLeads(server.config.databaseUrl, t, 1, tag);
    await asTenant(server.config.databaseUrl, t, (db) =>
      db.query(
        `insert into leads (id, organization_id, first_name, last_name, email, created_at) values ($1, $2, ` +
          `$3, 'Twin', $4, now() + interval '1 second')`,
        [randomUUID(), t.organizationId, `${tag}-twin`, shared],
      ),
    );
    const done = await runCampaign(t, 'Dup', tag);
    expect(done.stats).toMatchObject({ total: 2, sent: 1 });
    const recipients = nodes((await t.api.Campaign({ id: done.id })).campaign.recipients);
    const byName = new Map(recipients.map((r) => [r.lead!.firstName, [r.status, r.reason]]));
    expect(byName.get(`${tag}1`)).toEqual(['SENT', null]); // the earlier lead gets the one copy
    expect(byName.get(`${tag}-twin`)).toEqual(['SKIPPED', 'DUPLICATE_CONTACT']);
    expect(delivered.filter((x) => x === shared)).toHaveLength(1);
  });
});

describe('long lists are cursor connections', () => {
  it('pages through all 1,050 recipients of a campaign and 130 inbound messages', async () => {
    const t = await createTenant(server.url);
    const tag = `many${Date.now()}`;
    await asTenant(server.config.databaseUrl, t, async (db) => {
      await db.query(
        `insert into leads (id, organization_id, first_name, last_name, email)
           select gen_random_uuid(), $1, $2 || g, 'Seller', $2 || g || '@example.com' from generate_series(1, 1050) g`,
        [t.organizationId, tag],
      );
      await db.query(
        `insert into inbound_messages (id, organization_id, channel, from_address, to_address, body, kind,
                                       provider_message_id, received_at)
           select gen_random_uuid(), $1, 'SMS', '+15125550100', '+15125550199', 'msg ' || g, 'REPLY', 'SM' || $2 || g,
                  now() - make_interval(secs => g)
             from generate_series(1, 130) g`,
        [t.organizationId, tag],
      );
    });
    const done = await runCampaign(t, 'Many', tag); // no consent: every recipient is skipped, quickly
    const seen = new Set<string>();
    let after: string | null | undefined;
    for (;;) {
      const { recipients } = (await t.api.Campaign({ id: done.id, first: 100, after })).campaign;
      expect(recipients.totalCount).toBe(1050);
      for (const r of nodes(recipients)) seen.add(r.id);
      if (!recipients.pageInfo.hasNextPage) break;
      after = recipients.pageInfo.endCursor;
    }
    expect(seen.size).toBe(1050);

    const bodies: string[] = [];
    after = undefined;
    for (;;) {
      const { inboundMessages } = await t.api.InboundMessages({ first: 50, after });
      expect(inboundMessages.totalCount).toBe(130);
      bodies.push(...nodes(inboundMessages).map((m) => m.body));
      if (!inboundMessages.pageInfo.hasNextPage) break;
      after = inboundMessages.pageInfo.endCursor;
    }
    expect(bodies).toEqual(Array.from({ length: 130 }, (_, i) => `msg ${i + 1}`)); // newest first
    expect((await gqlError(t.api.InboundMessages({ first: 101 }))).code).toBe('BAD_USER_INPUT');
  });
});
