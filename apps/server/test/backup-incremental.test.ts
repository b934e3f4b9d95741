import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackupError, readBackupHeader, restoreBackup, writeBackup, writeIncremental } from '../src/platform/backup.ts';
import { openDatabase } from '../src/platform/db/database.ts';
import { migrate } from '../src/platform/db/migrate.ts';
import { MODULES } from '../src/modules/index.ts';
import { call, registerAndLogin } from './support/client.ts';
import { createTestApp, TEST_DATABASE_URL, type TestApp } from './support/harness.ts';
import { expectRestoredShop } from './support/restore-drill.ts';
import { openShop, type Shop, topUp } from './support/trade.ts';

const MASTER = randomBytes(32).toString('hex');
const KEY = Buffer.from(MASTER, 'hex');

// SQLite's incrementals: page-level, a chain of a full and the incrementals after it (PostgreSQL's are WAL
// archiving with pgBackRest, outside the app: docs/deploy.md#backups)
describe.skipIf(TEST_DATABASE_URL)('restore drill (sqlite): a full and two incrementals taken mid-trade', () => {
  let t: TestApp;
  let shop: Shop;
  let buyers: { token: string; userId: string }[];
  const work = mkdtempSync(join(tmpdir(), 'kameng-incr-'));
  const full = join(work, 'full.kmb');
  const incr1 = join(work, 'incr1.kmb');
  const incr2 = join(work, 'incr2.kmb');
  /** the orders each step had committed before its archive began */
  const committed: { id: string; token: string }[][] = [];
  const target = () => ({ dataDir: t.db.dataDir, databaseUrl: undefined, masterKey: KEY });
  const buy = async (b: { token: string }) => {
    const r = await call(t.app, 'POST', '/api/v1/orders', {
      token: b.token,
      body: { items: [{ productId: shop.productId, quantity: 1 }], paymentMethod: 'balance' },
    });
    expect(r.status).toBe(201);
    return { id: r.body.id as string, token: b.token };
  };
  /** one round of purchases, then `archive` taken while each buyer buys twice more */
  async function tradeThenBackUp(archive: () => Promise<unknown>) {
    const done = [...(committed.at(-1) ?? [])];
    for (const b of buyers) done.push(await buy(b));
    committed.push(done);
    await Promise.all([archive(), ...buyers.flatMap((b) => [buy(b), buy(b)])]);
  }

  beforeAll(async () => {
    t = await createTestApp({ env: { KAMENG_SANDBOX: 'on', KAMENG_MASTER_KEY: MASTER } });
    shop = await openShop(t, { keyCount: 40, priceCents: 300 });
    buyers = await Promise.all([registerAndLogin(t.app), registerAndLogin(t.app), registerAndLogin(t.app)]);
    for (const b of buyers) await topUp(t, b.token, 10_000);
    await tradeThenBackUp(() => writeBackup(target(), full));
    await tradeThenBackUp(() => writeIncremental(target(), [full], incr1));
    await tradeThenBackUp(() => writeIncremental(target(), [full, incr1], incr2));
  });
  afterAll(async () => {
    await t.close();
    rmSync(work, { recursive: true, force: true });
  });

  /** Restores `chain` into a fresh DATA_DIR and proves the shop there: every order committed before the last archive
   * began, delivered with keys that decrypt to what was sold, balances, stock, a zero trial balance. */
  async function restoredHolds(chain: string[], before: { id: string; token: string }[]) {
    const dataDir = mkdtempSync(join(tmpdir(), 'kameng-incr-restored-'));
    try {
      await restoreBackup({ dataDir, databaseUrl: undefined, masterKey: KEY }, chain);
      const database = openDatabase({ dataDir });
      await migrate(database, MODULES);
      const r = await createTestApp({
        db: { database, dataDir, schema: undefined, drop: () => database.close() },
        env: { KAMENG_SANDBOX: 'on', KAMENG_MASTER_KEY: MASTER },
      });
      try {
        return await expectRestoredShop(r, shop, buyers, before, 10_000);
      } finally {
        await r.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }

  it('restores full + incremental 1 + incremental 2 in order: orders, keys that decrypt, balances, trial balance zero', async () => {
    const h1 = readBackupHeader(incr1).header;
    const h2 = readBackupHeader(incr2).header;
    const f = readBackupHeader(full).header;
    expect(f.kind).toBe('full');
    expect(h1).toMatchObject({ kind: 'incremental', seq: 1, chain: f.sha256, parentSha256: f.sha256 });
    expect(h2).toMatchObject({ kind: 'incremental', seq: 2, chain: f.sha256, parentSha256: h1.resultSha256 });
    // an incremental carries the changed pages only, enciphered: smaller than the full, no key or title inside
    expect(statSync(incr2).size).toBeLessThan(statSync(full).size);
    for (const file of [incr1, incr2]) {
      const bytes = readFileSync(file);
      for (const key of shop.keys) expect(bytes.includes(Buffer.from(key))).toBe(false);
      expect(bytes.includes(Buffer.from('腾讯Q币'))).toBe(false);
    }
    const atIncr2 = await restoredHolds([full, incr1, incr2], committed[2] as { id: string; token: string }[]);
    const atIncr1 = await restoredHolds([full, incr1], committed[1] as { id: string; token: string }[]);
    expect(atIncr2).toBeGreaterThan(atIncr1);
  });

  it('refuses a missing, reordered, changed or foreign incremental, and a chain that starts with one', async () => {
    const into = () => ({
      dataDir: join(work, `empty-${randomBytes(4).toString('hex')}`),
      databaseUrl: undefined,
      masterKey: KEY,
    });
    await expect(restoreBackup(into(), [full, incr2])).rejects.toThrow(
      /incremental #2 of its full, but #1 comes next.*missing or out of order/,
    );
    await expect(restoreBackup(into(), [full, incr2, incr1])).rejects.toThrow(/missing or out of order/);
    await expect(restoreBackup(into(), [incr1, incr2])).rejects.toThrow(
      /is an incremental: a restore starts from its full/,
    );
    await expect(restoreBackup(into(), [full, full])).rejects.toThrow(/is a full/);

    const changed = join(work, 'changed.kmb');
    const bytes = readFileSync(incr1);
    bytes[bytes.length - 40] = (bytes[bytes.length - 40] as number) ^ 1;
    writeFileSync(changed, bytes);
    await expect(restoreBackup(into(), [full, changed, incr2])).rejects.toThrow(
      /does not open with this master key, or it was changed/,
    );
    const cut = join(work, 'cut.kmb');
    writeFileSync(cut, readFileSync(incr1).subarray(0, 30));
    await expect(restoreBackup(into(), [full, cut])).rejects.toThrow(BackupError);

    // an incremental of another full does not apply to this one
    const other = join(work, 'other-full.kmb');
    const otherIncr = join(work, 'other-incr.kmb');
    await writeBackup(target(), other);
    await writeIncremental(target(), [other], otherIncr);
    await expect(restoreBackup(into(), [full, otherIncr])).rejects.toThrow(/an incremental of another full/);
    // and writing on top of a chain that does not rebuild is refused too
    copyFileSync(changed, join(work, 'broken.kmb'));
    await expect(writeIncremental(target(), [full, join(work, 'broken.kmb')], join(work, 'x.kmb'))).rejects.toThrow(
      /does not open/,
    );
  });
});
