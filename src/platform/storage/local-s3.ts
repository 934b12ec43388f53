import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import S3rver from 's3rver';
import type { StorageConfig } from './ObjectStorage.js';
import { verifySigV4 } from './sigv4.js';

/**
 * Browsers upload import files straight to the store with a presigned PUT, and open memos with a
 * presigned GET: any origin may, since the signed URL is the permission.
 */
const CORS = `<CORSConfiguration>
  <CORSRule>
    <AllowedOrigin>*</AllowedOrigin>
    <AllowedMethod>GET</AllowedMethod>
    <AllowedMethod>PUT</AllowedMethod>
    <AllowedMethod>HEAD</AllowedMethod>
    <AllowedHeader>*</AllowedHeader>
    <ExposeHeader>ETag</ExposeHeader>
    <MaxAgeSeconds>3000</MaxAgeSeconds>
  </CORSRule>
</CORSConfiguration>`;

/** s3rver's account registry: s3rver looks up the key id of every signed request there (it checks no V4 signature). */
const s3rverAccounts = createRequire(import.meta.url)('s3rver/lib/models/account.js') as {
  DUMMY_ACCOUNT: {
    createKeyPair(accessKey: string, secretKey: string): void;
    revokeAccessKey(accessKey: string): void;
  };
};

const xmlError = (code: string, message: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;

/**
 * A real S3 HTTP server on loopback for the local default and the tests when no S3_ENDPOINT is
 * configured: s3rver stores the files under `directory`, behind a front of our own that accepts
 * only requests signed (AWS Signature Version 4, header or presigned URL) with this process's
 * credentials. s3rver itself accepts anonymous requests and does not check V4 signatures, so
 * without the front any process on the machine could list, read or overwrite every
 * organization's files. The secret is random per start and never leaves the process (and the
 * worker processes a test hands it to); presigned URLs carry only signatures made with it.
 */
export async function startLocalS3(
  directory: string,
  bucket: string,
): Promise<{ config: StorageConfig; close(): Promise<void> }> {
  mkdirSync(directory, { recursive: true });
  const s3 = new S3rver({ silent: true, directory, configureBuckets: [{ name: bucket, configs: [CORS] }] });
  await s3.configureBuckets();
  const handle = s3.callback();
  const key = {
    accessKey: `reos-local-${randomBytes(6).toString('hex')}`,
    secretKey: randomBytes(30).toString('base64url'),
    region: 'us-east-1',
  };
  s3rverAccounts.DUMMY_ACCOUNT.createKeyPair(key.accessKey, key.secretKey);
  const server = createServer((req, res) => {
    // A CORS preflight carries no credentials (browsers never sign it); s3rver answers it from the rule above.
    const problem = req.method === 'OPTIONS' ? null : verifySigV4(req, key);
    if (!problem) return void handle(req, res);
    req.resume();
    res.writeHead(403, { 'content-type': 'application/xml', 'access-control-allow-origin': '*' });
    res.end(xmlError(problem.code, problem.message));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    config: { endpoint: `http://127.0.0.1:${port}`, ...key, bucket },
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      (s3 as unknown as { logger: { close(): void } }).logger.close();
      s3rverAccounts.DUMMY_ACCOUNT.revokeAccessKey(key.accessKey);
    },
  };
}
