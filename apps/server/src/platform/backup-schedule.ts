import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { type BackupTarget, writeBackup } from './backup.ts';
import type { OffsiteStore } from './offsite.ts';

/** Once a day; the run on a Sunday (UTC) is kept as the weekly one. */
export const BACKUP_EVERY_MS = 24 * 60 * 60 * 1000;

export interface Retention {
  daily: number;
  weekly: number;
}

const NAME = /^kameng-(\d{4}-\d{2}-\d{2})-(daily|weekly)\.kmb$/;

/**
 * One scheduled run: a full, consistent snapshot (both databases; an honest SQLite incremental would need page
 * tracking it does not have, and PostgreSQL's incrementals are WAL archiving, see docs/deploy.md) written as
 * `kameng-YYYY-MM-DD-daily.kmb` or `-weekly.kmb`, then the oldest beyond the retention of each tier removed.
 * A second run on the same day writes nothing. With an off-site store, the new archive is copied there and
 * the ones retention removes are removed there too. Returns the file written, if any, and the files removed.
 */
export async function scheduledBackup(
  target: BackupTarget,
  dir: string,
  now: number,
  keep: Retention,
  offsite?: OffsiteStore,
): Promise<{ written: string | null; removed: string[] }> {
  const day = new Date(now).toISOString().slice(0, 10);
  const tier = new Date(now).getUTCDay() === 0 ? 'weekly' : 'daily';
  const name = `kameng-${day}-${tier}.kmb`;
  const present = readdirSync(dir);
  let written: string | null = null;
  if (!present.includes(name)) {
    await writeBackup(target, join(dir, name));
    written = name;
    await offsite?.put(name, join(dir, name));
  }
  const removed: string[] = [];
  for (const [t, n] of [
    ['daily', keep.daily],
    ['weekly', keep.weekly],
  ] as const) {
    const ofTier = readdirSync(dir)
      .filter((f) => NAME.exec(f)?.[2] === t)
      .sort()
      .reverse();
    for (const old of ofTier.slice(n)) {
      rmSync(join(dir, old), { force: true });
      await offsite?.remove(old);
      removed.push(old);
    }
  }
  return { written, removed };
}
