import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getSetting, setSetting } from '../src/platform/settings.ts';
import { createTestDatabase, dialectName, type TestDatabase } from './support/harness.ts';

/** Settings are kept per process for a moment (a purchase reads them); a write shows at once where it was made. */
describe(`settings kept per process (${dialectName})`, () => {
  let t: TestDatabase;
  let reads = 0;
  beforeAll(async () => {
    t = await createTestDatabase({
      onQuery: (sql) => {
        if (sql.startsWith('select "value" from "settings"')) reads++;
      },
    });
  });
  afterAll(async () => {
    await t.drop();
  });

  it('reads a setting once, then from memory', async () => {
    const db = t.database.db;
    reads = 0;
    expect(await getSetting(db, 'orders.manualDeliveryHours')).toBe(24);
    expect(await getSetting(db, 'orders.manualDeliveryHours')).toBe(24);
    await db.transaction().execute(async (tx) => {
      expect(await getSetting(tx, 'orders.manualDeliveryHours')).toBe(24);
    });
    expect(reads).toBe(1);
    expect(await getSetting(db, 'orders.manualDeliveryHours', { fresh: true })).toBe(24);
    expect(reads).toBe(2);
  });

  it('a write shows at once; its transaction sees its own value, and a rollback leaves the old one', async () => {
    const db = t.database.db;
    await setSetting(db, 'agents.maxDepth', 4, 1);
    expect(await getSetting(db, 'agents.maxDepth')).toBe(4);
    await expect(
      db.transaction().execute(async (tx) => {
        await setSetting(tx, 'agents.maxDepth', 5, 2);
        expect(await getSetting(tx, 'agents.maxDepth')).toBe(5);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await getSetting(db, 'agents.maxDepth')).toBe(4);
    await db.transaction().execute(async (tx) => {
      await setSetting(tx, 'agents.maxDepth', 6, 3);
    });
    expect(await getSetting(db, 'agents.maxDepth')).toBe(6);
  });
});
