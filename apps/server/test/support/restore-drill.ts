import { expect } from 'vitest';
import { call } from './client.ts';
import type { TestApp } from './harness.ts';
import { expectBalanced, type Shop } from './trade.ts';

/**
 * A restored shop holds what the backup took: every order committed before it began, delivered with a key that
 * decrypts to one that was sold; each buyer's balance the top-up less the orders the snapshot holds; the stock the
 * keys less those orders; a zero trial balance. Returns how many orders the restored shop has.
 */
export async function expectRestoredShop(
  r: TestApp,
  shop: Shop,
  buyers: { token: string; userId: string }[],
  before: { id: string; token: string }[],
  toppedUpCents: number,
): Promise<number> {
  for (const o of before) {
    const got = await call(r.app, 'GET', `/api/v1/orders/${o.id}`, { token: o.token });
    expect(got.status).toBe(200);
    expect(got.body.status).toBe('delivered');
    expect(got.body.cardKeys).toHaveLength(1);
    expect(shop.keys).toContain(got.body.cardKeys[0]);
  }
  const orders = await r.deps.db.selectFrom('orders').select(['id', 'buyer_id', 'amount_cents']).execute();
  expect(orders.length).toBeGreaterThanOrEqual(before.length);
  for (const b of buyers) {
    const mine = orders.filter((o) => o.buyer_id === b.userId);
    const wallet = await call(r.app, 'GET', '/api/v1/wallet', { token: b.token });
    expect(wallet.body.balanceCents).toBe(toppedUpCents - mine.reduce((s, o) => s + Number(o.amount_cents), 0));
    for (const o of mine) {
      const got = await call(r.app, 'GET', `/api/v1/orders/${o.id}`, { token: b.token });
      for (const k of got.body.cardKeys) expect(shop.keys).toContain(k);
    }
  }
  const stock = await call(r.app, 'GET', `/api/v1/products/${shop.productId}`);
  expect(stock.body.stock).toBe(shop.keys.length - orders.length);
  await expectBalanced(r, shop.admin);
  return orders.length;
}
