import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approvedSupplier, call, loginAdmin, registerAndLogin } from './support/client.ts';
import { createTestApp, dialectName, type TestApp } from './support/harness.ts';
import { drainJobs } from './support/jobs.ts';
import { expectBalanced, topUp } from './support/trade.ts';

// Names instead of ids (shop names, buyer contacts), the shop page, the people's delivery queue (manual goods
// and direct top-ups) and the session probe a visitor's page asks first.

describe(`names, shops, the delivery queue and the session probe (${dialectName})`, () => {
  let t: TestApp;
  let admin: string;
  let supplier: Awaited<ReturnType<typeof approvedSupplier>>;
  let buyer: Awaited<ReturnType<typeof registerAndLogin>>;
  let directId: string;
  let manualId: string;
  let autoOrderId: string;
  let withdrawalId = '';
  const orderIds: { direct: string; manual: string } = { direct: '', manual: '' };

  const product = async (body: Record<string, unknown>, goodsType: string) => {
    const cat = await call(t.app, 'POST', '/api/v1/admin/categories', {
      token: admin,
      body: { name: `${goodsType} ${Math.random()}`, goodsType },
    });
    expect(cat.status).toBe(201);
    const p = await call(t.app, 'POST', '/api/v1/supplier/products', {
      token: supplier.token,
      body: { categoryId: cat.body.id, description: '<p>说明</p>', ...body },
    });
    expect(p.status).toBe(201);
    expect((await call(t.app, 'POST', `/api/v1/admin/products/${p.body.id}/approve`, { token: admin })).status).toBe(
      200,
    );
    return p.body.id as string;
  };

  const buy = async (productId: string, extra: Record<string, unknown> = {}) => {
    const r = await call(t.app, 'POST', '/api/v1/orders', {
      token: buyer.token,
      body: { items: [{ productId, quantity: 1 }], paymentMethod: 'balance', ...extra },
    });
    expect(r.status).toBe(201);
    await drainJobs(t);
    return r.body.id as string;
  };

  beforeAll(async () => {
    t = await createTestApp({ env: { KAMENG_SANDBOX: 'on' } });
    admin = await loginAdmin(t);
    supplier = await approvedSupplier(t, admin, '星辰点卡');
    buyer = await registerAndLogin(t.app);
    await topUp(t, buyer.token, 100_000);
    directId = await product(
      { title: '话费 50元 直充', priceCents: 4980, deliveryMode: 'direct', recipientField: '手机号', stock: 10 },
      'direct',
    );
    manualId = await product({ title: '代练 一局', priceCents: 1000, deliveryMode: 'manual', stock: 10 }, 'manual');
    const autoId = await product({ title: 'Q币 10元', priceCents: 1000, deliveryMode: 'auto' }, 'card_key');
    const keys = await call(t.app, 'POST', `/api/v1/supplier/products/${autoId}/card-keys`, {
      token: supplier.token,
      body: { keys: ['NAMES-KEY-000001'] },
    });
    expect(keys.status).toBeLessThan(300);
    await drainJobs(t);
    orderIds.manual = await buy(manualId);
    orderIds.direct = await buy(directId, { recipientAccount: '13912345678' });
    autoOrderId = await buy(autoId);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers a visitor with user null and a signed-in user with himself, never 401', async () => {
    const visitor = await call(t.app, 'GET', '/api/v1/auth/session');
    expect(visitor.status).toBe(200);
    expect(visitor.body).toEqual({ user: null });
    // an ended or forged session is a visitor, not an error
    const forged = await call(t.app, 'GET', '/api/v1/auth/session', { token: 'x'.repeat(43) });
    expect(forged.status).toBe(200);
    expect(forged.body).toEqual({ user: null });
    const signed = await call(t.app, 'GET', '/api/v1/auth/session', { token: buyer.token });
    expect(signed.status).toBe(200);
    expect(signed.body.user).toMatchObject({ id: buyer.userId, email: buyer.email, roles: ['buyer'] });
  });

  it("shows the product page's shop name and a shop page; a buyer or an unknown id is no shop", async () => {
    const page = await call(t.app, 'GET', `/api/v1/products/${manualId}`);
    expect(page.status).toBe(200);
    expect(page.body.shopName).toBe('星辰点卡');
    const shop = await call(t.app, 'GET', `/api/v1/shops/${supplier.userId}`);
    expect(shop.status).toBe(200);
    expect(shop.body).toEqual({ id: supplier.userId, name: '星辰点卡' });
    expect((await call(t.app, 'GET', `/api/v1/shops/${buyer.userId}`)).status).toBe(404);
    const unknown = await call(t.app, 'GET', '/api/v1/shops/usr_nobody');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('NOT_FOUND');
    expect((await call(t.app, 'GET', `/api/v1/shops/${'x'.repeat(65)}`)).status).toBe(400);
  });

  it("names the supplier's shop and the category path in the operators' product list", async () => {
    const list = await call(t.app, 'GET', '/api/v1/admin/products?status=approved', { token: admin });
    expect(list.status).toBe(200);
    const direct = list.body.items.find((p: { id: string }) => p.id === directId);
    expect(direct.shopName).toBe('星辰点卡');
    expect(direct.categoryPath).toMatch(/^direct /);
  });

  it("names each cart item's shop", async () => {
    const put = await call(t.app, 'PUT', '/api/v1/cart/items', {
      token: buyer.token,
      body: { productId: directId, quantity: 1 },
    });
    expect(put.status).toBe(200);
    const cart = await call(t.app, 'GET', '/api/v1/cart', { token: buyer.token });
    expect(cart.body.items).toMatchObject([{ productId: directId, supplierId: supplier.userId, shopName: '星辰点卡' }]);
    await call(t.app, 'PUT', '/api/v1/cart/items', { token: buyer.token, body: { productId: directId, quantity: 0 } });
  });

  it('lists paid direct and manual orders in the delivery queue, oldest first, never auto ones', async () => {
    const r = await call(t.app, 'GET', '/api/v1/supplier/orders?queue=delivery', { token: supplier.token });
    expect(r.status).toBe(200);
    expect(r.body.items.map((o: { id: string }) => o.id)).toEqual([orderIds.manual, orderIds.direct]);
    expect(r.body.total).toBe(2);
    const direct = r.body.items[1];
    expect(direct.recipientAccount).toBe('13912345678');
    expect(direct.shopName).toBe('星辰点卡');
    // the supplier sees the buyer masked
    expect(direct.buyerContact).toBe(`${buyer.email.slice(0, 2)}***${buyer.email.slice(buyer.email.indexOf('@'))}`);
    expect(JSON.stringify(r.body)).not.toContain(autoOrderId);
    expect(
      (await call(t.app, 'GET', '/api/v1/supplier/orders?queue=everything', { token: supplier.token })).status,
    ).toBe(400);
  });

  it("keeps another supplier's queue empty and lets the supplier deliver the direct order from it", async () => {
    const other = await approvedSupplier(t, admin, '别家小店');
    const theirs = await call(t.app, 'GET', '/api/v1/supplier/orders?queue=delivery', { token: other.token });
    expect(theirs.status).toBe(200);
    expect(theirs.body.items).toEqual([]);
    const stolen = await call(t.app, 'POST', `/api/v1/supplier/orders/${orderIds.direct}/deliver`, {
      token: other.token,
      body: { content: '已充值' },
    });
    expect(stolen.status).toBe(404);
    const done = await call(t.app, 'POST', `/api/v1/supplier/orders/${orderIds.direct}/deliver`, {
      token: supplier.token,
      body: { content: '已充值 50元，流水号 123', status: 'completed' },
    });
    expect(done.status).toBe(400);
    const delivered = await call(t.app, 'POST', `/api/v1/supplier/orders/${orderIds.direct}/deliver`, {
      token: supplier.token,
      body: { content: '已充值 50元，流水号 123' },
    });
    expect(delivered.status).toBe(200);
    expect(delivered.body.status).toBe('delivered');
    const again = await call(t.app, 'POST', `/api/v1/supplier/orders/${orderIds.direct}/deliver`, {
      token: supplier.token,
      body: { content: '再次发货' },
    });
    expect(again.status).toBe(409);
    const queue = await call(t.app, 'GET', '/api/v1/supplier/orders?queue=delivery', { token: supplier.token });
    expect(queue.body.items.map((o: { id: string }) => o.id)).toEqual([orderIds.manual]);
  });

  it('lets only the supplier refund a paid manual order in full, once, with a reason and nothing else', async () => {
    const path = `/api/v1/supplier/orders/${orderIds.manual}/refund`;
    const other = await approvedSupplier(t, admin, '第三家店');
    expect((await call(t.app, 'POST', path, { token: other.token, body: { reason: '缺货' } })).status).toBe(404);
    expect((await call(t.app, 'POST', path, { token: buyer.token, body: { reason: '缺货' } })).status).toBe(403);
    // the amount and the destination are not the supplier's to choose
    const assigned = await call(t.app, 'POST', path, {
      token: supplier.token,
      body: { reason: '缺货', amountCents: 1 },
    });
    expect(assigned.status).toBe(400);
    expect((await call(t.app, 'POST', path, { token: supplier.token, body: { reason: ' ' } })).status).toBe(400);
    const before = (await call(t.app, 'GET', '/api/v1/wallet', { token: buyer.token })).body.balanceCents;
    const refunded = await call(t.app, 'POST', path, { token: supplier.token, body: { reason: '缺货' } });
    expect(refunded.status).toBe(200);
    expect(refunded.body.status).toBe('refunded');
    const after = (await call(t.app, 'GET', '/api/v1/wallet', { token: buyer.token })).body.balanceCents;
    expect(after - before).toBe(1000);
    const replay = await call(t.app, 'POST', path, { token: supplier.token, body: { reason: '缺货' } });
    expect(replay.status).toBe(409);
    expect((await call(t.app, 'GET', '/api/v1/wallet', { token: buyer.token })).body.balanceCents).toBe(after);
    // an automatic order is not refunded by hand
    const auto = await call(t.app, 'POST', `/api/v1/supplier/orders/${autoOrderId}/refund`, {
      token: supplier.token,
      body: { reason: '不想卖了' },
    });
    expect(auto.status).toBe(409);
    await expectBalanced(t, admin);
  });

  it("gives operators each order's buyer email and shop name, and finds orders by part of the email", async () => {
    const list = await call(t.app, 'GET', '/api/v1/admin/orders', { token: admin });
    expect(list.status).toBe(200);
    const mine = list.body.items.filter((o: { id: string }) => Object.values(orderIds).includes(o.id));
    expect(mine).toHaveLength(2);
    for (const o of mine) {
      expect(o.buyerContact).toBe(buyer.email);
      expect(o.shopName).toBe('星辰点卡');
    }
    const local = buyer.email.slice(0, buyer.email.indexOf('@'));
    const found = await call(t.app, 'GET', `/api/v1/admin/orders?q=${encodeURIComponent(local)}`, { token: admin });
    expect(found.status).toBe(200);
    expect(found.body.total).toBe(3);
    const detail = await call(t.app, 'GET', `/api/v1/admin/orders/${orderIds.manual}`, { token: admin });
    expect(detail.status).toBe(200);
    expect(detail.body.buyerContact).toBe(buyer.email);
    expect(detail.body.shopName).toBe('星辰点卡');
    // a buyer's own order carries the shop name but no contact of his own
    const own = await call(t.app, 'GET', `/api/v1/orders/${orderIds.manual}`, { token: buyer.token });
    expect(own.body.shopName).toBe('星辰点卡');
    expect(own.body).not.toHaveProperty('buyerContact');
    expect((await call(t.app, 'GET', '/api/v1/admin/orders', { token: supplier.token })).status).toBe(403);
  });

  it("gives operators the order's payment and what is left to refund; a part refund lowers it", async () => {
    const detail = await call(t.app, 'GET', `/api/v1/admin/orders/${autoOrderId}`, { token: admin });
    expect(detail.status).toBe(200);
    expect(detail.body.paymentId).toMatch(/^pay_/);
    expect(detail.body.refundableCents).toBe(1000);
    const part = await call(t.app, 'POST', `/api/v1/admin/payments/${detail.body.paymentId}/refunds`, {
      token: admin,
      body: { amountCents: 300, destination: 'wallet', reason: '少发一张' },
    });
    expect(part.status).toBe(201);
    const after = await call(t.app, 'GET', `/api/v1/admin/orders/${autoOrderId}`, { token: admin });
    expect(after.body.refundableCents).toBe(700);
    await expectBalanced(t, admin);
  });

  it("lets operators send a delivered order's notice again, audited; nothing else may", async () => {
    const path = (id: string) => `/api/v1/admin/orders/${id}/resend-delivery`;
    expect((await call(t.app, 'POST', path(autoOrderId), { token: supplier.token })).status).toBe(403);
    expect((await call(t.app, 'POST', path(autoOrderId), { token: buyer.token })).status).toBe(403);
    expect((await call(t.app, 'POST', path('ord_nothing'), { token: admin })).status).toBe(404);
    expect(
      (await call(t.app, 'POST', path(autoOrderId), { token: admin, body: { to: 'x@evil.example' } })).status,
    ).toBe(400);
    // a refunded order has no delivery to send
    const refunded = await call(t.app, 'POST', path(orderIds.manual), { token: admin });
    expect(refunded.status).toBe(409);
    const sent = await call(t.app, 'POST', path(autoOrderId), { token: admin });
    expect(sent.status).toBe(202);
    expect(sent.body).toEqual({ ok: true });
    const audit = await t.deps.db
      .selectFrom('audit_log')
      .select('action')
      .where('object_id', '=', autoOrderId)
      .where('action', '=', 'order.resend_delivery')
      .execute();
    expect(audit).toHaveLength(1);
    await drainJobs(t);
  });

  it("names the supplier's shop in the operators' withdrawal list", async () => {
    const confirmed = await call(t.app, 'POST', `/api/v1/orders/${orderIds.direct}/confirm`, { token: buyer.token });
    expect(confirmed.status).toBe(200);
    await drainJobs(t);
    const account = await call(t.app, 'POST', '/api/v1/supplier/payout-accounts', {
      token: supplier.token,
      body: { kind: 'alipay', holderName: '王五', account: '13812345678' },
    });
    expect(account.status).toBe(201);
    const asked = await call(t.app, 'POST', '/api/v1/supplier/withdrawals', {
      token: supplier.token,
      body: { amountCents: 100, payoutAccountId: account.body.id },
    });
    expect(asked.status).toBe(201);
    const list = await call(t.app, 'GET', '/api/v1/admin/withdrawals?status=pending', { token: admin });
    expect(list.body.items.find((w: { id: string }) => w.id === asked.body.id)).toMatchObject({
      supplierId: supplier.userId,
      shopName: '星辰点卡',
    });
    withdrawalId = asked.body.id;
  });

  it("filters the operators' withdrawal list and its export by part of the shop name", async () => {
    const ids = async (query: string) => {
      const r = await call(t.app, 'GET', `/api/v1/admin/withdrawals?${query}`, { token: admin });
      expect(r.status).toBe(200);
      return { ids: r.body.items.map((w: { id: string }) => w.id), total: r.body.total };
    };
    expect((await ids(`shop=${encodeURIComponent('星辰')}`)).ids).toContain(withdrawalId);
    expect(await ids(`shop=${encodeURIComponent('月亮小铺')}`)).toEqual({ ids: [], total: 0 });
    // LIKE's wildcards are the text they are, not "any shop"
    expect((await ids(`shop=${encodeURIComponent('%')}`)).total).toBe(0);
    expect((await ids(`shop=${encodeURIComponent('星辰')}&status=rejected`)).total).toBe(0);
    expect(
      (await call(t.app, 'GET', `/api/v1/admin/withdrawals?shop=${'x'.repeat(65)}`, { token: admin })).status,
    ).toBe(400);
    expect((await call(t.app, 'GET', '/api/v1/admin/withdrawals?shop=x', { token: supplier.token })).status).toBe(403);
    const csv = async (shop: string) => {
      const r = await t.app.inject({
        method: 'GET',
        url: `/api/v1/admin/withdrawals/export?format=csv&shop=${encodeURIComponent(shop)}`,
        headers: { authorization: `Bearer ${admin}` },
      });
      expect(r.statusCode).toBe(200);
      return r.body;
    };
    expect(await csv('点卡')).toContain(withdrawalId);
    expect(await csv('月亮小铺')).not.toContain(withdrawalId);
  });
});
