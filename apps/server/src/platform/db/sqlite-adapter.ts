import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

function bind(parameters: ReadonlyArray<unknown>): SQLInputValue[] {
  return parameters.map((p) => (typeof p === 'boolean' ? (p ? 1 : 0) : (p as SQLInputValue)));
}

/**
 * Adapts `node:sqlite` to the better-sqlite3-shaped interface Kysely's SqliteDialect expects,
 * so the embedded database needs no native addon. Prepared statements are cached per SQL text.
 * Transactions (BEGIN IMMEDIATE, so two processes sharing the file never deadlock upgrading a read lock)
 * are run by the group-commit driver in sqlite-group-commit.ts.
 */
export function openSqlite(file: string, opts: { reader?: boolean } = {}): SqliteDatabase & { raw: DatabaseSync } {
  const raw = new DatabaseSync(file);
  if (opts.reader) {
    // the connection for reads outside transactions (see sqlite-group-commit.ts): WAL shows it committed data only
    raw.exec('PRAGMA query_only = ON');
    raw.exec('PRAGMA busy_timeout = 5000');
    raw.exec('PRAGMA cache_size = -16384');
  } else {
    raw.exec('PRAGMA journal_mode = WAL');
    raw.exec('PRAGMA synchronous = FULL');
    raw.exec('PRAGMA foreign_keys = ON');
    raw.exec('PRAGMA busy_timeout = 5000');
    // 32 MiB of page cache (the default is 2 MiB): index pages stay hot once a table holds millions of card keys
    raw.exec('PRAGMA cache_size = -32768');
  }
  const cache = new Map<string, { stmt: StatementSync; reader: boolean }>();

  function prepare(text: string): SqliteStatement {
    let entry = cache.get(text);
    if (!entry) {
      const stmt = raw.prepare(text);
      entry = { stmt, reader: stmt.columns().length > 0 };
      if (cache.size > 500) cache.clear();
      cache.set(text, entry);
    }
    const { stmt, reader } = entry;
    return {
      reader,
      all: (params) => stmt.all(...bind(params)),
      run: (params) => {
        const r = stmt.run(...bind(params));
        return { changes: r.changes, lastInsertRowid: r.lastInsertRowid };
      },
      iterate: (params) => stmt.iterate(...bind(params)) as IterableIterator<unknown>,
    };
  }

  return {
    raw,
    prepare,
    close: () => {
      cache.clear();
      raw.close();
    },
  };
}
