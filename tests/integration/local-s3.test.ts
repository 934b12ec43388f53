import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'minio';
import { afterAll, describe, expect, it } from 'vitest';
import { startLocalS3 } from '../../src/platform/storage/local-s3.js';
import { ObjectStorage } from '../../src/platform/storage/ObjectStorage.js';

// The local default object store, as `npm start` runs it, probed by a process that does not hold its secret.
const local = await startLocalS3(join(tmpdir(), `reos-s3-${randomUUID().slice(0, 8)}`), 'reos');
afterAll(() => local.close());
const storage = new ObjectStorage(local.config);
const { endpoint, bucket } = local.config;

function client(accessKey: string, secretKey: string): Client {
  const url = new URL(endpoint);
  return new Client({
    endPoint: url.hostname,
    port: Number(url.port),
    useSSL: false,
    accessKey,
    secretKey,
    region: 'us-east-1',
    pathStyle: true,
  });
}

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'no error',
    (e: { code?: string }) => e.code,
  );

describe('the local object store', () => {
  it('serves the holder of its secret, and refuses anonymous, wrongly signed and default-key requests', async () => {
    const key = ObjectStorage.key(randomUUID(), 'memos', `${randomUUID()}.pdf`);
    await storage.put(key, Buffer.from('organization A'), 'application/pdf');
    expect((await storage.head(key, 100)).toString()).toBe('organization A');

    // Anonymous: list, read and overwrite are all refused.
    for (const [method, path] of [
      ['GET', `/${bucket}?list-type=2`],
      ['GET', `/${bucket}/${key}`],
      ['PUT', `/${bucket}/${key}`],
    ] as const) {
      const res = await fetch(`${endpoint}${path}`, { method, body: method === 'PUT' ? 'overwritten' : undefined });
      expect([method, path, res.status]).toEqual([method, path, 403]);
      expect(await res.text()).toContain('<Code>AccessDenied</Code>');
    }
    // Signed, but not with this process's secret: s3rver's well-known key, and the right key id with a wrong secret.
    expect(await codeOf(client('S3RVER', 'S3RVER').putObject(bucket, key, Buffer.from('overwritten')))).toBe(
      'InvalidAccessKeyId',
    );
    const guessed = client(local.config.accessKey, 'not-the-secret');
    expect(await codeOf(guessed.putObject(bucket, key, Buffer.from('overwritten')))).toBe('SignatureDoesNotMatch');
    expect(await codeOf(guessed.statObject(bucket, key))).not.toBe('no error');
    expect((await storage.head(key, 100)).toString()).toBe('organization A'); // nothing changed
  });

  it('honours presigned URLs only for their own object, method and lifetime', async () => {
    const org = randomUUID();
    const key = ObjectStorage.key(org, 'memos', `${randomUUID()}.pdf`);
    const other = ObjectStorage.key(org, 'memos', `${randomUUID()}.pdf`);
    await storage.put(key, Buffer.from('memo'), 'application/pdf');
    await storage.put(other, Buffer.from('another memo'), 'application/pdf');

    const url = await storage.presignedGet(key, 60);
    expect(await (await fetch(url)).text()).toBe('memo');
    // The same signature on another key of the same organization, or for a PUT: refused.
    expect((await fetch(url.replace(key, other))).status).toBe(403);
    expect((await fetch(url, { method: 'PUT', body: 'x' })).status).toBe(403);

    const short = await storage.presignedGet(key, 1);
    await new Promise((r) => setTimeout(r, 1_500));
    const expired = await fetch(short);
    expect([expired.status, await expired.text()]).toEqual([403, expect.stringContaining('Request has expired')]);
  });

  it('takes a browser upload: CORS preflight, then the presigned PUT from another origin', async () => {
    const key = ObjectStorage.key(randomUUID(), 'imports', `${randomUUID()}.csv`);
    const url = await storage.presignedPut(key, 60);
    const preflight = await fetch(url, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://127.0.0.1:4000',
        'access-control-request-method': 'PUT',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(preflight.status).toBe(200);
    expect(preflight.headers.get('access-control-allow-origin')).toBeTruthy();
    const body = 'First Name,Email\n'.concat('Ann,ann@example.com\n'.repeat(40_000)); // ~800 KB
    const put = await fetch(url, {
      method: 'PUT',
      body,
      headers: { origin: 'http://127.0.0.1:4000', 'content-type': 'text/csv' },
    });
    expect(put.status).toBe(200);
    expect(put.headers.get('access-control-allow-origin')).toBeTruthy();
    expect(await storage.size(key)).toBe(Buffer.byteLength(body));
  });
});
