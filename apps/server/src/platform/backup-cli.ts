import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { writeAudit } from './audit.ts';
import { BackupError, restoreBackup, writeBackup } from './backup.ts';
import { cryptoRandom, systemClock } from './clock.ts';
import { ConfigError, loadConfig, loadExistingMasterKey } from './config.ts';
import { openDatabase } from './db/database.ts';

export const BACKUP_USAGE = `  backup --out FILE    write one encrypted, checksummed archive of the running shop
  restore --from FILE  restore an archive into an empty DATA_DIR or empty database (same master key)
  master-key export    print the master key for escrow (recorded in the audit log)
  master-key rotate    with the shop stopped: seal every secret again under a new master key, printed once`;

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

function option(name: 'out' | 'from'): string {
  const { values } = parseArgs({ args: process.argv.slice(3), options: { [name]: { type: 'string' } } });
  const value = values[name];
  if (typeof value !== 'string' || value === '') fail(`--${name} FILE is required`);
  return resolve(value);
}

/** `backup`, `restore` and `master-key`: returns false for any other command. */
export async function runBackupCommand(command: string | undefined): Promise<boolean> {
  try {
    switch (command) {
      case 'backup': {
        const out = option('out');
        const config = loadConfig(process.env);
        const header = await writeBackup(config, out);
        process.stdout.write(
          `backup written: ${out} (${header.dialect}, ${header.bytes} bytes, sha256 ${header.sha256})\n`,
        );
        return true;
      }
      case 'restore': {
        const from = option('from');
        const target = loadExistingMasterKey(process.env);
        const header = await restoreBackup(target, from);
        process.stdout.write(`restored ${from} (${header.dialect}, made ${header.createdAt})\n`);
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
