import { describe, expect, it } from 'vitest';
import { campaignCompleted, seedOptedInLeads } from '../helpers/campaigns.js';
import { createTenant, nodes, waitFor, type Tenant } from '../helpers/gql.js';
import { startTestServer } from '../helpers/server.js';

const server = await startTestServer();
const base = server.url.replace(/\/graphql$/, '');

async function sendCampaign(t: Tenant, prefix: string, count: number): Promise<{ id: string; emails: string[] }> {
  const emails = await seedOptedInLeads(server.config.databaseUrl, t, count, prefix);
  const { createTemplate } = await t.api.CreateTemplate({
    input: {
      name: `Offer ${prefix}`,
      channel: 'EMAIL',
      subject: 'An offer',
      body: 'Hi {{lead.firstName}},\n\nSee our offer: https://offers.example.com/p?id=7&src=mail.\nOr call us.',
    },
  });
  const { createCampaign } = await t.api.CreateCampaign({
    input: {
      name: `Tracked ${prefix}`,
      channel: 'EMAIL',
      templateId: createTemplate.id,
      audience: { search: prefix },
      windowStartHour: 0,
      windowEndHour: 24,
    },
  });
  await t.api.LaunchCampaign({ id: createCampaign.id });
  await campaignCompleted(t, createCampaign.id);
  return { id: createCampaign.id, emails };
}

const mailTo = (email: string) => server.deps.localSmtp!.received.find((m) => m.envelopeTo.includes(email))!.parsed;

describe('email open and click tracking', () => {
  it(
    'tracks opens and clicks per recipient, redirects only to the linked URL, and records each first on the ' +
      'timeline',
    async () => {
      const a = await createTenant(server.url);
      const prefix = `trk${Date.now()}`;
      const { id, emails } = await sendCampaign(a, prefix, 2);
      const mail = mailTo(emails[0]!);
      // Both parts link through /t/c/; the HTML part carries the pixel; the original URL is not in the text.
      const click = /(http:\/\/\S+\/t\/c\/[A-Za-z0-9_-]+)/.exec(mail.text!)![1]!;
      expect(mail.text).not.toContain('offers.example.com');
      expect(mail.text).toContain(`${click}.\nOr call us.`); // the sentence's full stop stays outside the link
      const html = String(mail.html);
      expect(html).toContain(`<a href="${click}">https://offers.example.com/p?id=7&amp;src=mail</a>`);
      const pixel = /<img src="(http:\/\/[^"]+\/t\/o\/[A-Za-z0-9_-]+)"/.exec(html)![1]!;

      const recipient = async (email: string) =>
        nodes((await a.api.Campaign({ id, first: 10 })).campaign.recipients).find((r) => r.toAddress === email)!;
      expect((await recipient(emails[0]!)).status).toBe('SENT');
      for (let i = 0; i < 2; i++) {
        const res = await fetch(pixel);
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toBe('image/gif');
        expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(30);
      }
      const opened = await waitFor(
        async () => ((await recipient(emails[0]!)).status === 'OPENED' ? recipient(emails[0]!) : null),
        30_000,
        'opened',
      );
      expect(opened.openedAt).toBeTruthy();

      const res = await fetch(click, { redirect: 'manual' });
      expect(res.status).toBe(302);
      expect(res.headers.get('location')).toBe('https://offers.example.com/p?id=7&src=mail');
      await fetch(click, { redirect: 'manual' });
      const clicked = await recipient(emails[0]!);
      expect(clicked).toMatchObject({ status: 'CLICKED', openedAt: opened.openedAt, clickedAt: expect.any(String) });
      // A click without the pixel (images blocked) counts as an open too.
      const other = mailTo(emails[1]!);
      await fetch(/(http:\/\/\S+\/t\/c\/[A-Za-z0-9_-]+)/.exec(other.text!)![1]!, { redirect: 'manual' });
      expect(await recipient(emails[1]!)).toMatchObject({ status: 'CLICKED', openedAt: expect.any(String) });

      const { campaign } = await a.api.Campaign({ id });
      expect(campaign.stats).toMatchObject({ sent: 2, clicked: 2, opened: 0 });
      const leadId = nodes(campaign.recipients).find((r) => r.toAddress === emails[0])!.lead!.id;
      const timeline = (await a.api.Lead({ id: leadId })).lead.activities.filter((x) => x.direction === 'INBOUND');
      // once each, though both were repeated
      expect(timeline.map((x) => x.outcome).sort()).toEqual(['CLICKED', 'OPENED']);
      expect(timeline.find((x) => x.outcome === 'CLICKED')!.body).toBe(
        'Followed https://offers.example.com/p?id=7&src=mail',
      );
    },
  );

  it('refuses forged or altered tokens without recording anything', async () => {
    const a = await createTenant(server.url);
    const b = await createTenant(server.url);
    const prefix = `forge${Date.now()}`;
    const { id, emails } = await sendCampaign(a, prefix, 1);
    const mail = mailTo(emails[0]!);
    const click = /\/t\/c\/([A-Za-z0-9_-]+)/.exec(mail.text!)![1]!;
    const pixel = /\/t\/o\/([A-Za-z0-9_-]+)/.exec(String(mail.html))![1]!;
    const raw = Buffer.from(click, 'base64url');
    // Point the signed link somewhere else, or at another organization: the signature no longer fits.
    const redirected = Buffer.concat([
      raw.subarray(0, 32),
      Buffer.from('https://evil.example.net/'),
      raw.subarray(raw.length - 16),
    ]).toString('base64url');
    const otherOrg = Buffer.concat([Buffer.from(b.organizationId.replace(/-/g, ''), 'hex'), raw.subarray(16)]).toString(
      'base64url',
    );
    for (const token of [redirected, otherOrg, 'not-a-token', `${click.slice(0, -2)}AA`]) {
      const res = await fetch(`${base}/t/c/${token}`, { redirect: 'manual' });
      expect(res.status).toBe(404);
      expect(res.headers.get('location')).toBeNull();
    }
    const forgedPixel = await fetch(`${base}/t/o/${pixel.slice(0, -2)}AA`);
    expect(forgedPixel.status).toBe(200); // a pixel always answers, and says nothing
    await new Promise((r) => setTimeout(r, 300));
    const { campaign } = await a.api.Campaign({ id });
    expect(nodes(campaign.recipients)[0]).toMatchObject({ status: 'SENT', openedAt: null, clickedAt: null });
    expect(campaign.stats).toMatchObject({ opened: 0, clicked: 0 });
  });
});
