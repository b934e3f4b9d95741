import { mkdtempSync, rmSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kysely, sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqlite } from './sqlite-adapter.ts';
import { GroupCommitDialect, type GroupCommitDriver } from './sqlite-group-commit.ts';

interface T {
  items: { id: number; v: string };
}

let dir: string;
let file: string;
let db: Kysely<T>;
let driver: GroupCommitDriver;

function open(limits?: { maxTransactions?: number; maxWaitMs?: number }) {
  const writer = openSqlite(file);
  const dialect = new GroupCommitDialect(writer, openSqlite(file, { reader: true }), limits);
  const create = dialect.createDriver.bind(dialect);
  dialect.createDriver = () => {
    driver = create();
    return driver;
  };
  return new Kysely<T>({ dialect });
}

/** What another process reading the file sees: only what was committed to disk. */
function committedRows(): number[] {
  const other = new DatabaseSync(file, { readOnly: true });
  try {
    return (other.prepare('select id from items order by id').all() as { id: number }[]).map((r) => r.id);
  } finally {
    other.close();
  }
}

const insert = (id: number) =>
  db.transaction().execute((tx) =>
    tx
      .insertInto('items')
      .values({ id, v: `v${id}` })
      .execute(),
  );

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kameng-gc-'));
  file = join(dir, 'db.sqlite');
  db = open();
  await sql`create table items (id integer primary key, v text not null)`.execute(db);
});

afterEach(async () => {
  await db.destroy();
  rmSync(dir, { recursive: true, force: true });
});

describe('SQLite group commit', () => {
  it('shares one commit between transactions that queue for the connection, each durable when it resolves', async () => {
    const before = { ...driver.stats };
    const seenByOthers: number[][] = [];
    await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        await insert(i + 1);
        // resolved means on disk: another connection to the file already sees this row
        seenByOthers.push(committedRows().filter((id) => id === i + 1));
      }),
    );
    expect(seenByOthers.every((r) => r.length === 1)).toBe(true);
    expect(committedRows()).toHaveLength(50);
    expect(driver.stats.transactions - before.transactions).toBe(50);
    const commits = driver.stats.commits - before.commits;
    expect(commits).toBeGreaterThan(0);
    expect(commits).toBeLessThan(10);
  });

  it('commits a lone transaction at once', async () => {
    const before = driver.stats.commits;
    await insert(7);
    expect(driver.stats.commits).toBe(before + 1);
    expect(committedRows()).toEqual([7]);
  });

  it('a transaction that fails rolls back only itself; the others of its group commit', async () => {
    await insert(5);
    const results = await Promise.allSettled(
      [1, 2, 5, 3, 4].map((id) =>
        db.transaction().execute(async (tx) => {
          await tx
            .insertInto('items')
            .values({ id: id * 10, v: 'x' })
            .execute();
          // the transaction for 5 also writes a duplicate key: it fails after writing 50
          if (id === 5) await tx.insertInto('items').values({ id: 5, v: 'dup' }).execute();
        }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect(committedRows()).toEqual([5, 10, 20, 30, 40]);
  });

  it('reads outside a transaction see only committed data and never wait for the writer', async () => {
    await db.transaction().execute(async (tx) => {
      await tx.insertInto('items').values({ id: 1, v: 'a' }).execute();
      // with one connection this read would wait for the transaction that is waiting for it
      expect(await db.selectFrom('items').select('id').execute()).toEqual([]);
      expect(await tx.selectFrom('items').select('id').execute()).toEqual([{ id: 1 }]);
    });
    expect(await db.selectFrom('items').select('id').execute()).toEqual([{ id: 1 }]);
  });

  it('a write outside a transaction joins the open group and answers once it is on disk', async () => {
    await insert(1);
    const results = await Promise.all([
      insert(2),
      db
        .updateTable('items')
        .set({ v: 'changed' })
        .where('id', '=', 1)
        .execute()
        .then(() => committedRows()),
      insert(3),
    ]);
    expect(results[1]).toContain(1);
    expect(await db.selectFrom('items').select('v').where('id', '=', 1).executeTakeFirst()).toEqual({ v: 'changed' });
    expect(committedRows()).toEqual([1, 2, 3]);
  });

  it('when the database abandons the open transaction, every transaction of that group fails and later ones work', async () => {
    await sql`create table boom (id integer)`.execute(db);
    await sql`create trigger boom_rollback before insert on boom begin select raise(rollback, 'boom'); end`.execute(db);
    const results = await Promise.allSettled([
      insert(1),
      insert(2),
      db.transaction().execute((tx) => sql`insert into boom (id) values (1)`.execute(tx)),
      insert(3),
    ]);
    // 1 and 2 joined the group the trigger threw away; 3 ran after it, in a group of its own
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected', 'fulfilled']);
    expect(committedRows()).toEqual([3]);
    await insert(4);
    expect(committedRows()).toEqual([3, 4]);
  });

  it('bounds a group by its transaction count', async () => {
    await db.destroy();
    db = open({ maxTransactions: 5 });
    const before = driver.stats.commits;
    await Promise.all(Array.from({ length: 20 }, (_, i) => insert(i + 1)));
    expect(driver.stats.commits - before).toBeGreaterThanOrEqual(4);
    expect(committedRows()).toHaveLength(20);
  });

  it('keeps db.connection() usable while transactions run beside it', async () => {
    // (as with any single-connection driver, awaiting a transaction inside connection() would wait forever)
    const pinned = db.connection().execute(async (c) => {
      await c.insertInto('items').values({ id: 1, v: 'a' }).execute();
      await new Promise((r) => setTimeout(r, 5));
      await c.insertInto('items').values({ id: 3, v: 'c' }).execute();
    });
    await Promise.all([pinned, insert(2), insert(4)]);
    expect(committedRows()).toEqual([1, 2, 3, 4]);
  });
});
