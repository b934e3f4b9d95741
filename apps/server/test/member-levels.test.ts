import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { call, registerAndLogin, type Session } from './support/client.ts';
import { walletCents } from './support/disputes.ts';
import { createTestApp, dialectName, type TestApp } from './support/harness.ts';
import { drainJobs } from './support/jobs.ts';
import { expectBalanced, openShop, type Shop, topUp } from './support/trade.ts';

describe(`member levels and buyer prices (${dialectName})`, () => {
  let t: TestApp;
  let shop: Shop;
  let admin: string;

  beforeAll(async () => {
    t = await createTestApp({ env: { KAMENG_SANDBOX: 'on' } });
    shop = await openShop(t, { keyCount: 40, priceCents: 1000 });
    admin = shop.admin;
  });
  afterEach(async () => {
    await expectBalanced(t, admin);
  });
  afterAll(async () => {
    await t.close();
  });

  async function level(body: Record<string, unknown>): Promise<string> {
    const r = await call(t.app, 'POST', '/api/v1/admin/levels', { token: admin, body });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body.id;
  }

  async function buy(token: string, quantity = 1, productId = shop.productId) {
    const r = await call(t.app, 'POST', '/api/v1/orders', {
      token,
      body: { items: [{ productId, quantity }], paymentMethod: 'balance' },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body;
  }

  async function priceFor(token: string | undefined, productId = shop.productId) {
    const r = await call(t.app, 'GET', `/api/v1/products/${productId}`, token ? { token } : {});
    expect(r.status).toBe(200);
    return r.body as { priceCents: number; priceRule?: string; listPriceCents?: number };
  }

  async function myLevel(token: string) {
    const r = await call(t.app, 'GET', '/api/v1/me/level', { token });
    expect(r.status).toBe(200);
    return r.body;
  }

  async function rich(): Promise<Session & { email: string }> {
    const b = await registerAndLogin(t.app);
    await topUp(t, b.token, 50_000);
    return b;
  }

  let silver: string;
  let vip: string;

  it('operators define levels (the contract), unique by rank; nobody else can', async () => {
    silver = await level({ name: '银卡会员', rank: 10, discountBps: 500, spendThresholdCents: 2000 });
    vip = await level({
      name: 'VIP',
      rank: 20,
      discountBps: 1000,
      feeDiscountBps: 2000,
      upgradePriceCents: 3000,
      serviceContact: 'QQ 800800',
    });
    const list = await call(t.app, 'GET', '/api/v1/admin/levels', { token: admin });
    expect(list.status).toBe(200);
    expect(list.body.items.map((l: { name: string }) => l.name)).toEqual(['银卡会员', 'VIP']);
    expect(list.body.items[1]).toMatchObject({ discountBps: 1000, feeDiscountBps: 2000, upgradePriceCents: 3000 });

    const clash = await call(t.app, 'POST', '/api/v1/admin/levels', { token: admin, body: { name: 'X', rank: 20 } });
    expect(clash.status).toBe(409);
    const bad = await call(t.app, 'POST', '/api/v1/admin/levels', {
      token: admin,
      body: { name: 'X', rank: 30, discountBps: 10_001 },
    });
    expect(bad.status).toBe(400);
    const buyer = await registerAndLogin(t.app);
    expect(
      (await call(t.app, 'POST', '/api/v1/admin/levels', { token: buyer.token, body: { name: 'Me', rank: 99 } }))
        .status,
    ).toBe(403);
    expect(
      (
        await call(t.app, 'PUT', `/api/v1/admin/users/${buyer.userId}/level`, {
          token: buyer.token,
          body: { levelId: vip },
        })
      ).status,
    ).toBe(403);
    expect((await call(t.app, 'GET', '/api/v1/admin/levels', { token: buyer.token })).status).toBe(403);
  });

  it('a buyer reaches a level by spend, sees the discount, and a refund takes it back', async () => {
    const b = await rich();
    expect((await myLevel(b.token)).level).toBeNull();
    expect((await myLevel(b.token)).next).toMatchObject({ level: { id: silver }, remainingCents: 2000 });
    expect((await priceFor(b.token)).priceCents).toBe(1000);

    const first = await buy(b.token, 2);
    expect(first.items[0]).toMatchObject({ unitPriceCents: 1000, priceRule: 'base' });
    const now = await myLevel(b.token);
    expect(now).toMatchObject({ level: { id: silver }, source: 'spend', spendCents: 2000 });
    // 专属客服 shows for one's own level only
    expect(now.levels.find((l: { id: string }) => l.id === vip).serviceContact).toBeUndefined();

    // 5% off for 银卡 on the product page, the cart and the order
    expect(await priceFor(b.token)).toMatchObject({
      priceCents: 950,
      priceRule: 'level_discount',
      listPriceCents: 1000,
    });
    expect((await priceFor(undefined)).priceCents).toBe(1000);
    const list = await call(t.app, 'GET', '/api/v1/products?pageSize=100', { token: b.token });
    expect(list.body.items.find((i: { id: string }) => i.id === shop.productId).priceCents).toBe(950);
    const guestList = await call(t.app, 'GET', '/api/v1/products?pageSize=100');
    expect(guestList.body.items.find((i: { id: string }) => i.id === shop.productId).priceCents).toBe(1000);
    const put = await call(t.app, 'PUT', '/api/v1/cart/items', {
      token: b.token,
      body: { productId: shop.productId, quantity: 3 },
    });
    expect(put.status).toBe(200);
    const cart = await call(t.app, 'GET', '/api/v1/cart', { token: b.token });
    expect(cart.body.items[0]).toMatchObject({ unitPriceCents: 950, priceRule: 'level_discount' });
    const second = await buy(b.token, 1);
    expect(second).toMatchObject({ amountCents: 950, items: [{ unitPriceCents: 950, priceRule: 'level_discount' }] });
    expect((await myLevel(b.token)).spendCents).toBe(2950);

    // the operator refunds the first order: 2000 no longer counts, 950 is below 银卡's threshold
    const refund = await call(t.app, 'POST', `/api/v1/admin/payments/${first.payment.id}/refunds`, {
      token: admin,
      body: { amountCents: 2000, reason: 'buyer asked', destination: 'wallet' },
    });
    expect(refund.status, JSON.stringify(refund.body)).toBe(201);
    expect(await myLevel(b.token)).toMatchObject({ level: null, spendCents: 950 });
    expect((await priceFor(b.token)).priceCents).toBe(1000);
  });

  it('a partial refund takes only its part off the spend', async () => {
    const b = await rich();
    const order = await buy(b.token, 3);
    expect(await myLevel(b.token)).toMatchObject({ level: { id: silver }, spendCents: 3000 });
    const refund = await call(t.app, 'POST', `/api/v1/admin/payments/${order.payment.id}/refunds`, {
      token: admin,
      headers: { 'idempotency-key': 'part-1' },
      body: { amountCents: 1500, reason: 'one key was bad', destination: 'wallet' },
    });
    expect(refund.status, JSON.stringify(refund.body)).toBe(201);
    const again = await call(t.app, 'POST', `/api/v1/admin/payments/${order.payment.id}/refunds`, {
      token: admin,
      headers: { 'idempotency-key': 'part-1' },
      body: { amountCents: 1500, reason: 'one key was bad', destination: 'wallet' },
    });
    expect(again.status).toBe(200);
    expect(await myLevel(b.token)).toMatchObject({ level: null, spendCents: 1500 });
  });

  it('a level is bought through a channel once, whatever the notifications replay', async () => {
    const b = await registerAndLogin(t.app);
    const start = await call(t.app, 'POST', '/api/v1/me/level/upgrades', {
      token: b.token,
      body: { levelId: vip, paymentMethod: 'sandbox' },
    });
    expect(start.status, JSON.stringify(start.body)).toBe(201);
    expect(start.body.payment).toMatchObject({ amountCents: 3000, status: 'pending' });
    expect((await myLevel(b.token)).level).toBeNull();
    const paymentId = start.body.payment.id;
    for (let i = 0; i < 2; i++) {
      const done = await call(t.app, 'POST', `/sandbox/payments/${paymentId}/complete`, { body: { duplicates: 3 } });
      expect(done.status).toBe(200);
      await drainJobs(t);
    }
    expect(await myLevel(b.token)).toMatchObject({
      level: { id: vip, serviceContact: 'QQ 800800' },
      source: 'purchase',
    });
    const entries = await t.deps.db.selectFrom('journal_entries').selectAll().where('ref_id', '=', paymentId).execute();
    expect(entries.filter((e) => e.kind === 'level_upgrade')).toHaveLength(1);
    const revenue = await t.deps.db
      .selectFrom('postings')
      .select((eb) => eb.fn.sum<number>('amount_cents').as('s'))
      .where('account_id', '=', 'platform:member_upgrades')
      .where('entry_id', '=', `level-upgrade:${paymentId}`)
      .executeTakeFirst();
    expect(Number(revenue?.s)).toBe(3000);
    expect((await priceFor(b.token)).priceCents).toBe(900);

    // already there: no second upgrade; a level not for sale cannot be bought
    const again = await call(t.app, 'POST', '/api/v1/me/level/upgrades', {
      token: b.token,
      body: { levelId: vip, paymentMethod: 'sandbox' },
    });
    expect(again.status).toBe(422);
    const c = await registerAndLogin(t.app);
    const notForSale = await call(t.app, 'POST', '/api/v1/me/level/upgrades', {
      token: c.token,
      body: { levelId: silver, paymentMethod: 'sandbox' },
    });
    expect(notForSale.status).toBe(422);
    // the price comes from the level, never from the body
    const priced = await call(t.app, 'POST', '/api/v1/me/level/upgrades', {
      token: c.token,
      body: { levelId: vip, paymentMethod: 'sandbox', amountCents: 1 },
    });
    expect(priced.status).toBe(400);

    // an operator refunds the upgrade: all of it, and the level goes
    const refund = await call(t.app, 'POST', `/api/v1/admin/payments/${paymentId}/refunds`, {
      token: admin,
      body: { amountCents: 3000, reason: 'changed mind', destination: 'original' },
    });
    expect(refund.status, JSON.stringify(refund.body)).toBe(201);
    expect((await myLevel(b.token)).level).toBeNull();
  });

  it('a level is bought from the wallet in one transaction, or not at all', async () => {
    const poor = await registerAndLogin(t.app);
    await topUp(t, poor.token, 1000);
    const refused = await call(t.app, 'POST', '/api/v1/me/level/upgrades', {
      token: poor.token,
      body: { levelId: vip, paymentMethod: 'balance' },
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('INSUFFICIENT_FUNDS');
    expect(await walletCents(t, poor.token)).toBe(1000);
    expect((await myLevel(poor.token)).level).toBeNull();
    const left = await t.deps.db.selectFrom('member_upgrades').selectAll().where('user_id', '=', poor.userId).execute();
    expect(left).toEqual([]);

    const b = await rich();
    const paid = await call(t.app, 'POST', '/api/v1/me/level/upgrades', {
      token: b.token,
      headers: { 'idempotency-key': 'vip-1' },
      body: { levelId: vip, paymentMethod: 'balance' },
    });
    expect(paid.status).toBe(201);
    expect(paid.body.payment.status).toBe('paid');
    const replay = await call(t.app, 'POST', '/api/v1/me/level/upgrades', {
      token: b.token,
      headers: { 'idempotency-key': 'vip-1' },
      body: { levelId: vip, paymentMethod: 'balance' },
    });
    expect(replay.status).toBe(200);
    expect(replay.body.payment.id).toBe(paid.body.payment.id);
    expect(await walletCents(t, b.token)).toBe(47_000);
    expect((await myLevel(b.token)).level.id).toBe(vip);
  });

  it('discount overrides per category and product, level prices, 密价: the lowest rule wins and is recorded', async () => {
    const other = await openShop(t, { keyCount: 10, priceCents: 2000 });
    const b = await rich();
    const granted = await call(t.app, 'PUT', `/api/v1/admin/users/${b.userId}/level`, {
      token: admin,
      body: { levelId: vip },
    });
    expect(granted.status).toBe(200);
    expect(granted.body).toMatchObject({ level: { id: vip }, source: 'operator' });
    const audit = await t.deps.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'member_level.grant')
      .where('object_id', '=', b.userId)
      .execute();
    expect(audit).toHaveLength(1);

    // VIP: 10% on all, 30% on the other shop's category, 25% on this product
    const vipNow = (await call(t.app, 'GET', '/api/v1/admin/levels', { token: admin })).body.items.find(
      (l: { id: string }) => l.id === vip,
    );
    const put = await call(t.app, 'PUT', `/api/v1/admin/levels/${vip}`, {
      token: admin,
      body: {
        name: vipNow.name,
        rank: vipNow.rank,
        discountBps: 1000,
        feeDiscountBps: 2000,
        upgradePriceCents: 3000,
        serviceContact: 'QQ 800800',
        overrides: [
          { categoryId: other.categoryId, discountBps: 3000 },
          { productId: shop.productId, discountBps: 2500 },
        ],
      },
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(await priceFor(b.token)).toMatchObject({ priceCents: 750, priceRule: 'level_discount' });
    expect(await priceFor(b.token, other.productId)).toMatchObject({ priceCents: 1400, priceRule: 'level_discount' });

    // a level price below that
    const lp = await call(t.app, 'PUT', `/api/v1/supplier/products/${shop.productId}/level-prices`, {
      token: shop.supplier.token,
      body: { items: [{ levelId: vip, priceCents: 700 }] },
    });
    expect(lp.status, JSON.stringify(lp.body)).toBe(200);
    expect(lp.body.items).toEqual([{ levelId: vip, levelName: 'VIP', priceCents: 700 }]);
    expect(await priceFor(b.token)).toMatchObject({ priceCents: 700, priceRule: 'level_price' });

    // a 密价 above it changes nothing; below it wins
    const high = await call(t.app, 'POST', `/api/v1/supplier/products/${shop.productId}/user-prices`, {
      token: shop.supplier.token,
      body: { buyer: b.email, priceCents: 720 },
    });
    expect(high.status, JSON.stringify(high.body)).toBe(201);
    expect((await priceFor(b.token)).priceRule).toBe('level_price');
    const low = await call(t.app, 'POST', `/api/v1/supplier/products/${shop.productId}/user-prices`, {
      token: shop.supplier.token,
      body: { buyer: b.email.toUpperCase(), priceCents: 650 },
    });
    expect(low.status).toBe(201);
    expect(low.body.id).toBe(high.body.id);
    const listed = await call(t.app, 'GET', `/api/v1/supplier/products/${shop.productId}/user-prices`, {
      token: shop.supplier.token,
    });
    expect(listed.body.items).toMatchObject([{ buyerId: b.userId, buyer: b.email, priceCents: 650 }]);
    expect(await priceFor(b.token)).toMatchObject({ priceCents: 650, priceRule: 'user_price' });
    const order = await buy(b.token, 2);
    expect(order).toMatchObject({ amountCents: 1300, items: [{ unitPriceCents: 650, priceRule: 'user_price' }] });
    const item = await t.deps.db
      .selectFrom('order_items')
      .selectAll()
      .where('order_id', '=', order.id)
      .executeTakeFirstOrThrow();
    expect(item).toMatchObject({ price_rule: 'user_price' });
    expect(Number(item.platform_unit_cents)).toBe(650);

    // another buyer at no level pays the list price
    const plain = await registerAndLogin(t.app);
    expect(await priceFor(plain.token)).toMatchObject({ priceCents: 1000 });

    // taken back: the level price again
    const del = await call(t.app, 'DELETE', `/api/v1/supplier/products/${shop.productId}/user-prices/${low.body.id}`, {
      token: shop.supplier.token,
    });
    expect(del.status).toBe(200);
    expect((await priceFor(b.token)).priceRule).toBe('level_price');
  });

  it('suppliers price only their own products, never below 0, and never grant unknown buyers', async () => {
    const other = await openShop(t, { keyCount: 1 });
    const b = await registerAndLogin(t.app);
    const theirs = `/api/v1/supplier/products/${other.productId}`;
    const tok = shop.supplier.token;
    expect(
      (
        await call(t.app, 'PUT', `${theirs}/level-prices`, {
          token: tok,
          body: { items: [{ levelId: vip, priceCents: 1 }] },
        })
      ).status,
    ).toBe(404);
    expect((await call(t.app, 'GET', `${theirs}/level-prices`, { token: tok })).status).toBe(404);
    expect(
      (await call(t.app, 'POST', `${theirs}/user-prices`, { token: tok, body: { buyer: b.email, priceCents: 1 } }))
        .status,
    ).toBe(404);
    expect((await call(t.app, 'GET', `${theirs}/user-prices`, { token: tok })).status).toBe(404);
    const granted = await call(t.app, 'POST', `${theirs}/user-prices`, {
      token: other.supplier.token,
      body: { buyer: b.email, priceCents: 500 },
    });
    expect(granted.status).toBe(201);
    expect((await call(t.app, 'DELETE', `${theirs}/user-prices/${granted.body.id}`, { token: tok })).status).toBe(404);

    const mine = `/api/v1/supplier/products/${shop.productId}`;
    for (const priceCents of [-1, 0, 1.5]) {
      expect(
        (
          await call(t.app, 'PUT', `${mine}/level-prices`, {
            token: tok,
            body: { items: [{ levelId: vip, priceCents }] },
          })
        ).status,
      ).toBe(400);
      expect(
        (await call(t.app, 'POST', `${mine}/user-prices`, { token: tok, body: { buyer: b.email, priceCents } })).status,
      ).toBe(400);
    }
    expect(
      (
        await call(t.app, 'PUT', `${mine}/level-prices`, {
          token: tok,
          body: { items: [{ levelId: 'lvl_nope', priceCents: 5 }] },
        })
      ).status,
    ).toBe(404);
    expect(
      (
        await call(t.app, 'POST', `${mine}/user-prices`, {
          token: tok,
          body: { buyer: 'nobody@example.cn', priceCents: 5 },
        })
      ).status,
    ).toBe(404);
    // a buyer is no supplier
    expect((await call(t.app, 'PUT', `${mine}/level-prices`, { token: b.token, body: { items: [] } })).status).toBe(
      403,
    );
  });

  it('a buyer cannot set his price through any field of the order', async () => {
    const b = await rich();
    for (const extra of [
      { items: [{ productId: shop.productId, quantity: 1, unitPriceCents: 1 }] },
      { items: [{ productId: shop.productId, quantity: 1, priceCents: 1 }] },
      { items: [{ productId: shop.productId, quantity: 1, price_rule: 'user_price' }] },
      { items: [{ productId: shop.productId, quantity: 1 }], priceCents: 1 },
      { items: [{ productId: shop.productId, quantity: 1 }], amountCents: 1 },
      { items: [{ productId: shop.productId, quantity: 1 }], priceRule: 'user_price' },
    ]) {
      const r = await call(t.app, 'POST', '/api/v1/orders', {
        token: b.token,
        body: { paymentMethod: 'balance', ...extra },
      });
      expect(r.status, JSON.stringify(extra)).toBe(400);
    }
    expect(await walletCents(t, b.token)).toBe(50_000);
    // and not through his level either
    expect((await call(t.app, 'PUT', '/api/v1/me/level', { token: b.token, body: { levelId: vip } })).status).toBe(404);
  });

  it("a supplier's level takes its fee discount off his commission", async () => {
    const own = await openShop(t, { keyCount: 5, priceCents: 1000 });
    const b = await rich();
    const before = await buy(b.token, 1, own.productId);
    const grant = await call(t.app, 'PUT', `/api/v1/admin/users/${own.supplier.userId}/level`, {
      token: admin,
      body: { levelId: vip },
    });
    expect(grant.status).toBe(200);
    const after = await buy(b.token, 1, own.productId);
    const holds = await t.deps.db
      .selectFrom('holds')
      .selectAll()
      .where('order_id', 'in', [before.id, after.id])
      .execute();
    const byOrder = new Map(holds.map((h) => [h.order_id, h]));
    // the default 5% rate, and 20% of it off at VIP: 4%
    expect(Number(byOrder.get(before.id)!.commission_cents)).toBe(50);
    expect(Number(byOrder.get(after.id)!.commission_cents)).toBe(40);
    expect(Number(byOrder.get(after.id)!.share_cents)).toBe(960);
  });

  it('deleting a level ends its grants and prices', async () => {
    const temp = await level({ name: '临时', rank: 5, discountBps: 100 });
    const b = await registerAndLogin(t.app);
    await call(t.app, 'PUT', `/api/v1/admin/users/${b.userId}/level`, { token: admin, body: { levelId: temp } });
    expect((await myLevel(b.token)).level.id).toBe(temp);
    const del = await call(t.app, 'DELETE', `/api/v1/admin/levels/${temp}`, { token: admin });
    expect(del.status).toBe(200);
    expect((await myLevel(b.token)).level).toBeNull();
    expect((await call(t.app, 'DELETE', `/api/v1/admin/levels/${temp}`, { token: admin })).status).toBe(404);
    expect(
      (await call(t.app, 'PUT', `/api/v1/admin/users/usr_nope/level`, { token: admin, body: { levelId: vip } })).status,
    ).toBe(404);
  });
});
