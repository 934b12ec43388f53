import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Config } from '../src/platform/config.js';
import { startLocalSmtp } from '../src/platform/mail/local-smtp.js';
import { apiEnv, fmt, median, percentile, spawnService } from './lib.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const ROUNDS = 5;
const PER_ROUND = 40;
const EXISTING = 50;
const REGISTER = `mutation($input: RegisterInput!) {
  register(input: $input) { email verificationRequired session { accessToken } }
}`;

/**
 * Whether `register` tells by its timing that an address has an account: this API as deployed
 * (production, email verification on, rate limits raised out of the way) answers sign-ups for new
 * addresses and for addresses with an account, one at a time, in alternating rounds; the answer's
 * time is measured at the client. The two should be the same: the same work is done either way.
 */
export async function benchRegister(config: Config): Promise<Record<string, unknown>> {
  const db = new pg.Client({ connectionString: config.databaseOwnerUrl });
  await db.connect();
  const tag = randomUUID().slice(0, 8);
  const org = randomUUID();
  await db.query(`insert into organizations (id, name) values ($1, 'register bench')`, [org]);
  await db.query(
    `insert into users (id, organization_id, email, name, role, password_hash)
     select gen_random_uuid(), $1, 'taken-' || i || '-' || $2 || '@example.com', 'Taken', 'AGENT', 'x'
       from generate_series(1, $3::int) as i`,
    [org, tag, EXISTING],
  );
  await db.end();
  // The mail relay is another process, as in a deployment (an SMTP server inside the API would
  // parse every message in the API's own event loop, which is not what is being measured).
  const relay = await startLocalSmtp();
  const app = await spawnService(
    `${ROOT}dist/src/main.js`,
    ['--no-worker'],
    apiEnv(config, { RATE_LIMIT_AUTH_MULTIPLIER: '1000', SMTP_URL: relay.url }),
    'api listening',
  );
  let n = 0;
  const address = {
    fresh: () => `fresh-${++n}-${tag}@example.com`,
    taken: () => `taken-${1 + (n++ % EXISTING)}-${tag}@example.com`,
  };
  const once = async (email: string): Promise<number> => {
    const body = JSON.stringify({
      query: REGISTER,
      variables: { input: { email, password: 'long-enough-pw', name: 'Bench', organizationName: 'Bench' } },
    });
    const t = performance.now();
    const res = await fetch(app.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const json = (await res.json()) as { data?: { register?: { verificationRequired: boolean } } };
    if (!json.data?.register?.verificationRequired) throw new Error(`register failed: ${JSON.stringify(json)}`);
    return performance.now() - t;
  };
  for (let i = 0; i < 10; i++) await Promise.all([once(address.fresh()), once(address.taken())]);
  const rounds = {
    fresh: { p50: [] as number[], p95: [] as number[] },
    taken: { p50: [] as number[], p95: [] as number[] },
  };
  for (let r = 0; r < ROUNDS; r++)
    for (const kind of r % 2 ? (['taken', 'fresh'] as const) : (['fresh', 'taken'] as const)) {
      const times: number[] = [];
      for (let i = 0; i < PER_ROUND; i++) times.push(await once(address[kind]()));
      times.sort((a, b) => a - b);
      rounds[kind].p50.push(percentile(times, 50));
      rounds[kind].p95.push(percentile(times, 95));
    }
  await app.stop();
  const mails = { codes: 0, notes: 0 };
  for (const m of relay.received) /Finish creating/.test(m.parsed.subject ?? '') ? mails.codes++ : mails.notes++;
  await relay.close();
  const out = {
    mails,
    freshP50: median(rounds.fresh.p50),
    freshP95: median(rounds.fresh.p95),
    takenP50: median(rounds.taken.p50),
    takenP95: median(rounds.taken.p95),
  };
  console.log(
    `\nregister with email verification (${ROUNDS} alternating rounds of ${PER_ROUND} sequential sign-ups)\n` +
      `  new address:           p50 ${fmt(out.freshP50)} ms  p95 ${fmt(out.freshP95)} ms\n` +
      `  address with account:  p50 ${fmt(out.takenP50)} ms  p95 ${fmt(out.takenP95)} ms  ` +
      `(taken/new p50 ×${fmt(out.takenP50 / out.freshP50, 2)}, p95 ×${fmt(out.takenP95 / out.freshP95, 2)})\n` +
      `  mail at the relay: ${mails.codes} sign-up codes, ${mails.notes} "you already have an account" notes`,
  );
  return { register: out };
}
