import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBackupHeader } from '../src/platform/backup.ts';
import { scheduledBackup } from '../src/platform/backup-schedule.ts';
import { s3Store } from '../src/platform/offsite.ts';
import { startFakeS3 } from './support/fake-s3.ts';
import { jobDefinitions } from '../src/platform/jobs/registry.ts';
import { createTestApp, dialectName, TEST_DATABASE_URL, type TestApp } from './support/harness.ts';

const MASTER = randomBytes(32).toString('hex');
const DAY = 24 * 60 * 60 * 1000;
const MONDAY = Date.UTC(2026, 10, 2, 3); // 2026-11-02 was a Monday

describe(`scheduled backups and retention (${dialectName})`, () => {
  let t: TestApp;
  const work = mkdtempSync(join(tmpdir(), 'kameng-schedule-'));
  beforeAll(async () => {
    t = await createTestApp({ env: { KAMENG_MASTER_KEY: MASTER, BACKUP_DIR: join(work, 'job') } });
  });
  afterAll(async () => {
    await t.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('writes one archive a day, the Sunday one as weekly, and keeps only the newest of each tier', async () => {
    const dir = join(work, 'runs');
    mkdirSync(dir);
    const target = {
      dataDir: t.db.dataDir,
      databaseUrl: TEST_DATABASE_URL,
      ...(t.db.schema ? { pgSchema: t.db.schema } : {}),
      masterKey: Buffer.from(MASTER, 'hex'),
    };
    const s3 = await startFakeS3('AKIAKAMENG');
    const store = (secret: string, accessKeyId = 'AKIAKAMENG') =>
      s3Store({
        endpoint: s3.url,
        bucket: 'shop-backups',
        region: 'cn-hangzhou',
        accessKeyId,
        secretAccessKey: secret,
        prefix: 'kameng/',
        forcePathStyle: true,
      });
    const offsite = store('s3cr3t');
    for (let d = 0; d < 22; d++) {
      const r = await scheduledBackup(target, dir, MONDAY + d * DAY, { daily: 3, weekly: 2 }, offsite);
      expect(r.written).toMatch(/^kameng-2026-11-\d\d-(daily|weekly)\.kmb$/);
      // a second run the same day (another worker, a retry) writes nothing
      expect((await scheduledBackup(target, dir, MONDAY + d * DAY + 1000, { daily: 3, weekly: 2 })).written).toBeNull();
    }
    expect(readdirSync(dir).sort()).toEqual([
      'kameng-2026-11-15-weekly.kmb',
      'kameng-2026-11-20-daily.kmb',
      'kameng-2026-11-21-daily.kmb',
      'kameng-2026-11-22-weekly.kmb',
      'kameng-2026-11-23-daily.kmb',
    ]);
    expect(readBackupHeader(join(dir, 'kameng-2026-11-23-daily.kmb')).header.dialect).toBe(dialectName);
    // the off-site bucket holds the same archives, byte for byte, and retention removed the rest there too
    expect([...s3.objects.keys()].sort()).toEqual(
      readdirSync(dir)
        .sort()
        .map((f) => `shop-backups/kameng/${f}`),
    );
    for (const f of readdirSync(dir)) {
      expect(s3.objects.get(`shop-backups/kameng/${f}`)?.equals(readFileSync(join(dir, f)))).toBe(true);
    }
    // a store that refuses the credentials fails the run (the job retries), it does not pass silently
    await expect(
      scheduledBackup(target, dir, MONDAY + 30 * DAY, { daily: 3, weekly: 2 }, store('x', 'AKIAOTHER')),
    ).rejects.toThrow();
    expect(s3.refused).toBe(1);
    await s3.close();
  });

  // the job backs up DATABASE_URL whole; on PostgreSQL that is every test's schema, so it runs on SQLite here
  it.skipIf(TEST_DATABASE_URL)('is a recurring worker job that writes into BACKUP_DIR', async () => {
    const job = jobDefinitions(t.deps).find((j) => j.type === 'backups.scheduled');
    expect(job?.everyMs).toBe(DAY);
    await job?.handler({}, { jobId: 'job_test', attempt: 1, signal: new AbortController().signal });
    const files = readdirSync(join(work, 'job'));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^kameng-\d{4}-\d\d-\d\d-(daily|weekly)\.kmb$/);
    expect(existsSync(join(work, 'job', `${files[0]}.partial`))).toBe(false);
  });
});
