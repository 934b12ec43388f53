import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import S3rver from 's3rver';
import type { StorageConfig } from './ObjectStorage.js';

/**
 * A real S3 HTTP server (s3rver) on loopback, for the local default and the tests when no
 * S3_ENDPOINT is configured. Files live under `directory`.
 */
export async function startLocalS3(
  directory: string,
  bucket: string,
): Promise<{ config: StorageConfig; close(): Promise<void> }> {
  mkdirSync(directory, { recursive: true });
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: bucket, configs: [] }],
  });
  const address = (await server.run()) as AddressInfo;
  return {
    config: {
      endpoint: `http://127.0.0.1:${address.port}`,
      accessKey: 'S3RVER',
      secretKey: 'S3RVER',
      bucket,
      region: 'us-east-1',
    },
    close: () => server.close(),
  };
}
