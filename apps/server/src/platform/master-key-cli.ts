import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadConfig, loadExistingMasterKey } from './config.ts';
import { migrate } from './db/migrate.ts';
import { createRuntime } from './deps.ts';
import { rotateMasterKey } from './master-key.ts';
import type { KamengModule } from './module.ts';

/**
 * `kameng master-key rotate`, with the shop stopped: every secret sealed under the old master key (from
 * KAMENG_MASTER_KEY or DATA_DIR/master.key) is sealed again under a new random one in one transaction, and
 * the new key is printed once. Kept in DATA_DIR/master.key, the file is replaced; given in KAMENG_MASTER_KEY,
 * the operator puts the printed key there before the next start. The new key is on disk (or on the screen)
 * before the transaction commits, so no crash leaves the data sealed under a key nobody has.
 */
export async function rotateMasterKeyCommand(modules: readonly KamengModule[]): Promise<void> {
  try {
    const existing = loadExistingMasterKey(process.env);
    const config = loadConfig(process.env);
    if (!config.masterKey.equals(existing.masterKey)) throw new ConfigError('the master key changed while loading');
    const fromFile = !process.env.KAMENG_MASTER_KEY;
    const next = randomBytes(32);
    const hex = next.toString('hex');
    const file = join(config.dataDir, 'master.key');
    const pending = `${file}.next`;
    if (fromFile) {
      if (!existsSync(file)) throw new ConfigError(`${file} is missing`);
      writeFileSync(pending, `${hex}\n`, { mode: 0o600 });
      chmodSync(pending, 0o600);
    } else {
      process.stdout.write(`${hex}\n`);
    }
    const runtime = createRuntime(config, modules);
    let counts: Record<string, number>;
    try {
      await migrate(runtime.database, runtime.deps.modules);
      counts = await rotateMasterKey(runtime.deps, next);
    } catch (err) {
      process.stderr.write(
        fromFile
          ? `nothing changed: the old master key still opens everything (${pending} is not in use)\n`
          : 'nothing changed: the old master key still opens everything; the key printed above is not in use\n',
      );
      throw err;
    } finally {
      await runtime.close();
    }
    if (fromFile) {
      renameSync(pending, file);
      process.stdout.write(`${hex}\n`);
    }
    const what = Object.entries(counts).map(([k, n]) => `${n} ${k}`);
    process.stderr.write(
      `master key rotated (${what.join(', ')}). ${
        fromFile ? `${file} holds the new key.` : 'Set KAMENG_MASTER_KEY to the new key above before starting the shop.'
      } Keep the new key in escrow (kameng master-key export); the old one opens nothing any more.\n`,
    );
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}
