import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decrypt, deriveKey } from '../src/platform/crypto.ts';
import { rotateMasterKey } from '../src/platform/master-key.ts';
import { kameng } from './support/cli.ts';
import { call, login, PASSWORD, registerAndLogin } from './support/client.ts';
import {
  createTestApp,
  dialectName,
  openSameDatabase,
  TEST_DATABASE_URL,
  type TestApp,
  type TestDatabase,
} from './support/harness.ts';
import { drainJobs } from './support/jobs.ts';
import { openShop, type Shop, topUp } from './support/trade.ts';

/** Every card key of the database opened with `master`: its data key unwrapped, each key decrypted. */
async function cardKeysUnder(t: TestApp, master: Buffer): Promise<string[]> {
  const db = t.deps.db;
  const batches = await db.selectFrom('card_key_batches').select(['id', 'wrapped_dek']).execute();
  const deks = new Map(batches.map((b) => [b.id, decrypt(deriveKey(master, 'vault-wrap'), b.wrapped_dek, b.id)]));
  const keys = await db.selectFrom('card_keys').select(['id', 'batch_id', 'secret_enc']).orderBy('id').execute();
  return keys.map((k) => decrypt(deks.get(k.batch_id) as Buffer, k.secret_enc, k.id).toString('utf8')).sort();
}

/** The same database as `t`, served by a second app started with `masterHex` (closing it leaves the database). */
function sameDatabase(t: TestApp): TestDatabase {
  const database = openSameDatabase(t.db);
  return { ...t.db, database, drop: () => database.close() };
}

describe(`master-key rotation (${dialectName})`, () => {
  const OLD = randomBytes(32);
  const NEW = randomBytes(32);
  let t: TestApp;
  let shop: Shop;
  let buyer: Awaited<ReturnType<typeof registerAndLogin>>;
  let orderId: string;
  let bought: string[];
  let payoutId: string;

  beforeAll(async () => {
    t = await createTestApp({ env: { KAMENG_SANDBOX: 'on', KAMENG_MASTER_KEY: OLD.toString('hex') } });
    shop = await openShop(t, { keyCount: 4, priceCents: 500 });
    buyer = await registerAndLogin(t.app);
    await topUp(t, buyer.token, 1000);
    const order = await call(t.app, 'POST', '/api/v1/orders', {
      token: buyer.token,
      body: { items: [{ productId: shop.productId, quantity: 1 }], paymentMethod: 'balance' },
    });
    expect(order.status).toBe(201);
    await drainJobs(t);
    orderId = order.body.id;
    const seen = await call(t.app, 'GET', `/api/v1/orders/${orderId}`, { token: buyer.token });
    bought = seen.body.cardKeys;
    expect(bought).toHaveLength(1);
    const account = await call(t.app, 'POST', '/api/v1/supplier/payout-accounts', {
      token: shop.supplier.token,
      body: { kind: 'alipay', holderName: '王五', account: 'wangwu@example.cn' },
    });
    expect(account.status).toBe(201);
    payoutId = account.body.id;
  });
  afterAll(async () => {
    await t.close();
  });

  it('seals every secret again under the new key in one go, and the old key opens none of them', async () => {
    expect(await cardKeysUnder(t, OLD)).toEqual([...shop.keys].sort());
    const counts = await rotateMasterKey(t.deps, NEW);
    expect(counts).toMatchObject({ 'card key data keys': 1, 'card key hashes': 4, 'payout accounts': 1 });
    // the admin and the supplier both have 2FA on
    expect(counts['TOTP secrets']).toBeGreaterThanOrEqual(2);
    expect(await cardKeysUnder(t, NEW)).toEqual([...shop.keys].sort());
    await expect(cardKeysUnder(t, OLD)).rejects.toThrow();
    const account = await t.deps.db
      .selectFrom('payout_accounts')
      .select('account_enc')
      .where('id', '=', payoutId)
      .executeTakeFirstOrThrow();
    expect(decrypt(deriveKey(NEW, 'payout-account'), account.account_enc, payoutId).toString()).toBe(
      'wangwu@example.cn',
    );
    expect(() => decrypt(deriveKey(OLD, 'payout-account'), account.account_enc, payoutId)).toThrow();
    const audit = await t.deps.db
      .selectFrom('audit_log')
      .select('action')
      .where('action', '=', 'master_key.rotated')
      .execute();
    expect(audit).toHaveLength(1);
    await expect(rotateMasterKey(t.deps, OLD.subarray(0, 16))).rejects.toThrow(/32 bytes/);
  });

  it('a server started with the new key shows the keys, signs staff in with 2FA and still finds duplicates', async () => {
    const next = await createTestApp({
      db: sameDatabase(t),
      env: { KAMENG_SANDBOX: 'on', KAMENG_MASTER_KEY: NEW.toString('hex') },
    });
    try {
      const seen = await call(next.app, 'GET', `/api/v1/orders/${orderId}`, { token: buyer.token });
      expect(seen.status).toBe(200);
      expect(seen.body.cardKeys).toEqual(bought);
      // the TOTP secret opens under the new key: the supplier signs in with a fresh code
      const supplier = await login(next.app, shop.supplier.email, PASSWORD, shop.supplier.factor);
      expect(supplier.token).toBeTruthy();
      // the de-duplication hashes moved too: a stored key imported again is a duplicate, a new one is not
      const again = await call(next.app, 'POST', `/api/v1/supplier/products/${shop.productId}/card-keys`, {
        token: supplier.token,
        body: { keys: [shop.keys[2], 'QB-NEW-AFTER-ROTATION'] },
      });
      expect(again.status, JSON.stringify(again.body)).toBeLessThan(300);
      expect(again.body).toMatchObject({ imported: 1, duplicates: 1 });
    } finally {
      await next.close();
    }
  });

  it('a server still started with the old key cannot open the card keys', async () => {
    const stale = await createTestApp({
      db: sameDatabase(t),
      env: { KAMENG_SANDBOX: 'on', KAMENG_MASTER_KEY: OLD.toString('hex') },
    });
    try {
      const seen = await call(stale.app, 'GET', `/api/v1/orders/${orderId}`, { token: buyer.token });
      expect(seen.status).toBe(500);
      expect(JSON.stringify(seen.body)).not.toContain(bought[0]);
    } finally {
      await stale.close();
    }
  });
});

// the command run as a process, on a DATA_DIR whose master.key file it replaces (PostgreSQL: the test above)
describe.skipIf(TEST_DATABASE_URL)('kameng master-key rotate (sqlite, the command)', () => {
  const OLD = randomBytes(32).toString('hex');
  let t: TestApp;
  let shop: Shop;
  beforeAll(async () => {
    t = await createTestApp({ env: { KAMENG_SANDBOX: 'on', KAMENG_MASTER_KEY: OLD } });
    shop = await openShop(t, { keyCount: 3, priceCents: 700 });
  });
  afterAll(async () => {
    await t.close();
  });

  it('prints the new key once, replaces master.key, and the new key opens every card key', async () => {
    const file = join(t.db.dataDir, 'master.key');
    writeFileSync(file, `${OLD}\n`, { mode: 0o600 });
    const r = await kameng(['master-key', 'rotate'], { DATA_DIR: t.db.dataDir });
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^[0-9a-f]{64}\n$/);
    const hex = r.out.trim();
    expect(hex).not.toBe(OLD);
    expect(r.err).toMatch(/master key rotated \(.*1 card key data keys, 3 card key hashes/);
    expect(readFileSync(file, 'utf8').trim()).toBe(hex);
    expect(await cardKeysUnder(t, Buffer.from(hex, 'hex'))).toEqual([...shop.keys].sort());
    await expect(cardKeysUnder(t, Buffer.from(OLD, 'hex'))).rejects.toThrow();
    // with the key given in the environment, the file is left alone and the key is printed for the operator
    const viaEnv = await kameng(['master-key', 'rotate'], { DATA_DIR: t.db.dataDir, KAMENG_MASTER_KEY: hex });
    expect(viaEnv.code, viaEnv.err).toBe(0);
    expect(viaEnv.err).toMatch(/Set KAMENG_MASTER_KEY/);
    expect(readFileSync(file, 'utf8').trim()).toBe(hex);
    const third = viaEnv.out.trim();
    expect(await cardKeysUnder(t, Buffer.from(third, 'hex'))).toEqual([...shop.keys].sort());
    // the wrong key opens nothing and changes nothing
    const wrong = await kameng(['master-key', 'rotate'], { DATA_DIR: t.db.dataDir, KAMENG_MASTER_KEY: OLD });
    expect(wrong.code).not.toBe(0);
    expect(await cardKeysUnder(t, Buffer.from(third, 'hex'))).toEqual([...shop.keys].sort());
  });
});
