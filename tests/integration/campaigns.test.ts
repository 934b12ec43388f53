import { randomUUID } from 'node:crypto';
import { print } from 'graphql';
import { describe, expect, it } from 'vitest';
import { CampaignProgressDocument, type CampaignProgressSubscription } from '../../client/index.js';
import { localMinutes } from '../../src/domains/outreach/send-window.js';
import { asTenant, campaignCompleted, seedOptedInLeads } from '../helpers/campaigns.js';
import { createTenant, gqlError, nodes, uniqueAddress, waitFor, type Tenant } from '../helpers/gql.js';
import { startTestServer } from '../helpers/server.js';
import { startScriptedSmtp } from '../helpers/smtp.js';
import { subscribe } from '../helpers/ws.js';

const server = await startTestServer();

type Kind = 'ok' | 'optedOut' | 'noConsent' | 'dnc' | 'noEmail' | 'otherStatus';

/** `count` leads of one kind, with the consent records that kind implies; returns their emails. */
async function seedLeads(t: Tenant, kind: Kind, count: number, tag: string): Promise<string[]> {
  const emails: string[] = [];
  await asTenant(server.config.databaseUrl, t, async (db) => {
    for (let i = 0; i < count; i++) {
      const email = kind === 'noEmail' ? null : `${kind.toLowerCase()}-${i}-${tag}@example.com`;
      await db.query(
        'insert into leads (id, organization_id, first_name, last_name, email, status) values ($1, $2, $3, $4, $5, $6)',
        [randomUUID(), t.organizationId, `First${i}${kind}`, 'Seller', email, kind === 'otherStatus' ? 'DEAD' : 'NEW'],
      );
      if (!email) continue;
      emails.push(email);
      const consent = async (status: string) =>
        db.query(
          'insert into consent_records (id, organization_id, channel, contact_point, status, source, ' +
            "recorded_at) values ($1, $2, 'EMAIL', $3, $4, 'WEB_FORM', now() - interval '1 day')",
          [randomUUID(), t.organizationId, email, status],
        );
      if (kind === 'ok' || kind === 'dnc' || kind === 'otherStatus') await consent('OPTED_IN');
      if (kind === 'optedOut') {
        await consent('OPTED_IN');
        await db.query(
          'insert into consent_records (id, organization_id, channel, contact_point, status, source, ' +
            "recorded_at) values ($1, $2, 'EMAIL', $3, 'OPTED_OUT', 'EMAIL_UNSUBSCRIBE', now())",
          [randomUUID(), t.organizationId, email],
        );
      }
      if (kind === 'dnc')
        await db.query('insert into do_not_contact (id, organization_id, contact_point) values ($1, $2, $3)', [
          randomUUID(),
          t.organizationId,
          email,
        ]);
    }
  });
  return emails;
}

async function emailTemplate(t: Tenant): Promise<string> {
  const { createTemplate } = await t.api.CreateTemplate({
    input: {
      name: `Campaign ${randomUUID().slice(0, 6)}`,
      channel: 'EMAIL',
      subject: 'Hi {{lead.firstName}}',
      body: 'Hello {{lead.fullName}}, we buy houses. — {{organization.name}}',
    },
  });
  return createTemplate.id;
}

/** A two-hour window that is open now in Central time and closed on the Pacific coast. */
function windowOpenInChicagoOnly(): { windowStartHour: number; windowEndHour: number } {
  const hour = Math.floor(localMinutes(new Date(), 'America/Chicago') / 60);
  return { windowStartHour: hour, windowEndHour: hour + 2 <= 24 ? hour + 2 : hour + 2 - 24 };
}

function received(to: string) {
  return server.deps.localSmtp!.received.filter((m) => m.envelopeTo.includes(to));
}

describe('email campaigns', () => {
  it(
    'sends a 200-lead campaign once per allowed recipient, skipping opted-out, no-consent, DNC, address-less ' +
      'and quiet-hours leads with reasons',
    async () => {
      const t = await createTenant(server.url, 'Acme Home Buyers');
      const tag = randomUUID().slice(0, 8);
      const ok = await seedLeads(t, 'ok', 160, tag);
      const optedOut = await seedLeads(t, 'optedOut', 10, tag);
      const noConsent = await seedLeads(t, 'noConsent', 10, tag);
      const dnc = await seedLeads(t, 'dnc', 5, tag);
      await seedLeads(t, 'noEmail', 5, tag);
      const outsideAudience = await seedLeads(t, 'otherStatus', 5, tag);
      // Ten leads whose property is in Nevada (Pacific time), where the window is closed now.
      const pacific: string[] = [];
      for (let i = 0; i < 10; i++) {
        const { createProperty } = await t.api.CreateProperty({
          input: { ...uniqueAddress('89101'), city: 'Las Vegas', state: 'NV' },
        });
        const email = `pacific-${i}-${tag}@example.com`;
        await t.api.CreateLead({
          input: { firstName: `Vegas${i}`, lastName: 'Owner', email, propertyId: createProperty.id },
        });
        await t.api.RecordConsent({
          input: { channel: 'EMAIL', contactPoint: email, status: 'OPTED_IN', source: 'WEB_FORM' },
        });
        pacific.push(email);
      }

      const { createCampaign } = await t.api.CreateCampaign({
        input: {
          name: 'November mailer',
          channel: 'EMAIL',
          templateId: await emailTemplate(t),
          audience: { statuses: ['NEW'] },
          ...windowOpenInChicagoOnly(),
        },
      });
      expect(createCampaign).toMatchObject({ status: 'DRAFT', stats: { total: 0 } });
      const { launchCampaign } = await t.api.LaunchCampaign({ id: createCampaign.id });
      expect(launchCampaign.status).toBe('RUNNING');
      expect(launchCampaign.stats.total).toBe(200);

      const done = await waitFor(
        async () => {
          const { campaign } = await t.api.Campaign({ id: createCampaign.id });
          return campaign.stats.queued - campaign.stats.deferred === 0 &&
            campaign.stats.deferred === 10 &&
            campaign.stats.sending === 0
            ? campaign
            : null;
        },
        30_000,
        'campaign sends',
      );
      expect(done.stats).toMatchObject({ total: 200, sent: 160, skipped: 30, deferred: 10, failed: 0 });
      expect(done.stats.skippedByReason).toEqual([
        { reason: 'NO_CONSENT', count: 10 },
        { reason: 'OPTED_OUT', count: 10 },
        { reason: 'DNC', count: 5 },
        { reason: 'INVALID_ADDRESS', count: 5 },
      ]);
      expect(done.status).toBe('RUNNING'); // the Pacific leads are still waiting for their window

      // Every allowed recipient got exactly one email, with its own merge fields; nobody else got any.
      for (const [i, email] of ok.entries()) {
        const mails = received(email);
        expect(mails, email).toHaveLength(1);
        expect(mails[0]!.parsed.subject).toBe(`Hi First${i}ok`);
        expect(mails[0]!.parsed.text).toMatch(
          new RegExp(
            `^Hello First${i}ok Seller, we buy houses\\. — Acme Home Buyers\\n\\n--\\nTo stop receiving these ` +
              `emails: http://\\S+/u/[\\w-]{64}\\n?$`,
          ),
        );
        expect(mails[0]!.parsed.headerLines.find((l) => l.key === 'x-reos-campaign-id')?.line).toContain(
          createCampaign.id,
        );
      }
      for (const email of [...optedOut, ...noConsent, ...dnc, ...outsideAudience, ...pacific])
        expect(received(email), email).toEqual([]);

      const { campaign: deferred } = await t.api.Campaign({ id: createCampaign.id, status: 'QUEUED' });
      expect(nodes(deferred.recipients)).toHaveLength(10);
      for (const r of nodes(deferred.recipients)) {
        expect(r).toMatchObject({ reason: 'QUIET_HOURS_DEFERRED', timeZone: 'America/Los_Angeles' });
        expect(localMinutes(new Date(r.deferredUntil!), 'America/Los_Angeles')).toBe(done.windowStartHour * 60);
      }
      const { campaign: sent } = await t.api.Campaign({ id: createCampaign.id, status: 'SENT', first: 1 });
      const { lead } = await t.api.Lead({ id: nodes(sent.recipients)[0]!.lead!.id });
      expect(lead.activities).toEqual([
        expect.objectContaining({ type: 'EMAIL', direction: 'OUTBOUND', outcome: 'SENT (campaign November mailer)' }),
      ]);

      // Cancelling ends the wait: the deferred sends are cancelled, not sent later.
      const { cancelCampaign } = await t.api.CancelCampaign({ id: createCampaign.id });
      expect(cancelCampaign).toMatchObject({ status: 'CANCELLED', stats: { cancelled: 10, queued: 0, sent: 160 } });
    },
  );

  it('pauses and resumes: nothing is sent while paused, everything once after', async () => {
    const t = await createTenant(server.url);
    const tag = randomUUID().slice(0, 8);
    const emails = await seedLeads(t, 'ok', 20, tag);
    const { createCampaign } = await t.api.CreateCampaign({
      input: {
        name: 'Later',
        channel: 'EMAIL',
        templateId: await emailTemplate(t),
        startAt: new Date(Date.now() + 1_500).toISOString(),
        windowStartHour: 0,
        windowEndHour: 24,
      },
    });
    expect((await t.api.LaunchCampaign({ id: createCampaign.id })).launchCampaign.status).toBe('SCHEDULED');
    expect((await t.api.PauseCampaign({ id: createCampaign.id })).pauseCampaign.status).toBe('PAUSED');
    await new Promise((r) => setTimeout(r, 2_500)); // past the start time: the jobs ran and found the campaign paused
    expect(emails.flatMap(received)).toEqual([]);
    expect((await t.api.Campaign({ id: createCampaign.id })).campaign.stats).toMatchObject({ queued: 20, sent: 0 });
    expect((await gqlError(t.api.LaunchCampaign({ id: createCampaign.id }))).code).toBe('BAD_USER_INPUT');
    expect((await t.api.ResumeCampaign({ id: createCampaign.id })).resumeCampaign.status).toBe('RUNNING');
    const completed = await campaignCompleted(t, createCampaign.id, 60_000);
    expect(completed.stats).toMatchObject({ total: 20, sent: 20 });
    expect(completed.completedAt).toBeTruthy();
    for (const email of emails) expect(received(email), email).toHaveLength(1);
    expect((await gqlError(t.api.ResumeCampaign({ id: createCampaign.id }))).message).toContain('COMPLETED');
  });

  it('skips leads another campaign emailed within the frequency cap', async () => {
    const t = await createTenant(server.url);
    const emails = await seedLeads(t, 'ok', 3, randomUUID().slice(0, 8));
    const templateId = await emailTemplate(t);
    const run = async (frequencyCapDays?: number) => {
      const { createCampaign } = await t.api.CreateCampaign({
        input: {
          name: `Run ${frequencyCapDays}`,
          channel: 'EMAIL',
          templateId,
          windowStartHour: 0,
          windowEndHour: 24,
          frequencyCapDays,
        },
      });
      await t.api.LaunchCampaign({ id: createCampaign.id });
      return campaignCompleted(t, createCampaign.id, 60_000);
    };
    expect((await run()).stats.sent).toBe(3);
    const capped = await run(7);
    expect(capped.stats).toMatchObject({
      sent: 0,
      skipped: 3,
      skippedByReason: [{ reason: 'FREQUENCY_CAP', count: 3 }],
    });
    for (const email of emails) expect(received(email)).toHaveLength(1);
  });

  it('streams progress to its organization only, until COMPLETED', async () => {
    const a = await createTenant(server.url);
    const b = await createTenant(server.url);
    await seedLeads(a, 'ok', 30, randomUUID().slice(0, 8));
    const { createCampaign } = await a.api.CreateCampaign({
      input: {
        name: 'Live',
        channel: 'EMAIL',
        templateId: await emailTemplate(a),
        windowStartHour: 0,
        windowEndHour: 24,
      },
    });
    const query = print(CampaignProgressDocument);
    const subA = await subscribe<CampaignProgressSubscription>(server.wsUrl, a.token, query, {
      variables: { id: createCampaign.id },
    } as never);
    const subB = await subscribe<CampaignProgressSubscription>(server.wsUrl, b.token, query, {
      variables: { id: createCampaign.id },
    } as never);
    await a.api.LaunchCampaign({ id: createCampaign.id });
    const seen: CampaignProgressSubscription['campaignProgress'][] = [];
    while (seen.at(-1)?.status !== 'COMPLETED') seen.push((await subA.next(15_000)).campaignProgress);
    expect(seen[0]!.status).toBe('RUNNING');
    expect(seen.at(-1)!.stats).toMatchObject({ sent: 30, queued: 0 });
    expect(await subB.quiet(300)).toBe(true);
    await Promise.all([subA.close(), subB.close()]);
  });

  it('refuses bad campaigns and keeps each organization’s campaigns to itself', async () => {
    const a = await createTenant(server.url);
    const b = await createTenant(server.url);
    const templateId = await emailTemplate(a);
    const { createTemplate: sms } = await a.api.CreateTemplate({
      input: { name: 'Text', channel: 'SMS', body: 'Hi {{lead.firstName}}' },
    });
    const bad = async (input: Record<string, unknown>) =>
      (await gqlError(a.api.CreateCampaign({ input: { name: 'X', channel: 'EMAIL', templateId, ...input } as never })))
        .extensions.field;
    expect(await bad({ templateId: sms.id })).toBe('input.templateId');
    expect(await bad({ windowStartHour: 25 })).toBe('input.windowStartHour');
    expect(await bad({ windowStartHour: 9, windowEndHour: 9 })).toBe('input.windowEndHour');
    expect(await bad({ frequencyCapDays: 0 })).toBe('input.frequencyCapDays');
    const { createCampaign } = await a.api.CreateCampaign({
      input: { name: 'Nobody', channel: 'EMAIL', templateId, audience: { search: 'no-such-lead-anywhere' } },
    });
    expect((await gqlError(a.api.LaunchCampaign({ id: createCampaign.id }))).message).toContain('no leads');
    const { createCampaign: smsCampaign } = await a.api.CreateCampaign({
      input: { name: 'Texts', channel: 'SMS', templateId: sms.id },
    });
    expect((await gqlError(a.api.LaunchCampaign({ id: smsCampaign.id }))).message).toContain('SMS number first');
    expect((await a.api.Campaign({ id: smsCampaign.id })).campaign).toMatchObject({
      status: 'DRAFT',
      stats: { total: 0 },
    });
    expect((await a.api.Campaign({ id: createCampaign.id })).campaign.status).toBe('DRAFT');
    // Another organization: not found, whatever it tries; and its templates are not usable.
    for (const call of [
      () => b.api.Campaign({ id: createCampaign.id }),
      () => b.api.LaunchCampaign({ id: createCampaign.id }),
      () => b.api.CancelCampaign({ id: createCampaign.id }),
    ]) {
      expect((await gqlError(call())).code).toBe('NOT_FOUND');
    }
    expect(
      (await gqlError(b.api.CreateCampaign({ input: { name: 'Theirs', channel: 'EMAIL', templateId } }))).extensions
        .field,
    ).toBe('input.templateId');
    expect((await b.api.Campaigns()).campaigns).toEqual([]);
    expect((await a.api.Campaign({ id: createCampaign.id })).campaign.status).toBe('DRAFT');
  });
});

describe('unsubscribing from a campaign email', () => {
  it('the link and one-click header opt the address out; later campaigns skip it; tampered tokens 404', async () => {
    const t = await createTenant(server.url);
    const [email] = await seedLeads(t, 'ok', 1, randomUUID().slice(0, 8));
    const templateId = await emailTemplate(t);
    const run = async () => {
      const { createCampaign } = await t.api.CreateCampaign({
        input: {
          name: `U ${randomUUID().slice(0, 4)}`,
          channel: 'EMAIL',
          templateId,
          windowStartHour: 0,
          windowEndHour: 24,
        },
      });
      await t.api.LaunchCampaign({ id: createCampaign.id });
      return campaignCompleted(t, createCampaign.id, 60_000);
    };
    expect((await run()).stats.sent).toBe(1);
    const [mail] = received(email!);
    const header = mail!.parsed.headerLines.find((l) => l.key === 'list-unsubscribe')!.line;
    const url = /<(http[^>]+)>/.exec(header)![1]!;
    expect(mail!.parsed.headerLines.find((l) => l.key === 'list-unsubscribe-post')?.line).toBe(
      'List-Unsubscribe-Post: List-Unsubscribe=One-Click',
    );
    expect(mail!.parsed.html).toContain(`href="${url}"`);

    // A GET (what link scanners do) only asks; the POST unsubscribes, once.
    const get = await fetch(url);
    expect(get.status).toBe(200);
    expect(await get.text()).toContain('<form method="post">');
    expect((await t.api.ConsentStatus({ channel: 'EMAIL', contactPoint: email! })).consentStatus.allowed).toBe(true);
    for (let i = 0; i < 2; i++) {
      const post = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'List-Unsubscribe=One-Click',
      });
      expect(post.status).toBe(200);
    }
    expect((await t.api.ConsentStatus({ channel: 'EMAIL', contactPoint: email! })).consentStatus).toMatchObject({
      allowed: false,
      reason: 'OPTED_OUT',
      latest: { source: 'EMAIL_UNSUBSCRIBE' },
    });
    expect(
      (await t.api.ConsentHistory({ channel: 'EMAIL', contactPoint: email! })).consentHistory.filter(
        (r) => r.status === 'OPTED_OUT',
      ),
    ).toHaveLength(1);

    const second = await run();
    expect(second.stats).toMatchObject({ sent: 0, skippedByReason: [{ reason: 'OPTED_OUT', count: 1 }] });
    expect(received(email!)).toHaveLength(1);

    const token = url.split('/u/')[1]!;
    const tampered = `${token.slice(0, 10)}${token[10] === 'A' ? 'B' : 'A'}${token.slice(11)}`;
    expect((await fetch(url.replace(token, tampered), { method: 'POST' })).status).toBe(404);
    expect((await fetch(url.replace(token, 'short'))).status).toBe(404);
  });
});

describe('a campaign send that fails all its attempts', () => {
  it(
    'lands in the dead-letter list, marks the recipient FAILED, and on replay sends exactly once; a 5xx is ' +
      'BOUNCED, not retried',
    async () => {
      let down = true;
      let bounceTo = '';
      const flaky = await startScriptedSmtp((address) =>
        address === bounceTo
          ? { code: 550, message: '5.1.1 mailbox unavailable' }
          : down
            ? { code: 451, message: '4.3.2 try again later' }
            : null,
      );
      const { delivered } = flaky;
      const api = await startTestServer({ config: { smtpUrl: flaky.url, jobAttempts: 2, jobBackoffMs: 20 } });
      try {
        const t = await createTenant(api.url);
        const [email, bouncing] = await seedOptedInLeads(api.config.databaseUrl, t, 2, 'flaky');
        bounceTo = bouncing!;
        const { createTemplate } = await t.api.CreateTemplate({
          input: { name: 'One', channel: 'EMAIL', subject: 'Hi', body: 'Hello {{lead.firstName}}' },
        });
        const { createCampaign } = await t.api.CreateCampaign({
          input: {
            name: 'Flaky',
            channel: 'EMAIL',
            templateId: createTemplate.id,
            windowStartHour: 0,
            windowEndHour: 24,
          },
        });
        await t.api.LaunchCampaign({ id: createCampaign.id });
        const dead = await waitFor(
          async () => (await t.api.FailedJobs({ queue: 'email' })).failedJobs.edges[0]?.node,
          30_000,
          'dead letter',
        );
        expect(dead).toMatchObject({
          jobName: 'campaign-send',
          attempts: 2,
          lastError: expect.stringContaining('try again later'),
        });
        const failed = await campaignCompleted(t, createCampaign.id, 10_000);
        expect(failed.stats).toMatchObject({ failed: 1, bounced: 1, sent: 0 });
        expect(
          nodes((await t.api.Campaign({ id: createCampaign.id, status: 'BOUNCED' })).campaign.recipients),
        ).toMatchObject([{ toAddress: bouncing, error: expect.stringContaining('5.1.1'), sentAt: null }]);
        expect(delivered).toEqual([]);

        down = false;
        await t.api.ReplayJob({ id: dead.id });
        const sent = await campaignCompleted(t, createCampaign.id, 10_000, (c) => c.stats.sent === 1);
        expect(sent.stats).toMatchObject({ failed: 0, bounced: 1, sent: 1 });
        expect(delivered).toEqual([email]);
        // the bounce made no dead letter
        expect((await t.api.FailedJobs({ queue: 'email' })).failedJobs.edges).toHaveLength(1);
        expect((await gqlError(t.api.ReplayJob({ id: dead.id }))).code).toBe('BAD_USER_INPUT');
        await new Promise((r) => setTimeout(r, 300));
        expect(delivered).toEqual([email]);
      } finally {
        await flaky.close();
      }
    },
  );
});
