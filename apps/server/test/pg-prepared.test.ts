import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, openSameDatabase, TEST_DATABASE_URL, type TestDatabase } from './support/harness.ts';

describe.skipIf(!TEST_DATABASE_URL)('PostgreSQL named prepared statements', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase({ poolSize: 1 });
  });
  afterAll(async () => {
    await t.drop();
  });

  it('prepares a parameterised query once per connection and reuses it', async () => {
    const { db } = t.database;
    const find = (key: string) => db.selectFrom('settings').select('value').where('key', '=', key).execute();
    for (let i = 0; i < 3; i++) await find(`k${i}`);
    const prepared = await sql<{ statement: string }>`select statement from pg_prepared_statements`.execute(db);
    const same = prepared.rows.filter((r) => r.statement.includes('from "settings" where "key" = $1'));
    expect(same).toHaveLength(1);
  });

  it('survives a migration elsewhere that changes what a prepared select * returns', async () => {
    const { db } = t.database;
    await sql`create table pp_items (id text primary key)`.execute(db);
    const read = () => sql<{ id: string }>`select * from pp_items where id = ${'a'}`.execute(db);
    await sql`insert into pp_items (id) values (${'a'})`.execute(db);
    expect((await read()).rows).toEqual([{ id: 'a' }]);
    // another process (a rolling deploy) adds a column while this connection holds the prepared statement
    const other = openSameDatabase(t, 1);
    await sql`alter table pp_items add column note text`.execute(other.db);
    await other.close();
    expect((await read()).rows).toEqual([{ id: 'a', note: null }]);
    expect((await read()).rows).toEqual([{ id: 'a', note: null }]);
  });
});
