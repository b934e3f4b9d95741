import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/platform/db/database.ts';
import { call, registerAndLogin } from './support/client.ts';
import { createTestApp, TEST_DATABASE_URL, type TestApp } from './support/harness.ts';
import { openShop, type Shop, topUp } from './support/trade.ts';

const CLI = resolve(dirname(fileURLToPath(import.meta.url)), '../src/cli.ts');
const MASTER = randomBytes(32).toString('hex');

/** `kameng <args>` as an operator runs it: a fresh process with only the environment it is given. */
function kameng(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'silent', ...env },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', fail);
    child.on('close', (code) => done({ code, out, err }));
  });
}

// the commands on PostgreSQL dump the whole DATABASE_URL (every test's schema); the drill covers PostgreSQL
describe.skipIf(TEST_DATABASE_URL)('kameng backup / restore / master-key export (sqlite, the commands)', () => {
  let t: TestApp;
  let shop: Shop;
  const work = mkdtempSync(join(tmpdir(), 'kameng-cli-backup-'));
  beforeAll(async () => {
    t = await createTestApp({ env: { KAMENG_SANDBOX: 'on', KAMENG_MASTER_KEY: MASTER } });
    shop = await openShop(t, { keyCount: 3, priceCents: 700 });
  });
  afterAll(async () => {
    await t.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('backs up the running shop, restores only into an empty DATA_DIR with the key, and the order is there', async () => {
    const buyer = await registerAndLogin(t.app);
    await topUp(t, buyer.token, 1000);
    const order = await call(t.app, 'POST', '/api/v1/orders', {
      token: buyer.token,
      body: { items: [{ productId: shop.productId, quantity: 1 }], paymentMethod: 'balance' },
    });
    expect(order.status).toBe(201);

    const archive = join(work, 'shop.kmb');
    const made = await kameng(['backup', '--out', archive], { DATA_DIR: t.db.dataDir, KAMENG_MASTER_KEY: MASTER });
    expect(made.err).toBe('');
    expect(made.code).toBe(0);
    expect(made.out).toMatch(/backup written: .*shop\.kmb \(sqlite/);
    expect((await kameng(['backup'], { DATA_DIR: t.db.dataDir, KAMENG_MASTER_KEY: MASTER })).code).toBe(1);

    const restored = join(work, 'restored');
    const keyless = await kameng(['restore', '--from', archive], { DATA_DIR: restored });
    expect(keyless.code).toBe(1);
    expect(keyless.err).toMatch(/no master key/);
    const wrong = await kameng(['restore', '--from', archive], {
      DATA_DIR: restored,
      KAMENG_MASTER_KEY: randomBytes(32).toString('hex'),
    });
    expect(wrong.code).toBe(1);
    expect(wrong.err).toMatch(/does not open with this master key/);

    const ok = await kameng(['restore', '--from', archive], { DATA_DIR: restored, KAMENG_MASTER_KEY: MASTER });
    expect(ok.code).toBe(0);
    const again = await kameng(['restore', '--from', archive], { DATA_DIR: restored, KAMENG_MASTER_KEY: MASTER });
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/not empty/);

    const exported = await kameng(['master-key', 'export'], { DATA_DIR: restored, KAMENG_MASTER_KEY: MASTER });
    expect(exported.code).toBe(0);
    expect(exported.out).toBe(`${MASTER}\n`);

    const database = openDatabase({ dataDir: restored });
    try {
      const audit = await database.db
        .selectFrom('audit_log')
        .select('action')
        .where('action', '=', 'master_key.exported')
        .execute();
      expect(audit).toHaveLength(1);
      const row = await database.db
        .selectFrom('orders')
        .select(['id', 'status'])
        .where('id', '=', order.body.id)
        .executeTakeFirst();
      expect(row).toEqual({ id: order.body.id, status: 'delivered' });
    } finally {
      await database.close();
    }
  });
});
