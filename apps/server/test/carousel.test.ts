import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approvedSupplier, call, loginAdmin } from './support/client.ts';
import { createTestApp, dialectName, ManualClock, type TestApp } from './support/harness.ts';

const HOUR = 3_600_000;

describe(`home carousel slots (${dialectName})`, () => {
  const clock = new ManualClock(Date.now());
  let t: TestApp;
  let admin: string;
  let supplier: string;
  let onSale: string;
  let second: string;
  let pending: string;

  beforeAll(async () => {
    t = await createTestApp({ clock });
    admin = await loginAdmin(t);
    supplier = (await approvedSupplier(t, admin, '轮播小店')).token;
    const cat = await call(t.app, 'POST', '/api/v1/admin/categories', {
      token: admin,
      body: { name: '会员', goodsType: 'manual' },
    });
    const product = async (title: string, approve: boolean) => {
      const p = await call(t.app, 'POST', '/api/v1/supplier/products', {
        token: supplier,
        body: {
          categoryId: cat.body.id,
          title,
          description: '<p>人工</p>',
          priceCents: 1990,
          deliveryMode: 'manual',
          stock: 5,
        },
      });
      expect(p.status).toBe(201);
      if (approve) await call(t.app, 'POST', `/api/v1/admin/products/${p.body.id}/approve`, { token: admin });
      return p.body.id as string;
    };
    onSale = await product('视频会员 月卡', true);
    second = await product('音乐会员 年卡', true);
    pending = await product('待审核 会员', false);
  });
  afterAll(async () => {
    await t.close();
  });

  it('starts empty, for guests and operators', async () => {
    expect((await call(t.app, 'GET', '/api/v1/carousel')).body).toEqual({ items: [] });
    expect((await call(t.app, 'GET', '/api/v1/admin/carousel', { token: admin })).body).toEqual({ items: [] });
  });

  it('shows the slots an operator sets, in order, and only products that can be bought within their window', async () => {
    const set = await call(t.app, 'PUT', '/api/v1/admin/carousel', {
      token: admin,
      body: {
        slots: [
          { productId: second, headline: '年卡特惠' },
          { productId: onSale },
          { productId: pending, headline: '还在审核' },
        ],
      },
    });
    expect(set.status).toBe(200);
    expect(
      set.body.items.map((s: { productId: string; position: number; live: boolean }) => [
        s.productId,
        s.position,
        s.live,
      ]),
    ).toEqual([
      [second, 0, true],
      [onSale, 1, true],
      [pending, 2, false],
    ]);
    const pub = await call(t.app, 'GET', '/api/v1/carousel');
    expect(pub.status).toBe(200);
    expect(pub.body.items.map((i: { product: { id: string } }) => i.product.id)).toEqual([second, onSale]);
    expect(pub.body.items[0]).toMatchObject({
      headline: '年卡特惠',
      product: { title: '音乐会员 年卡', priceCents: 1990, stock: 5 },
    });

    // taken off sale: it leaves the carousel at once, and operators see why
    await call(t.app, 'PATCH', `/api/v1/supplier/products/${second}`, { token: supplier, body: { onSale: false } });
    expect(
      (await call(t.app, 'GET', '/api/v1/carousel')).body.items.map((i: { product: { id: string } }) => i.product.id),
    ).toEqual([onSale]);
    const view = await call(t.app, 'GET', '/api/v1/admin/carousel', { token: admin });
    expect(view.body.items[0]).toMatchObject({
      productId: second,
      live: false,
      product: { onSale: false, status: 'approved' },
    });
  });

  it('honours start and end times', async () => {
    const now = clock.now();
    const r = await call(t.app, 'PUT', '/api/v1/admin/carousel', {
      token: admin,
      body: { slots: [{ productId: onSale, startsAt: now + HOUR, endsAt: now + 2 * HOUR }] },
    });
    expect(r.status).toBe(200);
    expect((await call(t.app, 'GET', '/api/v1/carousel')).body.items).toEqual([]);
    clock.advance(HOUR);
    expect((await call(t.app, 'GET', '/api/v1/carousel')).body.items).toHaveLength(1);
    clock.advance(HOUR);
    expect((await call(t.app, 'GET', '/api/v1/carousel')).body.items).toEqual([]);
  });

  it('refuses unknown products, repeats, too many slots, bad windows and non-operators, changing nothing', async () => {
    const before = (await call(t.app, 'GET', '/api/v1/admin/carousel', { token: admin })).body;
    const unknown = await call(t.app, 'PUT', '/api/v1/admin/carousel', {
      token: admin,
      body: { slots: [{ productId: onSale }, { productId: 'prd_nope' }] },
    });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.details.issues).toEqual([
      { path: ['slots', 1, 'productId'], message: 'no such product' },
    ]);
    for (const slots of [
      [{ productId: onSale }, { productId: onSale }],
      Array.from({ length: 11 }, (_, i) => ({ productId: `prd_${i}` })),
      [{ productId: onSale, startsAt: 2000, endsAt: 1000 }],
      [{ productId: onSale, headline: 'a'.repeat(61) }],
    ]) {
      const r = await call(t.app, 'PUT', '/api/v1/admin/carousel', { token: admin, body: { slots } });
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('VALIDATION_FAILED');
    }
    expect((await call(t.app, 'PUT', '/api/v1/admin/carousel', { token: supplier, body: { slots: [] } })).status).toBe(
      403,
    );
    expect((await call(t.app, 'GET', '/api/v1/admin/carousel')).status).toBe(401);
    expect((await call(t.app, 'GET', '/api/v1/admin/carousel', { token: admin })).body).toEqual(before);
  });

  it('two operators saving at once take turns: every save succeeds and exactly one set stands', async () => {
    const saves = await Promise.all(
      [onSale, second, onSale, second].map((productId) =>
        call(t.app, 'PUT', '/api/v1/admin/carousel', { token: admin, body: { slots: [{ productId }] } }),
      ),
    );
    for (const r of saves) expect(r.status, JSON.stringify(r.body)).toBe(200);
    const now = await call(t.app, 'GET', '/api/v1/admin/carousel', { token: admin });
    expect(now.body.items).toHaveLength(1);
  });

  it('records every change in the audit log', async () => {
    const log = await call(t.app, 'GET', '/api/v1/admin/audit-log?action=catalog.carousel_set', { token: admin });
    expect(log.status).toBe(200);
    expect(log.body.total).toBeGreaterThanOrEqual(2);
    // both changes happened at the same (manual) instant: look for each, not at the order
    const afters = log.body.items.map((i: { details: { after: string[] } }) => i.details.after);
    expect(afters).toContainEqual([onSale]);
    expect(afters).toContainEqual([second, onSale, pending]);
  });
});
