import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { postEntry } from '../../src/modules/ledger/ledger.service.ts';
import { approvedSupplier, call, loginAdmin, registerAndLogin, type SecondFactor } from './client.ts';
import type { TestApp } from './harness.ts';
import { drainJobs } from './jobs.ts';

export interface Shop {
  admin: string;
  supplier: { token: string; userId: string; email: string; factor: SecondFactor };
  categoryId: string;
  productId: string;
  keys: string[];
}

/** An approved supplier (2FA on) with one approved card-key product holding `keyCount` keys. */
export async function openShop(t: TestApp, opts: { keyCount?: number; priceCents?: number } = {}): Promise<Shop> {
  const admin = await loginAdmin(t);
  const supplier = await approvedSupplier(t, admin);
  const cat = await call(t.app, 'POST', '/api/v1/admin/categories', {
    token: admin,
    body: { name: `点卡 ${Date.now()}` },
  });
  expect(cat.status).toBe(201);
  const product = await call(t.app, 'POST', '/api/v1/supplier/products', {
    token: supplier.token,
    body: {
      categoryId: cat.body.id,
      title: '腾讯Q币 10元',
      description: '<p>自动发货</p>',
      priceCents: opts.priceCents ?? 1000,
      deliveryMode: 'auto',
    },
  });
  expect(product.status).toBe(201);
  const keys = Array.from(
    { length: opts.keyCount ?? 10 },
    (_, i) => `QB-${product.body.id.slice(-6)}-${String(i).padStart(6, '0')}`,
  );
  const imported = await call(t.app, 'POST', `/api/v1/supplier/products/${product.body.id}/card-keys`, {
    token: supplier.token,
    body: { keys },
  });
  expect(imported.status).toBeLessThan(300);
  await drainJobs(t);
  expect(
    (await call(t.app, 'POST', `/api/v1/admin/products/${product.body.id}/approve`, { token: admin })).status,
  ).toBe(200);
  return { admin, supplier, categoryId: cat.body.id, productId: product.body.id, keys };
}

export async function expectBalanced(t: TestApp, admin: string): Promise<void> {
  const tb = await call(t.app, 'GET', '/api/v1/admin/ledger/trial-balance', { token: admin });
  expect(tb.status).toBe(200);
  expect(tb.body.balanced).toBe(true);
}

export async function topUp(t: TestApp, token: string, amountCents: number): Promise<void> {
  const r = await call(t.app, 'POST', '/api/v1/wallet/top-ups', {
    token,
    body: { amountCents, paymentMethod: 'sandbox' },
  });
  expect(r.status).toBe(201);
  const done = await call(t.app, 'POST', `/sandbox/payments/${r.body.payment.id}/complete`, { body: {} });
  expect(done.status).toBe(200);
  await drainJobs(t);
}

export { registerAndLogin };

/**
 * Gives each wallet `amountCents` straight from the test clearing account, a hundred wallets to a ledger entry
 * (the most an entry holds): set-up for races between hundreds of buyers, where one entry per buyer was
 * hundreds of commits queued on the clearing account's row.
 */
export async function fundWallets(t: TestApp, userIds: string[], amountCents: number): Promise<void> {
  for (let i = 0; i < userIds.length; i += 100) {
    const ids = userIds.slice(i, i + 100);
    await t.deps.db.transaction().execute((tx) =>
      postEntry(tx, t.deps, {
        id: `test-fund:${randomBytes(8).toString('hex')}`,
        kind: 'test_funding',
        transfers: ids.map((id) => ({ from: 'clearing:test', to: `wallet:${id}`, amountCents })),
      }),
    );
  }
}

/** PROMISES 5: no order has entered `paid` more than once, whatever was replayed. */
export async function expectNoOrderPaidTwice(t: TestApp, where: string): Promise<void> {
  const paidTwice = await t.deps.db
    .selectFrom('order_events')
    .select(['order_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('to_status', '=', 'paid')
    .groupBy('order_id')
    .having((eb) => eb.fn.countAll(), '>', 1)
    .execute();
  expect(paidTwice, where).toEqual([]);
}
