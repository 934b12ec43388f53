import { request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import express from 'express';
import { afterAll, describe, expect, it } from 'vitest';
import { jsonBody } from '../../src/platform/http/json-body.js';

const LIMIT = 100;

/** An app that answers what its JSON parser made of a request: the body, or the error's status and type. */
async function serve(parser: express.RequestHandler): Promise<{ url: URL; server: Server }> {
  const app = express();
  app.post('/', parser, (req, res) => void res.json({ status: 200, body: req.body as unknown }));
  app.use(((err, _req, res, _next) => {
    const e = err as { status: number; type: string; limit?: number };
    res.status(e.status).json({ status: e.status, type: e.type, limit: e.limit });
  }) as express.ErrorRequestHandler);
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return { url: new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`), server };
}

const fast = await serve(jsonBody(LIMIT));
const reference = await serve(express.json({ limit: LIMIT }));
afterAll(() => {
  fast.server.close();
  reference.server.close();
});

/** Sends exactly these headers and bytes (chunked when there is no Content-Length) and reads the answer. */
function send(url: URL, headers: Record<string, string>, body: Buffer | string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ http: res.statusCode, ...(JSON.parse(text) as object) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const json = 'application/json';
const sized = (body: Buffer | string, type = json, extra: Record<string, string> = {}) => ({
  headers: { 'content-type': type, 'content-length': String(Buffer.byteLength(body)), ...extra },
  body,
});
const CASES: Record<string, { headers: Record<string, string>; body: Buffer | string }> = {
  object: sized('{"query":"{ __typename }","variables":{"a":[1,2]}}'),
  'array after whitespace': sized(' \n\t[1, {"b": null}]'),
  'byte order mark': sized(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":"é"}')])),
  'multibyte characters': sized('{"name":"Zoë — 東京 🏠"}'),
  'charset utf-8': sized('{"a":1}', 'application/json; charset=utf-8'),
  'upper-case type': sized('{"a":1}', 'Application/JSON'),
  'bare string': sized('"just a string"'),
  'bare number': sized('42'),
  'malformed JSON': sized('{"a":'),
  'only whitespace': sized('   '),
  'empty body': sized(''),
  'too large': sized(`{"a":"${'x'.repeat(LIMIT)}"}`),
  'exactly the limit': sized(`{"a":"${'x'.repeat(LIMIT - 8)}"}`),
  gzip: sized(gzipSync('{"zipped":true}'), json, { 'content-encoding': 'gzip' }),
  'other charset': sized('{"a":1}', 'application/json; charset=latin1'),
  'other type': sized('a=1', 'text/plain'),
  chunked: { headers: { 'content-type': json }, body: '{"chunked":[1]}' },
  'chunked and too large': { headers: { 'content-type': json }, body: `{"a":"${'x'.repeat(LIMIT)}"}` },
};

describe('the JSON body fast path', () => {
  it('answers every case exactly as body-parser does', async () => {
    for (const [name, { headers, body }] of Object.entries(CASES)) {
      const [mine, theirs] = [await send(fast.url, headers, body), await send(reference.url, headers, body)];
      expect(mine, name).toEqual(theirs);
    }
    // And the cases do reach both outcomes: bodies parsed and each kind of refusal.
    const answers = await Promise.all(Object.values(CASES).map(({ headers, body }) => send(fast.url, headers, body)));
    expect(answers.map((a) => (a as { http: number }).http).sort()).toEqual(
      expect.arrayContaining([200, 400, 413, 415]),
    );
    expect(await send(fast.url, CASES['byte order mark']!.headers, CASES['byte order mark']!.body)).toEqual({
      http: 200,
      status: 200,
      body: { a: 'é' },
    });
  });
});
