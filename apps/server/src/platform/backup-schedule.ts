import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { type BackupHeader, type BackupTarget, readBackupHeader, writeBackup, writeIncremental } from './backup.ts';
import type { OffsiteStore } from './offsite.ts';

/** Once a day: on SQLite a full on Sunday (UTC) and an incremental on the other days; on PostgreSQL a full. */
export const BACKUP_EVERY_MS = 24 * 60 * 60 * 1000;

export interface Retention {
  /** the newest this many archives (fulls or incrementals) are kept, with every archive they need to restore */
  daily: number;
  /** the newest this many fulls made on a Sunday are kept */
  weekly: number;
}

/** `-daily`/`-weekly` are fulls the schedule wrote before it made incrementals: kept and retired like fulls */
const NAME = /^kameng-(\d{4}-\d{2}-\d{2})-(full|incr|daily|weekly)\.kmb$/;

interface Archive {
  name: string;
  day: string;
  header: BackupHeader;
}

function archivesIn(dir: string): Archive[] {
  const out: Archive[] = [];
  for (const name of readdirSync(dir).sort()) {
    const m = NAME.exec(name);
    if (!m) continue;
    try {
      out.push({ name, day: m[1] as string, header: readBackupHeader(join(dir, name)).header });
    } catch {
      // a damaged header: not built on, and left for the operator to look at rather than removed
    }
  }
  return out;
}

/** A full's chain: the full, then its incrementals by their place. */
function chainOf(all: Archive[], full: Archive): Archive[] {
  const incrementals = all
    .filter((a) => a.header.kind === 'incremental' && a.header.chain === full.header.sha256)
    .sort((x, y) => (x.header.seq as number) - (y.header.seq as number));
  return [full, ...incrementals];
}

const isFull = (a: Archive) => a.header.kind !== 'incremental';

/**
 * What retention keeps: the newest `daily` archives and the newest `weekly` Sunday fulls, and with every kept
 * incremental its full and the incrementals before it (a restore needs them all), so a full that live incrementals
 * depend on is never removed.
 */
export function retained(all: Archive[], keep: Retention): Set<string> {
  const kept = new Set<string>();
  const newest = [...all].sort((x, y) => (x.day === y.day ? 0 : x.day < y.day ? 1 : -1));
  for (const a of newest.slice(0, keep.daily)) kept.add(a.name);
  const sundays = newest.filter((a) => isFull(a) && new Date(`${a.day}T00:00:00Z`).getUTCDay() === 0);
  for (const a of sundays.slice(0, keep.weekly)) kept.add(a.name);
  for (const a of all) {
    if (!kept.has(a.name) || isFull(a)) continue;
    const full = all.find((f) => isFull(f) && f.header.sha256 === a.header.chain);
    if (!full) continue;
    for (const b of chainOf(all, full)) {
      if (b === full || (b.header.seq as number) < (a.header.seq as number)) kept.add(b.name);
    }
  }
  return kept;
}

/**
 * One scheduled run. SQLite: a full (`kameng-YYYY-MM-DD-full.kmb`) on Sunday, or when there is no full to build on;
 * otherwise an incremental (`-incr.kmb`) of the pages changed since the newest full and its incrementals. If that
 * chain does not rebuild (an archive damaged or removed), the run writes a full instead and says why. PostgreSQL:
 * a full every day (its incrementals are WAL archiving, docs/deploy.md). A second run on the same day writes
 * nothing. Then retention (see `retained`). With an off-site store, the new archive is copied there and the ones
 * retention removes are removed there too.
 */
export async function scheduledBackup(
  target: BackupTarget,
  dir: string,
  now: number,
  keep: Retention,
  offsite?: OffsiteStore,
): Promise<{ written: string | null; removed: string[]; fellBackToFull?: string }> {
  const day = new Date(now).toISOString().slice(0, 10);
  const all = archivesIn(dir);
  let written: string | null = null;
  let fellBackToFull: string | undefined;
  if (!all.some((a) => a.day === day)) {
    const fulls = all.filter(isFull);
    const base = fulls[fulls.length - 1];
    const incremental = !target.databaseUrl && new Date(now).getUTCDay() !== 0 && base !== undefined;
    if (incremental) {
      const name = `kameng-${day}-incr.kmb`;
      try {
        await writeIncremental(
          target,
          chainOf(all, base).map((a) => join(dir, a.name)),
          join(dir, name),
        );
        written = name;
      } catch (err) {
        fellBackToFull = (err as Error).message;
      }
    }
    if (!written) {
      written = `kameng-${day}-full.kmb`;
      await writeBackup(target, join(dir, written));
    }
    await offsite?.put(written, join(dir, written));
  }
  const kept = retained(archivesIn(dir), keep);
  const removed: string[] = [];
  for (const a of archivesIn(dir)) {
    if (kept.has(a.name)) continue;
    rmSync(join(dir, a.name), { force: true });
    await offsite?.remove(a.name);
    removed.push(a.name);
  }
  return { written, removed, ...(fellBackToFull ? { fellBackToFull } : {}) };
}
