import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderError } from '../../src/platform/providers/geocoder/Geocoder.js';
import { HttpGeocoder } from '../../src/platform/providers/geocoder/HttpGeocoder.js';

/** A provider on loopback whose answer depends on the street it is asked about. */
let server: Server;
let base: string;
const seen: URLSearchParams[] = [];
beforeAll(async () => {
  server = createServer((req, res) => {
    const q = new URL(req.url!, 'http://x').searchParams;
    seen.push(q);
    const street = q.get('street') ?? '';
    const json = (status: number, body: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (street.startsWith('1 '))
      return json(200, { matches: [{ lat: 30.27, lng: -97.74, county: 'Travis', score: 0.97 }] });
    if (street.startsWith('2 ')) return json(200, { matches: [] });
    if (street.startsWith('3 ')) return json(404, { error: 'no match' });
    if (street.startsWith('4 ')) return json(503, { error: 'down' });
    if (street.startsWith('5 ')) return json(400, { error: 'bad address' });
    if (street.startsWith('6 ')) return void setTimeout(() => json(200, { matches: [] }), 2_000);
    res.writeHead(200, { 'content-type': 'text/html' }).end('<html>oops</html>');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/geocode`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const q = (street: string) => ({ addressLine: street, city: 'Austin', state: 'TX', zip: '78701' });

describe('HttpGeocoder against a provider over real HTTP', () => {
  it('sends the address and maps a match', async () => {
    const g = new HttpGeocoder(base, 500);
    expect(await g.geocode(q('1 Main St'))).toEqual({
      latitude: 30.27,
      longitude: -97.74,
      county: 'Travis',
      confidence: 0.97,
    });
    expect(Object.fromEntries(seen.at(-1)!)).toEqual({
      street: '1 Main St',
      city: 'Austin',
      state: 'TX',
      zip: '78701',
    });
  });

  it('treats an empty match list and 404 as "no match"', async () => {
    const g = new HttpGeocoder(base, 500);
    expect(await g.geocode(q('2 Main St'))).toBeNull();
    expect(await g.geocode(q('3 Main St'))).toBeNull();
  });

  it('classifies failures: 5xx, timeouts and bad bodies are transient, 4xx is permanent', async () => {
    const g = new HttpGeocoder(base, 300);
    const err = (street: string) =>
      g.geocode(q(street)).then(
        () => null,
        (e: unknown) => e as ProviderError,
      );
    expect(await err('4 Main St')).toMatchObject({ name: 'ProviderError', transient: true });
    expect(await err('5 Main St')).toMatchObject({ name: 'ProviderError', transient: false });
    expect(await err('6 Main St')).toMatchObject({ name: 'ProviderError', transient: true });
    expect(await err('7 Main St')).toMatchObject({ name: 'ProviderError', transient: true });
  });
});
