import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from './support/client.ts';
import {
  answer,
  auditCount,
  buy,
  type CaseWorld,
  caseWorld,
  getCase,
  HOUR,
  openCase,
  orderStatus,
  rule,
  supplierBalance,
  tick,
  walletCents,
} from './support/disputes.ts';
import { createTestApp, dialectName, ManualClock, type TestApp } from './support/harness.ts';
import { drainJobs } from './support/jobs.ts';
import { expectBalanced } from './support/trade.ts';

const PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(64, 7)]);

describe(`after-sales disputes (${dialectName})`, () => {
  const clock = new ManualClock(Date.now());
  let t: TestApp;
  let w: CaseWorld;
  beforeAll(async () => {
    t = await createTestApp({ clock, env: { KAMENG_SANDBOX: 'on' } });
    w = await caseWorld(t);
    // one buyer and one supplier walk every path here, losing cases on purpose: what their scores cause is
    // tested in disputes-bad-faith.test.ts
    const off = await call(t.app, 'PATCH', '/api/v1/admin/settings', {
      token: w.shop.admin,
      body: {
        'disputes.buyerFastTrackScore': 101,
        'disputes.supplierWarnScore': 101,
        'disputes.supplierDelayScore': 101,
        'disputes.supplierSuspendScore': 101,
      },
    });
    expect(off.status).toBe(200);
  });
  afterAll(async () => {
    await t.close();
  });

  const commissionCents = async () =>
    (await call(t.app, 'GET', '/api/v1/admin/ledger/accounts/platform:commission/postings', { token: w.shop.admin }))
      .body.account.balanceCents as number;

  it('the contract: 201 {id, status}; a second open case 409; parties and staff read it, anyone else 404', async () => {
    const order = await buy(t, w, 2);
    const before = await supplierBalance(t, w.shop.supplier.token);
    const url = `/api/v1/orders/${order.id}/disputes`;
    const body = { reason: 'invalid_key', message: '第二张卡密无效', cardKeyIndexes: [1] };

    // what the client may not set is refused, not ignored
    for (const extra of [{ status: 'resolved_refund' }, { level: 'platform' }, { amountCents: 1 }]) {
      expect((await call(t.app, 'POST', url, { token: w.buyer.token, body: { ...body, ...extra } })).status).toBe(400);
    }
    expect((await call(t.app, 'POST', url, { token: w.stranger.token, body })).status).toBe(404);
    expect((await call(t.app, 'POST', url, { token: w.shop.supplier.token, body })).status).toBe(404);
    expect((await call(t.app, 'POST', url, { body })).status).toBe(401);
    const badIndex = await call(t.app, 'POST', url, { token: w.buyer.token, body: { ...body, cardKeyIndexes: [2] } });
    expect(badIndex.status).toBe(422);

    const id = await openCase(t, w, order.id, body);
    const again = await call(t.app, 'POST', url, { token: w.buyer.token, body });
    expect(again.status).toBe(409);

    const seen = await getCase(t, w.buyer.token, id);
    expect(seen.status).toBe(200);
    expect(seen.body).toMatchObject({
      id,
      orderId: order.id,
      status: 'open',
      level: 'supplier',
      deadlineAt: clock.now() + 24 * HOUR,
      reason: 'invalid_key',
      cardKeyIndexes: [1],
      paidCents: 2000,
      refundedCents: 0,
      messages: [{ actor: 'buyer', actorId: w.buyer.userId, kind: 'opened', body: '第二张卡密无效' }],
    });
    for (const reader of [w.shop.supplier.token, w.operator.token, w.arbitrator.token, w.shop.admin]) {
      expect((await getCase(t, reader, id)).status).toBe(200);
    }
    for (const outsider of [w.stranger.token, w.otherSupplier.token]) {
      expect((await getCase(t, outsider, id)).status).toBe(404);
    }
    expect((await getCase(t, w.buyer.token, 'dsp_nope')).status).toBe(404);

    // the order's escrow is frozen: no confirmation, nothing settles
    expect(await orderStatus(t, w, order.id)).toBe('disputed');
    expect(await supplierBalance(t, w.shop.supplier.token)).toMatchObject({
      frozenCents: before.frozenCents + 1900,
      availableCents: before.availableCents,
    });
    const confirm = await call(t.app, 'POST', `/api/v1/orders/${order.id}/confirm`, { token: w.buyer.token });
    expect(confirm.status).toBe(409);
    // the supplier is told, in-site and by email
    const notices = await call(t.app, 'GET', '/api/v1/notices', { token: w.shop.supplier.token });
    expect(
      notices.body.items.some((n: { kind: string; link: string }) => n.kind === 'dispute' && n.link.includes(id)),
    ).toBe(true);
    await drainJobs(t);
    expect(t.sender.sent.some((m) => m.to === w.shop.supplier.email && m.subject.includes(id))).toBe(true);
    await expectBalanced(t, w.shop.admin);

    // lists: the buyer's, the supplier's queue, staff
    const mine = await call(t.app, 'GET', '/api/v1/disputes', { token: w.buyer.token });
    expect(mine.body.items.map((c: { id: string }) => c.id)).toContain(id);
    const queue = await call(t.app, 'GET', '/api/v1/supplier/disputes?status=open', { token: w.shop.supplier.token });
    expect(queue.body.items.map((c: { id: string }) => c.id)).toContain(id);
    const others = await call(t.app, 'GET', '/api/v1/supplier/disputes', { token: w.otherSupplier.token });
    expect(others.body.total).toBe(0);
    expect(
      (await call(t.app, 'GET', '/api/v1/admin/disputes', { token: w.operator.token })).body.total,
    ).toBeGreaterThan(0);
    expect((await call(t.app, 'GET', '/api/v1/admin/disputes', { token: w.buyer.token })).status).toBe(403);

    // an operator reads but does not rule; an arbitrator rejects, and the order goes on
    expect(
      (
        await call(t.app, 'POST', `/api/v1/admin/disputes/${id}/rule`, {
          token: w.operator.token,
          body: { action: 'reject', ruling: '无' },
        })
      ).status,
    ).toBe(403);
    const ruled = await rule(t, w, id, { action: 'reject', ruling: '卡密经核验有效，驳回' });
    expect(ruled.status).toBe(200);
    expect(ruled.body).toMatchObject({
      status: 'rejected',
      level: 'platform',
      deadlineAt: null,
      ruling: { action: 'reject' },
    });
    expect((await rule(t, w, id, { action: 'refund', ruling: '再来一次' })).status).toBe(409);
    expect(await orderStatus(t, w, order.id)).toBe('delivered');
    expect((await supplierBalance(t, w.shop.supplier.token)).frozenCents).toBe(before.frozenCents);
    // one case per item, ever
    expect((await call(t.app, 'POST', url, { token: w.buyer.token, body })).status).toBe(409);
    expect(await auditCount(t, 'dispute.rule', id)).toBe(1);
    await tick(t, w);
  });

  it('the supplier refunds the claimed key: money back to the wallet, commission on that part reversed, once', async () => {
    const order = await buy(t, w, 2);
    const id = await openCase(t, w, order.id, { reason: 'invalid_key', message: '第一张无效', cardKeyIndexes: [0] });
    const [wallet, commission, held] = [
      await walletCents(t, w.buyer.token),
      await commissionCents(),
      (await supplierBalance(t, w.shop.supplier.token)).heldCents,
    ];
    // more than the item cost is refused
    expect((await answer(t, w, id, { action: 'refund', amountCents: 2001, message: 'x' })).status).toBe(422);
    const r = await answer(t, w, id, { action: 'refund', message: '已退第一张' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      status: 'supplier_answered',
      refundedCents: 1000,
      answer: { action: 'refund', amountCents: 1000 },
      deadlineAt: clock.now() + 48 * HOUR,
    });
    expect(await walletCents(t, w.buyer.token)).toBe(wallet + 1000);
    expect(await commissionCents()).toBe(commission - 50);
    expect((await supplierBalance(t, w.shop.supplier.token)).heldCents).toBe(held - 950);
    await expectBalanced(t, w.shop.admin);

    // replayed: nothing moves again
    expect((await answer(t, w, id, { action: 'refund', message: '再退' })).status).toBe(409);
    expect(await walletCents(t, w.buyer.token)).toBe(wallet + 1000);

    const accepted = await call(t.app, 'POST', `/api/v1/disputes/${id}/accept`, { token: w.buyer.token });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ status: 'resolved_refund', deadlineAt: null });
    expect(accepted.body.messages.map((m: { actor: string; kind: string }) => `${m.actor}:${m.kind}`)).toEqual([
      'buyer:opened',
      'supplier:answer',
      'buyer:accepted',
    ]);
    expect(await orderStatus(t, w, order.id)).toBe('delivered');
    await tick(t, w);
  });

  it('the supplier replaces the claimed key from stock in one step; the buyer sees the new key', async () => {
    const order = await buy(t, w, 1);
    const id = await openCase(t, w, order.id, { reason: 'invalid_key', message: '已被使用', cardKeyIndexes: [0] });
    const wallet = await walletCents(t, w.buyer.token);
    const r = await answer(t, w, id, { action: 'replace', message: '已补发' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'supplier_answered', replacedKeys: 1, answer: { action: 'replace' } });
    const got = await call(t.app, 'GET', `/api/v1/orders/${order.id}`, { token: w.buyer.token });
    expect(got.body.cardKeys).toHaveLength(1);
    expect(got.body.cardKeys[0]).not.toBe(order.keys[0]);
    expect(w.shop.keys).toContain(got.body.cardKeys[0]);
    expect(await walletCents(t, w.buyer.token)).toBe(wallet);
    const accepted = await call(t.app, 'POST', `/api/v1/disputes/${id}/accept`, { token: w.buyer.token });
    expect(accepted.body.status).toBe('resolved_replace');

    // the replacement key fails too: the item may have a second case, and it counts against the supplier
    const again = await openCase(t, w, order.id, {
      reason: 'invalid_key',
      message: '补发的也不行',
      cardKeyIndexes: [0],
    });
    const dossier = await call(t.app, 'GET', `/api/v1/admin/disputes/${again}/dossier`, { token: w.arbitrator.token });
    expect(dossier.body.keys.map((k: { status: string; claimed: boolean }) => [k.status, k.claimed])).toEqual([
      ['void', false],
      ['sold', true],
    ]);
    expect(dossier.body.supplier.reasons.join('\n')).toContain('1 replacement keys claimed again');
    expect((await rule(t, w, again, { action: 'refund', ruling: '换卡仍无效，退款' })).body.status).toBe(
      'resolved_refund',
    );
    await tick(t, w);
  });

  it('the supplier rejects, the buyer escalates, the arbitrator refunds in part; the rest settles after the window', async () => {
    const order = await buy(t, w, 1);
    const id = await openCase(t, w, order.id, { reason: 'wrong_item', message: '面值不对' });
    const rejected = await answer(t, w, id, { action: 'reject', message: '面值正确' });
    expect(rejected.body).toMatchObject({
      status: 'supplier_answered',
      answer: { action: 'reject', amountCents: null },
    });
    for (const token of [w.stranger.token, w.shop.supplier.token]) {
      const r = await call(t.app, 'POST', `/api/v1/disputes/${id}/escalate`, { token, body: { message: 'x' } });
      expect(r.status).toBe(404);
    }
    const escalated = await call(t.app, 'POST', `/api/v1/disputes/${id}/escalate`, {
      token: w.buyer.token,
      body: { message: '请平台仲裁' },
    });
    expect(escalated.status).toBe(200);
    expect(escalated.body).toMatchObject({
      status: 'escalated',
      level: 'platform',
      deadlineAt: clock.now() + 72 * HOUR,
    });
    const msg = await call(t.app, 'POST', `/api/v1/disputes/${id}/messages`, {
      token: w.shop.supplier.token,
      body: { message: '附上发货记录' },
    });
    expect(msg.status).toBe(200);

    const wallet = await walletCents(t, w.buyer.token);
    const available = (await supplierBalance(t, w.shop.supplier.token)).availableCents;
    expect((await rule(t, w, id, { action: 'refund', amountCents: 1001, ruling: '多退' })).status).toBe(422);
    expect((await rule(t, w, id, { action: 'refund', amountCents: 0, ruling: '零' })).status).toBe(400);
    expect((await rule(t, w, id, { action: 'refund', amountCents: 12.5, ruling: '小数' })).status).toBe(400);
    const ruled = await rule(t, w, id, { action: 'refund', amountCents: 300, ruling: '部分退款 3 元' });
    expect(ruled.status).toBe(200);
    expect(ruled.body).toMatchObject({
      status: 'resolved_refund',
      level: 'platform',
      refundedCents: 300,
      ruling: { action: 'refund', amountCents: 300 },
    });
    expect(ruled.body.messages.map((m: { actor: string; kind: string }) => `${m.actor}:${m.kind}`)).toEqual([
      'buyer:opened',
      'supplier:answer',
      'buyer:escalated',
      'supplier:message',
      'platform:ruling',
    ]);
    expect(await walletCents(t, w.buyer.token)).toBe(wallet + 300);
    expect((await rule(t, w, id, { action: 'refund', amountCents: 300, ruling: '再退' })).status).toBe(409);
    expect(await walletCents(t, w.buyer.token)).toBe(wallet + 300);
    await expectBalanced(t, w.shop.admin);

    // the order resumes; after its window the 700 left settles: 665 to the supplier, 35 stays commission
    expect(await orderStatus(t, w, order.id)).toBe('delivered');
    clock.advance(73 * HOUR);
    await tick(t, w);
    expect(await orderStatus(t, w, order.id)).toBe('completed');
    expect((await supplierBalance(t, w.shop.supplier.token)).availableCents).toBeGreaterThanOrEqual(available + 665);
  });

  it('a supplier who misses the deadline: the case goes to the platform (the refund of goods not received is in disputes-manual)', async () => {
    const a = await buy(t, w, 1);
    const escalates = await openCase(t, w, a.id);
    clock.advance(23 * HOUR);
    await tick(t, w);
    expect((await getCase(t, w.buyer.token, escalates)).body.status).toBe('open');
    clock.advance(2 * HOUR);
    await tick(t, w);
    const up = await getCase(t, w.buyer.token, escalates);
    expect(up.body).toMatchObject({ status: 'escalated', level: 'platform' });
    expect(up.body.messages.at(-1)).toMatchObject({ actor: 'system', kind: 'deadline' });
    // too late for the supplier now
    expect((await answer(t, w, escalates, { action: 'reject', message: '晚了' })).status).toBe(409);
    expect(await auditCount(t, 'dispute.deadline', escalates)).toBe(1);
    expect((await rule(t, w, escalates, { action: 'refund', ruling: '卖家超时' })).body.status).toBe('resolved_refund');
    expect(await orderStatus(t, w, a.id)).toBe('refunded');
    await tick(t, w);
  });

  it('a buyer who does not escalate: the case closes; the frozen escrow never settles while the case is open, nor before the window plus the time the case was open', async () => {
    const order = await buy(t, w, 1);
    clock.advance(60 * HOUR);
    const id = await openCase(t, w, order.id, { reason: 'other', message: '其他问题' });
    await answer(t, w, id, { action: 'reject', message: '无问题' });
    const before = await supplierBalance(t, w.shop.supplier.token);
    clock.advance(47 * HOUR); // the order's confirmation window has passed; the case is still open
    await tick(t, w);
    expect(await orderStatus(t, w, order.id)).toBe('disputed');
    expect(await supplierBalance(t, w.shop.supplier.token)).toEqual(before);
    clock.advance(2 * HOUR);
    await tick(t, w);
    // the recurring jobs run once a minute: auto-complete may have run before the deadline job in that one
    clock.advance(60_000);
    await tick(t, w);
    expect((await getCase(t, w.buyer.token, id)).body).toMatchObject({ status: 'closed', deadlineAt: null });
    // the case was open 49 h (from 60 h to 109 h after delivery): the hold settles 72 + 49 h after delivery
    expect(await orderStatus(t, w, order.id)).toBe('delivered');
    expect((await supplierBalance(t, w.shop.supplier.token)).availableCents).toBe(before.availableCents);
    clock.advance(12 * HOUR - 2 * 60_000); // 121 h after delivery, less a minute
    await tick(t, w);
    expect(await orderStatus(t, w, order.id)).toBe('delivered');
    expect((await supplierBalance(t, w.shop.supplier.token)).availableCents).toBe(before.availableCents);
    clock.advance(2 * 60_000);
    await tick(t, w);
    expect(await orderStatus(t, w, order.id)).toBe('completed');
    const after = await supplierBalance(t, w.shop.supplier.token);
    expect(after.availableCents).toBe(before.availableCents + 950);
    expect(after.frozenCents).toBe(before.frozenCents - 950);
    // the window has closed: no new case once the money is the supplier's
    const late = await call(t.app, 'POST', `/api/v1/orders/${order.id}/disputes`, {
      token: w.buyer.token,
      body: { reason: 'other', message: '再开' },
    });
    expect(late.status).toBe(409);
  });

  it('evidence: images checked by their bytes and size, served with nosniff to the parties and staff only', async () => {
    const order = await buy(t, w, 1);
    const id = await openCase(t, w, order.id);
    const up = (token: string, payload: Buffer, type = 'image/png') =>
      t.app.inject({
        method: 'POST',
        url: `/api/v1/disputes/${id}/evidence`,
        headers: { authorization: `Bearer ${token}`, 'content-type': type },
        payload,
      });
    const ok = await up(w.buyer.token, PNG);
    expect(ok.statusCode).toBe(201);
    const { url } = ok.json();
    expect((await up(w.buyer.token, Buffer.from('<script>alert(1)</script>'))).statusCode).toBe(415);
    expect((await up(w.buyer.token, Buffer.concat([PNG, Buffer.alloc(2 * 1024 * 1024)]))).statusCode).toBe(413);
    expect((await up(w.stranger.token, PNG)).statusCode).toBe(404);

    const read = (token: string) => t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
    for (const token of [w.buyer.token, w.shop.supplier.token, w.arbitrator.token]) {
      const r = await read(token);
      expect(r.statusCode).toBe(200);
      expect(r.headers['content-type']).toBe('image/png');
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(r.headers['content-security-policy']).toContain('sandbox');
      expect(r.rawPayload.equals(PNG)).toBe(true);
    }
    expect((await read(w.stranger.token)).statusCode).toBe(404);
    expect((await read(w.otherSupplier.token)).statusCode).toBe(404);
    const seen = await getCase(t, w.shop.supplier.token, id);
    expect(seen.body.evidence).toEqual([expect.objectContaining({ contentType: 'image/png', url, actor: 'buyer' })]);
    await rule(t, w, id, { action: 'reject', ruling: '截图无关' });
    expect((await up(w.buyer.token, PNG)).statusCode).toBe(409);
    await tick(t, w);
  });

  it('a case on another buyer’s order, or an order not yet delivered, is refused', async () => {
    const order = await buy(t, w, 1);
    const pending = await call(t.app, 'POST', '/api/v1/orders', {
      token: w.buyer.token,
      body: { items: [{ productId: w.shop.productId, quantity: 1 }], paymentMethod: 'sandbox' },
    });
    expect(pending.status).toBe(201);
    const body = { reason: 'not_received', message: '没收到' };
    const r = await call(t.app, 'POST', `/api/v1/orders/${pending.body.id}/disputes`, { token: w.buyer.token, body });
    expect(r.status).toBe(409);
    expect(
      (await call(t.app, 'POST', `/api/v1/orders/${order.id}/disputes`, { token: w.stranger.token, body })).status,
    ).toBe(404);
    expect((await call(t.app, 'POST', '/api/v1/orders/ord_nope/disputes', { token: w.buyer.token, body })).status).toBe(
      404,
    );
    const id = await openCase(t, w, order.id);
    const stranger = await call(t.app, 'POST', `/api/v1/supplier/disputes/${id}/answer`, {
      token: w.otherSupplier.token,
      body: { action: 'refund', message: '我来退' },
    });
    expect(stranger.status).toBe(404);
    const forged = await answer(t, w, id, { action: 'refund', message: 'x', status: 'closed' });
    expect(forged.status).toBe(400);
    await answer(t, w, id, { action: 'refund', amountCents: 1000, message: '全额退款' });
    expect((await getCase(t, w.buyer.token, id)).body.status).toBe('resolved_refund');
    expect(await orderStatus(t, w, order.id)).toBe('refunded');
    await tick(t, w);
  });

  it('operators see dispute rates per supplier and per category; others may not', async () => {
    const r = await call(t.app, 'GET', '/api/v1/admin/dispute-rates?days=30', { token: w.operator.token });
    expect(r.status).toBe(200);
    // every case in this file: nine cases on eight delivered orders, six decided for the buyer
    const row = { orders: 8, cases: 9, lost: 6, rateBps: 11_250 };
    expect(r.body.suppliers).toEqual([{ id: w.shop.supplier.userId, ...row }]);
    expect(r.body.categories).toEqual([{ id: w.shop.categoryId, ...row }]);
    expect((await call(t.app, 'GET', '/api/v1/admin/dispute-rates', { token: w.buyer.token })).status).toBe(403);
    expect((await call(t.app, 'GET', '/api/v1/admin/dispute-rates?days=0', { token: w.operator.token })).status).toBe(
      400,
    );
  });
});
