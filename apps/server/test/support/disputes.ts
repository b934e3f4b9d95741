import { expect } from 'vitest';
import { call, PASSWORD, registerAndLogin, type Session, staffUser } from './client.ts';
import type { TestApp } from './harness.ts';
import { drainJobs } from './jobs.ts';
import { expectBalanced, openShop, type Shop, topUp } from './trade.ts';

export const HOUR = 3_600_000;

/** A shop (price 1000 fen a key, 5% commission), a buyer with 20 000 fen in the wallet, an arbitrator, a stranger. */
export interface CaseWorld {
  shop: Shop;
  buyer: Session;
  arbitrator: Session;
  operator: Session;
  stranger: Session;
  otherSupplier: Shop['supplier'];
}

export async function caseWorld(t: TestApp, keyCount = 40): Promise<CaseWorld> {
  const shop = await openShop(t, { keyCount, priceCents: 1000 });
  const other = await openShop(t, { keyCount: 1, priceCents: 500 });
  const buyer = await registerAndLogin(t.app);
  await topUp(t, buyer.token, 20_000);
  return {
    shop,
    buyer,
    arbitrator: await staffUser(t, shop.admin, ['arbitrator']),
    operator: await staffUser(t, shop.admin, ['operator']),
    stranger: await registerAndLogin(t.app),
    otherSupplier: other.supplier,
  };
}

/** A delivered wallet order of `quantity` keys. */
export async function buy(t: TestApp, w: CaseWorld, quantity = 1): Promise<{ id: string; keys: string[] }> {
  const r = await call(t.app, 'POST', '/api/v1/orders', {
    token: w.buyer.token,
    body: { items: [{ productId: w.shop.productId, quantity }], paymentMethod: 'balance' },
  });
  expect(r.status).toBe(201);
  expect(r.body.status).toBe('delivered');
  const got = await call(t.app, 'GET', `/api/v1/orders/${r.body.id}`, { token: w.buyer.token });
  return { id: r.body.id, keys: got.body.cardKeys };
}

export async function openCase(
  t: TestApp,
  w: CaseWorld,
  orderId: string,
  body: Record<string, unknown> = { reason: 'invalid_key', message: '卡密无效 / the key does not work' },
): Promise<string> {
  const r = await call(t.app, 'POST', `/api/v1/orders/${orderId}/disputes`, { token: w.buyer.token, body });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  expect(r.body).toEqual({ id: expect.stringMatching(/^dsp_/), status: 'open' });
  return r.body.id;
}

export async function getCase(t: TestApp, token: string, id: string) {
  return call(t.app, 'GET', `/api/v1/disputes/${id}`, { token });
}

export async function walletCents(t: TestApp, token: string): Promise<number> {
  return (await call(t.app, 'GET', '/api/v1/wallet', { token })).body.balanceCents;
}

export async function supplierBalance(t: TestApp, token: string) {
  return (await call(t.app, 'GET', '/api/v1/supplier/balance', { token })).body as {
    heldCents: number;
    frozenCents: number;
    availableCents: number;
    withdrawingCents: number;
  };
}

export async function orderStatus(t: TestApp, w: CaseWorld, orderId: string): Promise<string> {
  return (await call(t.app, 'GET', `/api/v1/orders/${orderId}`, { token: w.buyer.token })).body.status;
}

export async function answer(t: TestApp, w: CaseWorld, id: string, body: Record<string, unknown>) {
  return call(t.app, 'POST', `/api/v1/supplier/disputes/${id}/answer`, { token: w.shop.supplier.token, body });
}

export async function rule(t: TestApp, w: CaseWorld, id: string, body: Record<string, unknown>) {
  return call(t.app, 'POST', `/api/v1/admin/disputes/${id}/rule`, { token: w.arbitrator.token, body });
}

/** Runs the due jobs (deadlines, auto-complete) and proves the book. */
export async function tick(t: TestApp, w: CaseWorld): Promise<void> {
  await drainJobs(t);
  await expectBalanced(t, w.shop.admin);
}

/** The audit trail's count of one action on one object. */
export async function auditCount(t: TestApp, action: string, objectId: string): Promise<number> {
  const rows = await t.deps.db
    .selectFrom('audit_log')
    .select('id')
    .where('action', '=', action)
    .where('object_id', '=', objectId)
    .execute();
  return rows.length;
}

/** Another product of the shop's supplier (approved), with `keys` card keys or `keys` units of manual stock. */
export async function addShopProduct(
  t: TestApp,
  w: CaseWorld,
  priceCents: number,
  deliveryMode: 'auto' | 'manual',
  keys: number,
): Promise<string> {
  const p = await call(t.app, 'POST', '/api/v1/supplier/products', {
    token: w.shop.supplier.token,
    body: {
      categoryId: w.shop.categoryId,
      title: `商品 ${priceCents} ${deliveryMode}`,
      description: '<p>x</p>',
      priceCents,
      deliveryMode,
      ...(deliveryMode === 'manual' ? { stock: keys } : {}),
    },
  });
  expect(p.status, JSON.stringify(p.body)).toBe(201);
  if (deliveryMode === 'auto') {
    const body = { keys: Array.from({ length: keys }, (_, i) => `CH-${p.body.id.slice(-6)}-${i}`) };
    const r = await call(t.app, 'POST', `/api/v1/supplier/products/${p.body.id}/card-keys`, {
      token: w.shop.supplier.token,
      body,
    });
    expect(r.status).toBeLessThan(300);
    await drainJobs(t);
  }
  const ok = await call(t.app, 'POST', `/api/v1/admin/products/${p.body.id}/approve`, { token: w.shop.admin });
  expect(ok.status).toBe(200);
  return p.body.id;
}

/** A wallet order of `items` by the holder of `token`; its id. */
export async function placeOrder(
  t: TestApp,
  items: { productId: string; quantity: number }[],
  token: string,
  opts: { headers?: Record<string, string>; ip?: string } = {},
): Promise<string> {
  const r = await call(t.app, 'POST', '/api/v1/orders', { token, body: { items, paymentMethod: 'balance' }, ...opts });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.id;
}

/** The shop's supplier, re-authenticated with a payout account: a function that asks to withdraw an amount. */
export async function withdrawals(t: TestApp, w: CaseWorld) {
  const s = w.shop.supplier;
  const reauth = await call(t.app, 'POST', '/api/v1/auth/reauth', {
    token: s.token,
    body: { password: PASSWORD, totp: s.factor.next() },
  });
  expect(reauth.status).toBe(200);
  const account = await call(t.app, 'POST', '/api/v1/supplier/payout-accounts', {
    token: s.token,
    body: { kind: 'alipay', holderName: '王五', account: '13812345678' },
  });
  expect(account.status).toBe(201);
  return (amountCents: number) =>
    call(t.app, 'POST', '/api/v1/supplier/withdrawals', {
      token: s.token,
      body: { amountCents, payoutAccountId: account.body.id },
    });
}

/** A standing action in force, as the bad-faith review sets it past a threshold. */
export async function setStanding(
  t: TestApp,
  userId: string,
  action: 'settlement_delayed' | 'fast_track',
  side: 'buyer' | 'supplier',
  at: number,
): Promise<void> {
  await t.deps.db
    .insertInto('dispute_standings')
    .values({
      user_id: userId,
      action,
      side,
      score: 70,
      reasons: '[]',
      undo: null,
      set_at: at,
      lifted_at: null,
      lifted_by: null,
    })
    .execute();
}
