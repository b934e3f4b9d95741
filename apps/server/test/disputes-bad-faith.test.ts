import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, loginAdmin, registerAndLogin, type Session, staffUser } from './support/client.ts';
import { auditCount, HOUR } from './support/disputes.ts';
import { createTestApp, dialectName, ManualClock, type TestApp } from './support/harness.ts';
import { drainJobs } from './support/jobs.ts';
import { expectBalanced, openShop, type Shop, topUp } from './support/trade.ts';

/** Seeded histories: a serial claimer and a supplier selling recycled keys, and what their scores cause. */
describe(`after-sales bad faith (${dialectName})`, () => {
  const clock = new ManualClock(Date.now());
  let t: TestApp;
  let admin: string;
  let arbitrator: Session;
  let operator: Session;
  beforeAll(async () => {
    t = await createTestApp({ clock, env: { KAMENG_SANDBOX: 'on' } });
    admin = await loginAdmin(t);
    arbitrator = await staffUser(t, admin, ['arbitrator']);
    operator = await staffUser(t, admin, ['operator']);
  });
  afterAll(async () => {
    await t.close();
  });

  async function buyer(): Promise<Session> {
    const b = await registerAndLogin(t.app);
    await topUp(t, b.token, 20_000);
    return b;
  }

  async function buy(b: Session, shop: Shop, quantity = 1): Promise<string> {
    const r = await call(t.app, 'POST', '/api/v1/orders', {
      token: b.token,
      body: { items: [{ productId: shop.productId, quantity }], paymentMethod: 'balance' },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    // the buyer looks at the keys: their first reveal is recorded
    expect((await call(t.app, 'GET', `/api/v1/orders/${r.body.id}`, { token: b.token })).body.cardKeys).toHaveLength(
      quantity,
    );
    return r.body.id;
  }

  async function open(b: Session, orderId: string, ip: string, cardKeyIndexes?: number[]) {
    const r = await call(t.app, 'POST', `/api/v1/orders/${orderId}/disputes`, {
      token: b.token,
      ip,
      body: { reason: 'invalid_key', message: '卡密无效', ...(cardKeyIndexes ? { cardKeyIndexes } : {}) },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body as { id: string; status: string };
  }

  const ruleOn = (id: string, body: Record<string, unknown>) =>
    call(t.app, 'POST', `/api/v1/admin/disputes/${id}/rule`, { token: arbitrator.token, body });
  const scores = async (userId: string) =>
    (await call(t.app, 'GET', `/api/v1/admin/dispute-scores/${userId}`, { token: arbitrator.token })).body;
  const lift = (userId: string, action: string) =>
    call(t.app, 'POST', `/api/v1/admin/dispute-standings/${userId}/${action}/lift`, { token: operator.token });

  it('accounts sharing one device: their claims count in each other’s score, by a hash that keeps no address', async () => {
    const shop = await openShop(t, { keyCount: 12, priceCents: 1000 });
    const device = { 'user-agent': 'Mozilla/5.0 (Linux; Android 14) Serial', 'x-device-fingerprint': 'fp-serial' };
    const elsewhere = { 'user-agent': 'Mozilla/5.0 (Windows NT 10.0)', 'x-device-fingerprint': 'fp-desk' };
    const order = async (b: Session, headers: Record<string, string>, ip: string) => {
      const r = await call(t.app, 'POST', '/api/v1/orders', {
        token: b.token,
        headers,
        ip,
        body: { items: [{ productId: shop.productId, quantity: 1 }], paymentMethod: 'balance' },
      });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      return r.body.id as string;
    };
    const claim = async (b: Session, orderId: string, headers: Record<string, string>, ip: string) => {
      const r = await call(t.app, 'POST', `/api/v1/orders/${orderId}/disputes`, {
        token: b.token,
        headers,
        ip,
        body: { reason: 'invalid_key', message: '卡密无效' },
      });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      return r.body as { id: string; status: string };
    };
    const [main, orderedHere, claimedHere, sameNetwork] = [await buyer(), await buyer(), await buyer(), await buyer()];
    // main orders and claims on the device (two addresses of one network)
    const first = await claim(main, await order(main, device, '203.0.113.10'), device, '203.0.113.20');
    expect((await ruleOn(first.id, { action: 'reject', ruling: '有效' })).status).toBe(200);
    // another account ordered on it and claimed from a desk; a third ordered at a desk and claimed on it
    await claim(orderedHere, await order(orderedHere, device, '203.0.113.11'), elsewhere, '198.51.100.7');
    await claim(claimedHere, await order(claimedHere, elsewhere, '192.0.2.8'), device, '203.0.113.22');
    // same browser make and network, another fingerprint: another device
    const other = { ...device, 'x-device-fingerprint': 'fp-someone-else' };
    await claim(sameNetwork, await order(sameNetwork, other, '203.0.113.30'), other, '203.0.113.31');

    const s = await scores(main.userId);
    expect(s.buyer.reasons).toEqual([expect.stringContaining('2 claims by 2 other accounts on the same device')]);
    expect(s.buyer.score).toBe(20);
    expect((await scores(sameNetwork.userId)).buyer.score).toBe(0);

    // the stored signal: one hash for the device on orders and cases, none of its parts readable
    const hashes = await t.deps.db
      .selectFrom('orders')
      .select(['buyer_id', 'device_hash'])
      .where('buyer_id', 'in', [main.userId, orderedHere.userId, sameNetwork.userId])
      .execute();
    const of = (id: string) => hashes.find((h) => h.buyer_id === id)?.device_hash;
    expect(of(main.userId)).toMatch(/^[0-9a-f]{64}$/);
    expect(of(orderedHere.userId)).toBe(of(main.userId));
    expect(of(sameNetwork.userId)).not.toBe(of(main.userId));
    const opened = await t.deps.db
      .selectFrom('disputes')
      .select('opened_device')
      .where('buyer_id', '=', claimedHere.userId)
      .executeTakeFirstOrThrow();
    expect(opened.opened_device).toBe(of(main.userId));

    // past the operators' threshold the shared device alone puts his next case on the platform's desk
    const set = (score: number) =>
      call(t.app, 'PATCH', '/api/v1/admin/settings', { token: admin, body: { 'disputes.buyerFastTrackScore': score } });
    const before = (await call(t.app, 'GET', '/api/v1/admin/settings', { token: admin })).body[
      'disputes.buyerFastTrackScore'
    ];
    expect((await set(20)).status).toBe(200);
    try {
      const next = await claim(main, await order(main, device, '203.0.113.12'), device, '203.0.113.23');
      expect(next.status).toBe('escalated');
      expect(await auditCount(t, 'dispute.standing.set', main.userId)).toBe(1);
    } finally {
      expect((await set(before)).status).toBe(200);
    }
  });

  it('a serial claimer: after three lost cases his next goes straight to the platform, until an operator lifts it', async () => {
    const shop = await openShop(t, { keyCount: 12, priceCents: 1000 });
    const claimer = await buyer();
    const orders: string[] = [];
    for (let i = 0; i < 6; i++) orders.push(await buy(claimer, shop));
    for (const orderId of orders.slice(0, 3)) {
      const c = await open(claimer, orderId, '10.9.0.1');
      expect(c.status).toBe('open');
      expect((await ruleOn(c.id, { action: 'reject', ruling: '卡密有效' })).status).toBe(200);
    }
    // a second account claims from the same address
    const sidekick = await buyer();
    await open(sidekick, await buy(sidekick, shop), '10.9.0.1');

    const fast = await open(claimer, orders[3]!, '10.9.0.1');
    expect(fast.status).toBe('escalated');
    const seen = await call(t.app, 'GET', `/api/v1/disputes/${fast.id}`, { token: claimer.token });
    expect(seen.body).toMatchObject({ level: 'platform', status: 'escalated' });
    expect(seen.body.messages.map((m: { kind: string }) => m.kind)).toEqual(['opened', 'fast_track']);
    // his refunds need the platform: the supplier cannot answer a case that is not at its level
    const answered = await call(t.app, 'POST', `/api/v1/supplier/disputes/${fast.id}/answer`, {
      token: shop.supplier.token,
      body: { action: 'refund', message: '退' },
    });
    expect(answered.status).toBe(409);

    const s = await scores(claimer.userId);
    expect(s.buyer.score).toBeGreaterThanOrEqual(60);
    expect(s.buyer.reasons.join('\n')).toContain('4 cases on 6 orders');
    expect(s.buyer.reasons.join('\n')).toContain('other accounts claimed from the same address');
    expect(s.standings).toEqual([expect.objectContaining({ action: 'fast_track', side: 'buyer', liftedAt: null })]);
    expect(await auditCount(t, 'dispute.standing.set', claimer.userId)).toBe(1);

    // an operator lifts it; it does not come back unless his score grows
    expect((await lift(claimer.userId, 'fast_track')).status).toBe(200);
    expect(await auditCount(t, 'dispute.standing.lift', claimer.userId)).toBe(1);
    expect((await lift(claimer.userId, 'fast_track')).status).toBe(404);
    await ruleOn(fast.id, { action: 'reject', ruling: '驳回' });
    // an arbitrator may read scores but not lift actions
    const byArbitrator = await call(
      t.app,
      'POST',
      `/api/v1/admin/dispute-standings/${claimer.userId}/fast_track/lift`,
      {
        token: arbitrator.token,
      },
    );
    expect(byArbitrator.status).toBe(403);
    await expectBalanced(t, admin);
  });

  it('a supplier selling recycled keys: the arbitrator sees it, the supplier is warned, delayed, then taken off sale', async () => {
    const honest = await openShop(t, { keyCount: 5, priceCents: 1000 });
    clock.advance(1000);
    const recycler = await openShop(t, { keyCount: 1, priceCents: 900 });
    clock.advance(1000);
    const imported = await call(t.app, 'POST', `/api/v1/supplier/products/${recycler.productId}/card-keys`, {
      token: recycler.supplier.token,
      body: { keys: honest.keys },
    });
    expect(imported.status).toBeLessThan(300);
    await drainJobs(t);

    const first = await buyer();
    await buy(first, honest, 5); // the honest shop sells its keys first
    clock.advance(1000);
    const victim = await buyer();
    const clean = await buy(victim, recycler, 1); // the recycler's own key
    clock.advance(1000);
    const recycled = await buy(victim, recycler, 3);
    const keys = (await call(t.app, 'GET', `/api/v1/orders/${recycled}`, { token: victim.token })).body.cardKeys;
    for (const k of keys) expect(honest.keys).toContain(k);

    const c = await open(victim, recycled, '10.9.1.1', [0, 1, 2]);
    const dossier = await call(t.app, 'GET', `/api/v1/admin/disputes/${c.id}/dossier`, { token: arbitrator.token });
    expect(dossier.status).toBe(200);
    const claimed = dossier.body.keys.filter((k: { claimed: boolean }) => k.claimed);
    expect(claimed).toHaveLength(3);
    for (const k of claimed) {
      expect(k).toMatchObject({
        soldElsewhere: 1,
        soldElsewhereBefore: 1,
        revealedAt: expect.any(Number),
        batchSource: 'json',
        status: 'sold',
      });
      expect(k.importedAt).toBeLessThan(k.soldAt);
    }
    expect(dossier.body.supplierKeys).toMatchObject({ soldKeys: 4, voidedUnsold: 0, replacedAfterSale: 0 });
    expect(dossier.body.supplier.score).toBe(60);
    expect(dossier.body.supplier.reasons[0]).toContain('3 claimed keys had been sold on other orders before');
    // the honest shop sold first: its record is clean
    expect((await scores(honest.supplier.userId)).supplier.score).toBe(0);
    expect((await call(t.app, 'GET', `/api/v1/admin/disputes/${c.id}/dossier`, { token: victim.token })).status).toBe(
      403,
    );

    // the ruling ends the case; the supplier's score passes the warning and delay thresholds (40, 60)
    expect((await ruleOn(c.id, { action: 'refund', ruling: '卡密系回收卡，退款' })).status).toBe(200);
    const after = await scores(recycler.supplier.userId);
    expect(after.standings.map((s: { action: string }) => s.action).sort()).toEqual(['settlement_delayed', 'warned']);
    expect(await auditCount(t, 'dispute.standing.set', recycler.supplier.userId)).toBe(2);
    const notices = await call(t.app, 'GET', '/api/v1/notices', { token: recycler.supplier.token });
    expect(notices.body.items.filter((n: { kind: string }) => n.kind === 'dispute_standing')).toHaveLength(2);

    // settlement is delayed: past the window, the recycler's orders stay in escrow; the honest shop's settle
    clock.advance(73 * HOUR);
    await drainJobs(t);
    const status = async (b: Session, id: string) =>
      (await call(t.app, 'GET', `/api/v1/orders/${id}`, { token: b.token })).body.status;
    expect(await status(victim, clean)).toBe('delivered');
    expect(
      (await call(t.app, 'GET', '/api/v1/supplier/balance', { token: recycler.supplier.token })).body.availableCents,
    ).toBe(0);
    expect((await lift(recycler.supplier.userId, 'settlement_delayed')).status).toBe(200);
    clock.advance(60_000);
    await drainJobs(t);
    expect(await status(victim, clean)).toBe('completed');

    // one more recycled key sold, claimed and lost (two cases lost: +20): the score reaches 80, off sale
    const third = await buyer();
    const last = await buy(third, recycler, 1);
    const c2 = await open(third, last, '10.9.1.2', [0]);
    expect((await ruleOn(c2.id, { action: 'refund', ruling: '又是回收卡' })).status).toBe(200);
    const standings = (await scores(recycler.supplier.userId)).standings;
    expect(standings.find((s: { action: string }) => s.action === 'suspended')).toMatchObject({
      liftedAt: null,
      score: 80,
    });
    // lifted before, the delay comes back: the score grew since
    expect(standings.find((s: { action: string }) => s.action === 'settlement_delayed')).toMatchObject({
      liftedAt: null,
    });
    const refused = await call(t.app, 'POST', '/api/v1/orders', {
      token: third.token,
      body: { items: [{ productId: recycler.productId, quantity: 1 }], paymentMethod: 'balance' },
    });
    expect(refused.status).toBe(404);
    // suspended means suspended: he cannot put the product back on sale, nor open another one
    const patch = await call(t.app, 'PATCH', `/api/v1/supplier/products/${recycler.productId}`, {
      token: recycler.supplier.token,
      body: { onSale: true },
    });
    expect(patch.status, JSON.stringify(patch.body)).toBe(403);
    const fresh = await call(t.app, 'POST', '/api/v1/supplier/products', {
      token: recycler.supplier.token,
      body: {
        categoryId: recycler.categoryId,
        title: '新店新卡',
        description: '<p>x</p>',
        priceCents: 100,
        deliveryMode: 'auto',
      },
    });
    expect(fresh.status, JSON.stringify(fresh.body)).toBe(403);
    // and checkout sells none of his products, whatever a product's flag says
    await t.deps.db.updateTable('products').set({ on_sale: 1 }).where('id', '=', recycler.productId).execute();
    const still = await call(t.app, 'POST', '/api/v1/orders', {
      token: third.token,
      body: { items: [{ productId: recycler.productId, quantity: 1 }], paymentMethod: 'balance' },
    });
    expect(still.status).toBe(404);
    await t.deps.db.updateTable('products').set({ on_sale: 0 }).where('id', '=', recycler.productId).execute();
    expect((await lift(recycler.supplier.userId, 'suspended')).status).toBe(200);
    const product = await call(t.app, 'GET', `/api/v1/products/${recycler.productId}`);
    expect(product.status).toBe(200);
    expect(await auditCount(t, 'dispute.standing.lift', recycler.supplier.userId)).toBe(2);
    await expectBalanced(t, admin);
  });
});
