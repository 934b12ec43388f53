import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { createTenant } from '../helpers/gql.js';
import { testConfig } from '../helpers/env.js';
import { startApiProcess } from '../helpers/process.js';

/** One POST on a connection of its own; resolves with the status (or the network error's code) once answered. */
function send(url: URL, token: string, written: () => void): Promise<number | string> {
  return new Promise((resolve) => {
    const body = JSON.stringify({
      query: '{ properties(first: 20) { totalCount edges { node { id addressLine } } } }',
    });
    const req = request(url, {
      method: 'POST',
      agent: false,
      headers: {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
        authorization: `Bearer ${token}`,
      },
    });
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', (err) => resolve((err as NodeJS.ErrnoException).code ?? 'ERROR'));
    req.end(body, written);
  });
}

describe('SIGTERM', () => {
  // Development mode: Apollo would install its own signal handlers there (not under NODE_ENV=test).
  for (const [mode, args] of [
    ['API only', ['--no-worker']],
    ['API and workers', []],
  ] as const) {
    it(`${mode}: answers all 200 requests in flight, then exits 0`, async () => {
      const api = await startApiProcess(testConfig(), [...args], { NODE_ENV: 'development', SEED_DEMO: 'false' });
      const t = await createTenant(api.url);
      const url = new URL(api.url);
      let sent = 0;
      let allWritten = () => {};
      const written = new Promise<void>((resolve) => (allWritten = resolve));
      const pending = Array.from({ length: 200 }, () => send(url, t.token, () => ++sent === 200 && allWritten()));
      await written;
      await Promise.race(pending); // the server is answering them
      const exited = api.stop(); // SIGTERM
      const statuses = await Promise.all(pending);
      expect(
        statuses.filter((s) => s !== 200),
        JSON.stringify([...new Set(statuses)]),
      ).toHaveLength(0);
      expect(await exited).toBe(0);
    }, 60_000);
  }
});
