import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../helpers/server.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const NODE = join(ROOT, 'node_modules/.bin/node');
const server = await startTestServer({ workers: false, config: { persistedOperations: 'only' } });
const scratch = mkdtempSync(join(tmpdir(), 'reos-sdk-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** What another project does: a scratch package that installs the packed SDK with its peers, and uses it. */
const consumer = `
import { createApi, createLive, PipelineEventsDocument, sha256 } from '@real-estate-os/client';

const [url, wsUrl] = process.argv.slice(2);
const api = createApi(url, { persisted: true });
const email = 'sdk-' + Date.now() + '@example.com';
const { register } = await api.Register({
  input: { email, password: 'correct-horse-battery', name: 'Sam Sdk', organizationName: 'SDK Org' },
});
let token = register.session.accessToken; // the test server signs a new owner in at once (SIGNUP_VERIFICATION=false)
const authed = createApi(url, { token: () => token, persisted: true, get: true });
const { me } = await authed.Me();

const live = createLive(wsUrl, { token: () => token, persisted: true });
const events = [];
const connected = new Promise((resolve) => live.client.on('connected', resolve));
const stop = live.subscribe(PipelineEventsDocument, {}, {
  next: (d) => events.push(d.pipelineEvents.type),
  error: (e) => console.error(JSON.stringify(e)),
});
await connected;
await new Promise((r) => setTimeout(r, 200));
const { createProperty } = await authed.CreateProperty({
  input: { addressLine: '12 Sdk Lane', city: 'Austin', state: 'TX', zip: '78745' },
});
const { createLead } = await authed.CreateLead({
  input: { firstName: 'Pat', lastName: 'Package', propertyId: createProperty.id },
});
await authed.CreateDeal({ input: { leadId: createLead.id, propertyId: createProperty.id } });
for (let i = 0; i < 100 && !events.includes('DEAL_CREATED'); i++) await new Promise((r) => setTimeout(r, 50));
stop();
await live.dispose();
const hasSubscriptionOverHttp = 'PipelineEvents' in authed;
const hash = sha256('{ __typename }');
console.log(JSON.stringify({ me: me.email === email, events, hasSubscriptionOverHttp, hash }));
`;

const typed = `
import { createApi, type PropertiesQuery } from '@real-estate-os/client';
const api = createApi('http://127.0.0.1:1/graphql', { token: 't' });
export async function firstAddress(): Promise<string | undefined> {
  const page: PropertiesQuery = await api.Properties({ first: 5 });
  return page.properties.edges[0]?.node.addressLine;
}
// @ts-expect-error subscriptions are not part of the HTTP SDK
void api.PipelineEvents;
`;

describe('the SDK as a package', () => {
  it(
    'packs, installs into another project with its peers, type-checks, and runs a query and a subscription ' +
      '(hash-only, trusted documents)',
    async () => {
      execFileSync('npm', ['pack', '--pack-destination', scratch], { cwd: join(ROOT, 'client'), stdio: 'pipe' });
      const tarball = readdirSync(scratch).find((f) => f.endsWith('.tgz'))!;
      writeFileSync(join(scratch, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
      const peers = ['graphql@16', 'graphql-request@7', 'graphql-ws@6'];
      execFileSync(
        'npm',
        ['install', `./${tarball}`, ...peers, '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'],
        { cwd: scratch, stdio: 'pipe' },
      );
      writeFileSync(join(scratch, 'consumer.mjs'), consumer);
      writeFileSync(join(scratch, 'typed.ts'), typed);
      const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
      execFileSync(
        NODE,
        [
          tsc,
          '--noEmit',
          '--strict',
          '--module',
          'nodenext',
          '--moduleResolution',
          'nodenext',
          '--lib',
          'es2022,dom',
          'typed.ts',
        ],
        { cwd: scratch, stdio: 'pipe' },
      );

      // Asynchronously: the server answering it runs in this process.
      const { stdout: out } = await promisify(execFile)(NODE, ['consumer.mjs', server.url, server.wsUrl], {
        cwd: scratch,
        encoding: 'utf8',
        timeout: 60_000,
      });
      const result = JSON.parse(out.trim().split('\n').at(-1)!) as {
        me: boolean;
        events: string[];
        hasSubscriptionOverHttp: boolean;
        hash: string;
      };
      expect(result.me).toBe(true);
      expect(result.events).toContain('DEAL_CREATED');
      expect(result.hasSubscriptionOverHttp).toBe(false);
      // the pure-JS hash agrees with Node's
      expect(result.hash).toBe(createHash('sha256').update('{ __typename }').digest('hex'));
    },
    120_000,
  );
});
