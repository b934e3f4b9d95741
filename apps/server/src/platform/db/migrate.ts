import { type Kysely, type MigrationProvider, Migrator, type Migration as KyselyMigration } from 'kysely';
import type { KamengModule } from '../module.ts';
import type { Database, Dialect } from './database.ts';
import * as foundation from './migrations/0001-foundation.ts';
import * as idempotencyAndExports from './migrations/0015-idempotency-and-export-indexes.ts';

/** One forward-only migration step of a module. */
export interface Migration {
  up(db: Kysely<unknown>, dialect: Dialect): Promise<void>;
}

/** The platform's own tables: the audit log, jobs, settings and (0015) idempotency keys. */
const PLATFORM: Readonly<Record<string, Migration>> = {
  '0001-foundation': foundation,
  '0015-idempotency-and-export-indexes': idempotencyAndExports,
};

/**
 * Every migration by name, in the order they run: names sort globally, so a module's migration runs after
 * every lower-numbered one of any module. A name several owners contribute to (0001-foundation: platform and
 * accounts; 0007-vault-imports: vault and notify — released before the tables moved into their modules;
 * 0015-idempotency-and-export-indexes: platform, vault and orders) runs
 * its parts in one step, platform first, then the modules in their list order. Names never change once
 * released: a database records the names it has applied.
 */
export function migrationPlan(modules: readonly KamengModule[]): Array<[string, Migration[]]> {
  const byName = new Map<string, Migration[]>();
  const owners: Array<Readonly<Record<string, Migration>>> = [PLATFORM, ...modules.map((m) => m.migrations ?? {})];
  for (const own of owners) {
    for (const [name, m] of Object.entries(own)) byName.set(name, [...(byName.get(name) ?? []), m]);
  }
  return [...byName.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Forward-only, numbered migrations of the platform and every module, run at start-up on both dialects. */
export async function migrate(database: Database, modules: readonly KamengModule[]): Promise<void> {
  const provider: MigrationProvider = {
    async getMigrations() {
      const out: Record<string, KyselyMigration> = {};
      for (const [name, parts] of migrationPlan(modules)) {
        out[name] = {
          up: async (db) => {
            for (const part of parts) await part.up(db, database.dialect);
          },
        };
      }
      return out;
    },
  };
  const migrator = new Migrator({
    db: database.db,
    provider,
    ...(database.schema ? { migrationTableSchema: database.schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`migration ${failed?.migrationName ?? ''} failed: ${String(error)}`, { cause: error });
  }
}
