import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { writeAudit } from './audit.ts';
import { BackupError, restoreBackup, writeBackup, writeIncremental } from './backup.ts';
import { cryptoRandom, systemClock } from './clock.ts';
import { ConfigError, loadConfig, loadExistingMasterKey } from './config.ts';
import { openDatabase } from './db/database.ts';

export const BACKUP_USAGE = `  backup --out FILE    write one encrypted, checksummed full archive of the running shop
    [--since FULL [--since INCR …]]  SQLite: an incremental of the pages changed since that full and its incrementals
  restore --from FILE [--from INCR …]  restore a full (then its incrementals, in order) into an empty DATA_DIR or
                       empty database (same master key)
  master-key export    print the master key for escrow (recorded in the audit log)
  master-key rotate    with the shop stopped: seal every secret again under a new master key, printed once`;

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

function options(): { out: string[]; from: string[]; since: string[] } {
  const { values } = parseArgs({
    args: process.argv.slice(3),
    options: {
      out: { type: 'string', multiple: true },
      from: { type: 'string', multiple: true },
      since: { type: 'string', multiple: true },
    },
  });
  const list = (v: string[] | undefined) => (v ?? []).filter((x) => x !== '').map((x) => resolve(x));
  return { out: list(values.out), from: list(values.from), since: list(values.since) };
}

/** `backup`, `restore` and `master-key`: returns false for any other command. */
export async function runBackupCommand(command: string | undefined): Promise<boolean> {
  try {
    switch (command) {
      case 'backup': {
        const { out: outs, since } = options();
        const out = outs[0];
        if (!out || outs.length > 1) fail('--out FILE is required (once)');
        const config = loadConfig(process.env);
        if (since.length > 0) {
          const header = await writeIncremental(config, since, out);
          process.stdout.write(
            `incremental #${header.seq} written: ${out} (sqlite, ${header.bytes} bytes of changed pages, sha256 ${header.sha256})\n`,
          );
          return true;
        }
        const header = await writeBackup(config, out);
        const note =
          header.dialect === 'postgres'
            ? '; a full (pg_dump): point-in-time recovery on PostgreSQL is WAL archiving, docs/deploy.md#backups'
            : '; a full';
        process.stdout.write(
          `backup written: ${out} (${header.dialect}, ${header.bytes} bytes, sha256 ${header.sha256}${note})\n`,
        );
        return true;
      }
      case 'restore': {
        const { from } = options();
        if (from.length === 0) fail('--from FILE is required (a full, then its incrementals in order)');
        const target = loadExistingMasterKey(process.env);
        const header = await restoreBackup(target, from);
        const upTo = header.kind === 'incremental' ? ` up to incremental #${header.seq}` : '';
        process.stdout.write(`restored ${from.join(' + ')} (${header.dialect}${upTo}, made ${header.createdAt})\n`);
        return true;
      }
      case 'master-key': {
        if (process.argv[3] !== 'export') fail('usage: kameng master-key export|rotate');
        const target = loadExistingMasterKey(process.env);
        const database = openDatabase(target);
        try {
          await writeAudit(
            database.db,
            { clock: systemClock, random: cryptoRandom },
            { actorId: null, action: 'master_key.exported', details: { via: 'cli' } },
          );
        } finally {
          await database.close();
        }
        process.stdout.write(`${target.masterKey.toString('hex')}\n`);
        return true;
      }
      default:
        return false;
    }
  } catch (err) {
    if (err instanceof BackupError || err instanceof ConfigError) fail(err.message);
    throw err;
  }
}
