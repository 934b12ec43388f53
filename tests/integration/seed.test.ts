import { describe, expect, it } from 'vitest';
import { DEMO, seed } from '../../src/cli/seed.js';
import { sdk } from '../helpers/gql.js';
import { startTestServer } from '../helpers/server.js';

const server = await startTestServer({ workers: false });

describe('npm run seed', () => {
  it('creates a demo organization to sign in to, with deals in every stage; a second run does nothing', async () => {
    const first = await seed(server.deps, { properties: 24, deals: 16 });
    expect(first.created).toBe(true);
    const { login } = await sdk(server.url).Login({ input: { email: DEMO.email, password: DEMO.password } });
    const api = sdk(server.url, login.accessToken);
    const { pipeline } = await api.Pipeline();
    expect(pipeline.every((s) => s.count >= 1)).toBe(true);
    const { properties } = await api.Properties({ first: 5 });
    expect(properties.totalCount).toBe(24);
    const { lead } = await api.Lead({ id: (await api.Leads({ first: 1 })).leads.edges[0]!.node.id });
    expect(lead.activities.length).toBeGreaterThan(0);
    expect((await api.Users()).users).toHaveLength(4);

    const again = await seed(server.deps, { properties: 24, deals: 16 });
    expect(again).toEqual({ created: false, organizationId: first.organizationId });
  });
});
