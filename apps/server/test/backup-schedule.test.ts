import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBackupHeader, restoreBackup, writeBackup } from '../src/platform/backup.ts';
import { openDatabase } from '../src/platform/db/database.ts';
import { registerAndLogin } from './support/client.ts';
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

  it('writes a weekly full and daily incrementals (PostgreSQL: daily fulls), keeping what the kept archives need', async () => {
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
    const sqlite = !TEST_DATABASE_URL;
    for (let d = 0; d < 22; d++) {
      // the shop changes between runs, so each incremental has pages to carry
      await registerAndLogin(t.app);
      const r = await scheduledBackup(target, dir, MONDAY + d * DAY, { daily: 3, weekly: 2 }, offsite);
      const sunday = new Date(MONDAY + d * DAY).getUTCDay() === 0;
      // the first run has no full to build on; then SQLite makes a full on Sundays only
      const kind = !sqlite || d === 0 || sunday ? 'full' : 'incr';
      expect(r.written).toMatch(new RegExp(`^kameng-2026-11-\\d\\d-${kind}\\.kmb$`));
      expect(r.fellBackToFull).toBeUndefined();
      // a second run the same day (another worker, a retry) writes nothing
      expect((await scheduledBackup(target, dir, MONDAY + d * DAY + 1000, { daily: 3, weekly: 2 })).written).toBeNull();
    }
    // kept: the newest three archives, the newest two Sunday fulls, and everything a kept incremental needs
    // (11-21 is incremental #6 of the 11-15 full: that full and incrementals #1–#5 stay with it)
    expect(readdirSync(dir).sort()).toEqual(
      sqlite
        ? [
            'kameng-2026-11-15-full.kmb',
            ...[16, 17, 18, 19, 20, 21].map((d) => `kameng-2026-11-${d}-incr.kmb`),
            'kameng-2026-11-22-full.kmb',
            'kameng-2026-11-23-incr.kmb',
          ]
        : [15, 21, 22, 23].map((d) => `kameng-2026-11-${d}-full.kmb`),
    );
    expect(readBackupHeader(join(dir, `kameng-2026-11-23-${sqlite ? 'incr' : 'full'}.kmb`)).header.dialect).toBe(
      dialectName,
    );
    // the off-site bucket holds the same archives, byte for byte, and retention removed the rest there too
    expect([...s3.objects.keys()].sort()).toEqual(
      readdirSync(dir)
        .sort()
        .map((f) => `shop-backups/kameng/${f}`),
    );
    for (const f of readdirSync(dir)) {
      expect(s3.objects.get(`shop-backups/kameng/${f}`)?.equals(readFileSync(join(dir, f)))).toBe(true);
    }
    if (sqlite) {
      // the kept chain restores, in order, to a database with every user registered by 11-21
      const into = join(work, 'restored');
      const chain = readdirSync(dir)
        .sort()
        .filter((f) => f >= 'kameng-2026-11-15' && f < 'kameng-2026-11-22');
      await restoreBackup(
        { dataDir: into, databaseUrl: undefined, masterKey: target.masterKey },
        chain.map((f) => join(dir, f)),
      );
      const database = openDatabase({ dataDir: into });
      try {
        const users = await database.db.selectFrom('users').select('id').execute();
        const live = await t.deps.db.selectFrom('users').select('id').execute();
        expect(users.length).toBe(live.length - 2);
      } finally {
        await database.close();
      }
      // the newest incremental damaged: the next run cannot build on that chain, so it makes a full and says why
      const newest = join(dir, 'kameng-2026-11-23-incr.kmb');
      const bytes = readFileSync(newest);
      bytes[bytes.length - 20] = (bytes[bytes.length - 20] as number) ^ 1;
      writeFileSync(newest, bytes);
      const fell = await scheduledBackup(target, dir, MONDAY + 22 * DAY, { daily: 3, weekly: 2 });
      expect(fell.written).toBe('kameng-2026-11-24-full.kmb');
      expect(fell.fellBackToFull).toMatch(/does not open with this master key, or it was changed/);
    }
    // a store that refuses the credentials fails the run (the job retries), it does not pass silently
    await expect(
      scheduledBackup(target, dir, MONDAY + 30 * DAY, { daily: 3, weekly: 2 }, store('x', 'AKIAOTHER')),
    ).rejects.toThrow();
    expect(s3.refused).toBe(1);
    await s3.close();
  });

  it.skipIf(TEST_DATABASE_URL)(
    'builds on a full the schedule wrote before incrementals (-daily/-weekly) and keeps it while needed',
    async () => {
      const dir = join(work, 'upgraded');
      mkdirSync(dir);
      const target = { dataDir: t.db.dataDir, databaseUrl: undefined, masterKey: Buffer.from(MASTER, 'hex') };
      await writeBackup(target, join(dir, 'kameng-2026-11-02-daily.kmb'));
      await registerAndLogin(t.app);
      const r = await scheduledBackup(target, dir, MONDAY + DAY, { daily: 1, weekly: 0 });
      expect(r.written).toBe('kameng-2026-11-03-incr.kmb');
      expect(r.removed).toEqual([]);
      expect(readBackupHeader(join(dir, 'kameng-2026-11-03-incr.kmb')).header.chain).toBe(
        readBackupHeader(join(dir, 'kameng-2026-11-02-daily.kmb')).header.sha256,
      );
    },
  );

  // the job backs up DATABASE_URL whole; on PostgreSQL that is every test's schema, so it runs on SQLite here
  it.skipIf(TEST_DATABASE_URL)('is a recurring worker job that writes into BACKUP_DIR', async () => {
    const job = jobDefinitions(t.deps).find((j) => j.type === 'backups.scheduled');
    expect(job?.everyMs).toBe(DAY);
    await job?.handler({}, { jobId: 'job_test', attempt: 1, signal: new AbortController().signal });
    const files = readdirSync(join(work, 'job'));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^kameng-\d{4}-\d\d-\d\d-full\.kmb$/);
    expect(existsSync(join(work, 'job', `${files[0]}.partial`))).toBe(false);
  });
});
