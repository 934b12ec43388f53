import { describe, expect, it } from 'vitest';
import { DEMO, seed } from '../../src/cli/seed.js';
import { createTenant, gqlError, sdk } from '../helpers/gql.js';
import { startTestServer } from '../helpers/server.js';

const server = await startTestServer({ workers: false });

describe('npm run seed', () => {
  it('creates a demo organization to sign in to, with deals in every stage; a second run does nothing', async () => {
    // Another organization already has the first demo SMS number (this one, or one of another test of
    // this database, which refuses it here): the demo takes the next free one.
    const other = await createTenant(server.url);
    await other.api.SetOrganizationSmsNumber({ number: '+15125550100' }).catch(async (e: unknown) => {
      expect((await gqlError(Promise.reject(e))).message).toBe('Another organization already uses this number');
    });
    const first = await seed(server.deps, { properties: 24, deals: 16 });
    expect(first.created).toBe(true);
    const { login } = await sdk(server.url).Login({ input: { email: DEMO.email, password: DEMO.password } });
    const api = sdk(server.url, login.accessToken);
    const res = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${login.accessToken}` },
      body: JSON.stringify({ query: '{ organization { smsNumber } }' }),
    });
    const { data } = (await res.json()) as { data: { organization: { smsNumber: string } } };
    expect(data.organization.smsNumber).toMatch(/^\+151255501(0[1-9]|[1-9]\d)$/);
    const { pipeline } = await api.Pipeline();
    expect(pipeline.every((s) => s.count >= 1)).toBe(true);
    const { properties } = await api.Properties({ first: 5 });
    expect(properties.totalCount).toBe(24);
    const contacted = await api.Leads({ first: 1, filter: { contacted: true } });
    const { lead } = await api.Lead({ id: contacted.leads.edges[0]!.node.id });
    expect(lead.activities.length).toBeGreaterThan(0);
    // The follow-up: a "New lead" sequence, the rule that feeds it, and three web leads for it.
    expect((await api.Sequences({})).sequences.map((s) => s.name)).toContain('New lead');
    expect((await api.AutomationRules()).automationRules.map((r) => r.name)).toEqual(['Round-robin new web leads']);
    expect((await api.Leads({ first: 5, filter: { sources: ['PPC', 'SEO'] } })).leads.totalCount).toBeGreaterThan(2);
    expect((await api.Users()).users).toHaveLength(4);
    // Two years of history and spend, so every analytics section has something to show.
    const { analytics } = await api.Analytics({ range: { preset: 'ALL_TIME' }, bucket: 'MONTH' });
    expect(analytics.range.from < new Date(Date.now() - 300 * 86_400_000).toISOString().slice(0, 10)).toBe(true);
    expect(analytics.funnel[0]!.count).toBeGreaterThan(10);
    expect(analytics.sourceRoi.find((r) => r.source === 'DIRECT_MAIL')!.spend).toBeGreaterThan(20 * 2_000);
    expect(analytics.revenue.series.length).toBeGreaterThan(12);

    const again = await seed(server.deps, { properties: 24, deals: 16 });
    expect(again).toEqual({ created: false, organizationId: first.organizationId });
  });
});
