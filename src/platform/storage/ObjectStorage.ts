import type { Readable } from 'node:stream';
import { Client } from 'minio';

export interface StorageConfig {
  endpoint: string; // http://host:port
  accessKey: string;
  secretKey: string;
  bucket: string;
  region: string;
  /**
   * Where clients (browsers, apps) reach the same storage, when that differs from `endpoint` — e.g.
   * http://localhost:9000 for a MinIO the API reaches as http://minio:9000. Presigned URLs are
   * signed for this host, since the host is part of the signature.
   */
  publicEndpoint?: string;
}

function clientFor(endpoint: string, config: StorageConfig): Client {
  const url = new URL(endpoint);
  return new Client({
    endPoint: url.hostname,
    port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
    useSSL: url.protocol === 'https:',
    accessKey: config.accessKey,
    secretKey: config.secretKey,
    region: config.region, // known, so presigning never asks the server
    pathStyle: true,
  });
}

/**
 * S3-protocol object storage through the `minio` client. Every key starts with the organization:
 * `orgs/<organizationId>/…` — callers pass the organization, never a raw key.
 */
export class ObjectStorage {
  private readonly client: Client;
  /** Signs the URLs handed to clients (the public endpoint's host when there is one). */
  private readonly presigner: Client;

  constructor(readonly config: StorageConfig) {
    this.client = clientFor(config.endpoint, config);
    this.presigner = config.publicEndpoint ? clientFor(config.publicEndpoint, config) : this.client;
  }

  static key(organizationId: string, ...parts: string[]): string {
    return ['orgs', organizationId, ...parts].join('/');
  }

  async ensureBucket(): Promise<void> {
    if (!(await this.client.bucketExists(this.config.bucket)))
      await this.client.makeBucket(this.config.bucket, this.config.region);
  }

  async put(key: string, body: Buffer, contentType: string): Promise<void> {
    await this.client.putObject(this.config.bucket, key, body, body.length, { 'Content-Type': contentType });
  }

  /** Every object under `prefix` (the whole bucket by default), with its size. */
  async list(prefix = ''): Promise<{ key: string; size: number }[]> {
    const out: { key: string; size: number }[] = [];
    for await (const item of this.client.listObjectsV2(this.config.bucket, prefix, true) as AsyncIterable<{
      name?: string;
      size?: number;
    }>)
      if (item.name) out.push({ key: item.name, size: item.size ?? 0 });
    return out;
  }

  get(key: string): Promise<Readable> {
    return this.client.getObject(this.config.bucket, key);
  }

  /** The first `length` bytes (or fewer) of an object. */
  async head(key: string, length: number): Promise<Buffer> {
    const stream = await this.client.getPartialObject(this.config.bucket, key, 0, length);
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  /** Size of an object, or null when there is none under `key`. */
  async size(key: string): Promise<number | null> {
    try {
      return (await this.client.statObject(this.config.bucket, key)).size;
    } catch (err) {
      if ((err as { code?: string }).code === 'NotFound' || (err as { code?: string }).code === 'NoSuchKey')
        return null;
      throw err;
    }
  }

  async putStream(key: string, body: Readable, contentType: string): Promise<void> {
    await this.client.putObject(this.config.bucket, key, body, undefined, { 'Content-Type': contentType });
  }

  /** A PUT URL valid for `seconds`: the holder can upload that one object (uploads for imports). */
  presignedPut(key: string, seconds: number): Promise<string> {
    return this.presigner.presignedPutObject(this.config.bucket, key, seconds);
  }

  /** A GET URL valid for `seconds`; anyone holding it can download that one object until then. */
  presignedGet(key: string, seconds: number): Promise<string> {
    return this.presigner.presignedGetObject(this.config.bucket, key, seconds);
  }
}
