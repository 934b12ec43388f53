import { describe, expect, it } from 'vitest';
import { ObjectStorage } from '../../src/platform/storage/ObjectStorage.js';

const base = {
  endpoint: 'http://minio:9000',
  accessKey: 'key',
  secretKey: 'secret-key',
  bucket: 'reos',
  region: 'us-east-1',
};

describe('presigned URLs', () => {
  it('are signed for the public endpoint when set (a browser on the host cannot reach minio:9000)', async () => {
    const key = ObjectStorage.key('00000000-0000-0000-0000-000000000001', 'memos', 'm.pdf');
    const internal = new URL(await new ObjectStorage(base).presignedGet(key, 60));
    expect(internal.host).toBe('minio:9000');
    const pub = new URL(
      await new ObjectStorage({ ...base, publicEndpoint: 'https://files.example.com' }).presignedGet(key, 60),
    );
    expect(pub.origin).toBe('https://files.example.com');
    expect(pub.pathname).toBe(`/reos/${key}`);
    expect(pub.searchParams.get('X-Amz-SignedHeaders')).toBe('host');
    // the host is signed
    expect(pub.searchParams.get('X-Amz-Signature')).not.toBe(internal.searchParams.get('X-Amz-Signature'));
    const put = new URL(
      await new ObjectStorage({ ...base, publicEndpoint: 'http://localhost:9000' }).presignedPut(key, 60),
    );
    expect(put.host).toBe('localhost:9000');
  });
});
