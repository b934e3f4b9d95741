import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { s3Store } from '../src/platform/offsite.ts';
import { type FakeS3, startFakeS3 } from './support/fake-s3.ts';

const MIB = 1024 * 1024;

// Off-site copies of large archives go up in parts (the SDK's multipart upload), streamed from the file.
describe('off-site copies of large backup archives (multipart, the local fake S3)', () => {
  let s3: FakeS3;
  const dir = mkdtempSync(join(tmpdir(), 'kameng-offsite-'));
  const store = () =>
    s3Store({
      endpoint: s3.url,
      bucket: 'shop-backups',
      region: 'cn-hangzhou',
      accessKeyId: 'AKIAKAMENG',
      secretAccessKey: 's3cr3t',
      prefix: 'kameng/',
      forcePathStyle: true,
    });
  beforeAll(async () => {
    s3 = await startFakeS3('AKIAKAMENG');
  });
  afterAll(async () => {
    await s3.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends an archive larger than a part in 5 MiB parts and the bucket holds it byte for byte', async () => {
    const file = join(dir, 'kameng-2026-12-06-weekly.kmb');
    const bytes = randomBytes(12 * MIB + 12345);
    writeFileSync(file, bytes);
    await store().put('kameng-2026-12-06-weekly.kmb', file);
    const key = 'shop-backups/kameng/kameng-2026-12-06-weekly.kmb';
    const mine = s3.requests.filter((r) => r.key === key);
    expect(mine.filter((r) => r.method === 'POST' && new URLSearchParams(r.query).has('uploads'))).toHaveLength(1);
    const parts = mine.filter((r) => r.method === 'PUT' && r.query.includes('partNumber='));
    expect(parts.map((r) => new URLSearchParams(r.query).get('partNumber')).sort()).toEqual(['1', '2', '3']);
    // no whole-object PUT: the archive never went up in one request
    expect(mine.filter((r) => r.method === 'PUT' && !r.query.includes('partNumber='))).toHaveLength(0);
    expect(s3.objects.get(key)?.equals(bytes)).toBe(true);
    expect(s3.openUploads).toBe(0);
  });

  it('sends a small archive in one PUT', async () => {
    const file = join(dir, 'small.kmb');
    const bytes = randomBytes(64 * 1024);
    writeFileSync(file, bytes);
    await store().put('small.kmb', file);
    const mine = s3.requests.filter((r) => r.key === 'shop-backups/kameng/small.kmb');
    expect(mine.map((r) => `${r.method} ${r.query}`)).toEqual(['PUT x-id=PutObject']);
    expect(s3.objects.get('shop-backups/kameng/small.kmb')?.equals(bytes)).toBe(true);
  });

  it('aborts the upload when a part keeps failing: the run fails and no parts are left in the bucket', async () => {
    const file = join(dir, 'broken.kmb');
    writeFileSync(file, randomBytes(11 * MIB));
    s3.failPart = 2;
    try {
      await expect(store().put('broken.kmb', file)).rejects.toThrow();
    } finally {
      s3.failPart = null;
    }
    const mine = s3.requests.filter((r) => r.key === 'shop-backups/kameng/broken.kmb');
    expect(mine.some((r) => r.method === 'DELETE' && r.query.includes('uploadId='))).toBe(true);
    expect(s3.objects.has('shop-backups/kameng/broken.kmb')).toBe(false);
    expect(s3.openUploads).toBe(0);
  });
});
