import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackupError, readBackupHeader, restoreBackup, writeBackup } from '../src/platform/backup.ts';
import { openDatabase } from '../src/platform/db/database.ts';
import { migrate } from '../src/platform/db/migrate.ts';
import { MODULES } from '../src/modules/index.ts';
import { call, registerAndLogin } from './support/client.ts';
import { createTestApp, dialectName, TEST_DATABASE_URL, type TestApp, type TestDatabase } from './support/harness.ts';
import { createPgDatabase } from './support/pg-database.ts';
import { expectRestoredShop } from './support/restore-drill.ts';
import { openShop, type Shop, topUp } from './support/trade.ts';

const MASTER = randomBytes(32).toString('hex');

/** An empty place to restore into: a fresh DATA_DIR, or a fresh PostgreSQL database. */
async function emptyTarget(): Promise<{ dataDir: string; databaseUrl: string | undefined; drop(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kameng-restored-'));
  if (!TEST_DATABASE_URL)
    return { dataDir, databaseUrl: undefined, drop: async () => rmSync(dataDir, { recursive: true }) };
  const created = await createPgDatabase('restore');
  return {
    dataDir,
    databaseUrl: created.url,
    async drop() {
      rmSync(dataDir, { recursive: true });
      await created.drop();
    },
  };
}

describe(`restore drill (${dialectName}): a live shop backed up mid-trade, restored elsewhere`, () => {
  let t: TestApp;
  let shop: Shop;
  const work = mkdtempSync(join(tmpdir(), 'kameng-drill-'));
  const archive = join(work, 'shop.kmb');
  beforeAll(async () => {
    t = await createTestApp({ env: { KAMENG_SANDBOX: 'on', KAMENG_MASTER_KEY: MASTER } });
    shop = await openShop(t, { keyCount: 40, priceCents: 500 });
  });
  afterAll(async () => {
    await t.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('loses nothing that was committed before the backup: orders, keys that decrypt, balances, a balanced ledger', async () => {
    const buyers = await Promise.all([registerAndLogin(t.app), registerAndLogin(t.app), registerAndLogin(t.app)]);
    for (const b of buyers) await topUp(t, b.token, 10_000);
    const buy = (token: string) =>
      call(t.app, 'POST', '/api/v1/orders', {
        token,
        body: { items: [{ productId: shop.productId, quantity: 1 }], paymentMethod: 'balance' },
      });
    const before = [];
    for (const b of buyers) before.push({ token: b.token, order: await buy(b.token) });
    for (const o of before) expect(o.order.status).toBe(201);

    // purchases keep running while the backup is taken
    const target = { dataDir: t.db.dataDir, databaseUrl: TEST_DATABASE_URL, masterKey: Buffer.from(MASTER, 'hex') };
    const [header] = await Promise.all([
      writeBackup({ ...target, ...(t.db.schema ? { pgSchema: t.db.schema } : {}) }, archive),
      ...buyers.flatMap((b) => [buy(b.token), buy(b.token)]),
    ]);
    expect(header).toMatchObject({ format: 'kameng-backup', version: 1, dialect: dialectName });

    // the archive is enciphered: no card key, no product title, no SQLite/pg_dump signature in it
    const bytes = readFileSync(archive);
    for (const key of shop.keys) expect(bytes.includes(Buffer.from(key))).toBe(false);
    expect(bytes.includes(Buffer.from('腾讯Q币'))).toBe(false);
    expect(bytes.includes(Buffer.from('SQLite format 3'))).toBe(false);
    expect(bytes.includes(Buffer.from('PGDMP'))).toBe(false);
    expect(readBackupHeader(archive).header.sha256).toBe(header.sha256);

    const restored = await emptyTarget();
    try {
      await restoreBackup({ ...restored, masterKey: Buffer.from(MASTER, 'hex') }, archive);
      // a second restore into the now non-empty place is refused
      await expect(restoreBackup({ ...restored, masterKey: Buffer.from(MASTER, 'hex') }, archive)).rejects.toThrow(
        /not empty/,
      );
      const database = openDatabase({
        databaseUrl: restored.databaseUrl,
        dataDir: restored.dataDir,
        ...(t.db.schema ? { pgSchema: t.db.schema } : {}),
      });
      await migrate(database, MODULES);
      const db: TestDatabase = {
        database,
        dataDir: restored.dataDir,
        schema: t.db.schema,
        drop: async () => {
          await database.close();
        },
      };
      const r = await createTestApp({ db, env: { KAMENG_SANDBOX: 'on', KAMENG_MASTER_KEY: MASTER } });
      try {
        // every order paid before the backup began is there, delivered, its key decrypting to what was sold; each
        // restored buyer's balance is the top-up less the orders the snapshot holds; the ledger balances
        await expectRestoredShop(
          r,
          shop,
          buyers,
          before.map((o) => ({ id: o.order.body.id as string, token: o.token })),
          10_000,
        );
      } finally {
        await r.close();
      }
    } finally {
      await restored.drop();
    }
  });

  it('refuses another master key, a changed archive, and a non-empty place', async () => {
    const empty = await emptyTarget();
    try {
      await expect(restoreBackup({ ...empty, masterKey: randomBytes(32) }, archive)).rejects.toThrow(BackupError);
      const bytes = readFileSync(archive);
      bytes[bytes.length - 100] = (bytes[bytes.length - 100] as number) ^ 1;
      writeFileSync(join(work, 'changed.kmb'), bytes);
      await expect(
        restoreBackup({ ...empty, masterKey: Buffer.from(MASTER, 'hex') }, join(work, 'changed.kmb')),
      ).rejects.toThrow(/does not open/);
      if (!empty.databaseUrl) {
        writeFileSync(join(empty.dataDir, 'notes.txt'), 'x');
        await expect(restoreBackup({ ...empty, masterKey: Buffer.from(MASTER, 'hex') }, archive)).rejects.toThrow(
          /not empty/,
        );
      }
    } finally {
      await empty.drop();
    }
  });
});
