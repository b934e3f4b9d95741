import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approvedSupplier, call, loginAdmin, registerAndLogin } from './support/client.ts';
import { createTestApp, dialectName, ManualClock, type TestApp } from './support/harness.ts';
import { drainJobs } from './support/jobs.ts';
import { expectBalanced, openShop, topUp } from './support/trade.ts';

const DAY = 24 * 3_600_000;
const PDF = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from('营业执照 scan '.repeat(50))]);

async function upload(t: TestApp, token: string, id: string, body: Buffer, type = 'application/pdf') {
  return call(t.app, 'POST', `/api/v1/supplier/qualifications/${id}/document?name=licence.pdf`, {
    token,
    body,
    headers: { 'content-type': type },
  });
}

describe(`supplier qualifications, banned goods, takedowns and traceability (${dialectName})`, () => {
  let t: TestApp;
  let clock: ManualClock;
  let admin: string;
  beforeAll(async () => {
    clock = new ManualClock(Date.now());
    t = await createTestApp({ clock, env: { KAMENG_SANDBOX: 'on' } });
    admin = await loginAdmin(t);
  });
  afterAll(async () => {
    await t.close();
  });

  async function fileQualification(token: string, type = 'authorisation_letter', days = 30) {
    const created = await call(t.app, 'POST', '/api/v1/supplier/qualifications', {
      token,
      body: {
        type,
        holderName: '星辰网络科技有限公司',
        idNumber: '91110000MA01ABCD2X',
        expiresAt: clock.now() + days * DAY,
      },
    });
    expect(created.status).toBe(201);
    return created.body.id as string;
  }

  it('a supplier files a qualification with its document; only operators open it, audited; an operator approves', async () => {
    const s = await approvedSupplier(t, admin);
    const other = await approvedSupplier(t, admin, '别家');
    const mass = await call(t.app, 'POST', '/api/v1/supplier/qualifications', {
      token: s.token,
      body: {
        type: 'business_licence',
        holderName: 'x',
        idNumber: '123456789',
        expiresAt: clock.now() + DAY,
        status: 'approved',
      },
    });
    expect(mass.status).toBe(400);
    const past = await call(t.app, 'POST', '/api/v1/supplier/qualifications', {
      token: s.token,
      body: { type: 'business_licence', holderName: 'x', idNumber: '123456789', expiresAt: clock.now() - 1 },
    });
    expect(past.status).toBe(400);

    const id = await fileQualification(s.token, 'business_licence');
    const listed = await call(t.app, 'GET', '/api/v1/supplier/qualifications', { token: s.token });
    expect(listed.body.items[0]).toMatchObject({
      id,
      status: 'awaiting_document',
      holderNameMasked: '星***',
      idNumberMasked: '9111**********CD2X',
    });
    expect(JSON.stringify(listed.body)).not.toContain('MA01ABCD');

    // type and size are checked by the bytes
    expect((await upload(t, s.token, id, Buffer.from('<html><script>alert(1)</script>'))).status).toBe(415);
    expect(
      (await upload(t, s.token, id, Buffer.concat([Buffer.from('%PDF-'), Buffer.alloc(5 * 1024 * 1024)]))).status,
    ).toBe(413);
    // another supplier's qualification does not exist for him
    expect((await upload(t, other.token, id, PDF)).status).toBe(404);
    const up = await upload(t, s.token, id, PDF);
    expect(up.status).toBe(200);
    expect(up.body).toMatchObject({
      status: 'pending',
      document: { contentType: 'application/pdf', bytes: PDF.length },
    });

    // sealed at rest: neither the document nor the numbers are in the row in the clear
    const row = await t.deps.db
      .selectFrom('supplier_qualifications')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    // (not 'PDF': three letters turn up in ~1 of 200 random base64 ciphertexts of this size; '%' never does, and a
    // 12-character run of the document's own base64 does not by chance)
    expect(row.document_enc).not.toContain('%PDF-');
    expect(row.document_enc).not.toContain(PDF.toString('base64').slice(0, 12));
    expect(Buffer.from(row.document_enc!, 'base64').includes(Buffer.from('%PDF-'))).toBe(false);
    expect(JSON.stringify(row)).not.toContain('MA01ABCD');

    // the supplier (and anyone but staff) cannot open documents
    expect((await call(t.app, 'GET', `/api/v1/admin/qualifications/${id}/document`, { token: s.token })).status).toBe(
      403,
    );
    expect((await call(t.app, 'POST', `/api/v1/admin/qualifications/${id}/approve`, { token: s.token })).status).toBe(
      403,
    );

    const review = await call(t.app, 'GET', `/api/v1/admin/qualifications?status=pending&supplierId=${s.userId}`, {
      token: admin,
    });
    expect(review.body.items.map((q: { id: string }) => q.id)).toEqual([id]);
    const doc = await t.app.inject({
      method: 'GET',
      url: `/api/v1/admin/qualifications/${id}/document`,
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(doc.statusCode).toBe(200);
    expect(doc.rawPayload.equals(PDF)).toBe(true);
    expect(doc.headers['content-type']).toContain('application/pdf');
    expect(doc.headers['content-disposition']).toMatch(/^attachment;/);
    expect(doc.headers['x-content-type-options']).toBe('nosniff');
    expect(doc.headers['cache-control']).toBe('no-store');
    expect(doc.headers['content-security-policy']).toContain('sandbox');
    const revealed = await call(t.app, 'POST', `/api/v1/admin/qualifications/${id}/reveal`, { token: admin });
    expect(revealed.body).toEqual({ holderName: '星辰网络科技有限公司', idNumber: '91110000MA01ABCD2X' });

    const noReason = await call(t.app, 'POST', `/api/v1/admin/qualifications/${id}/reject`, { token: admin, body: {} });
    expect(noReason.status).toBe(400);
    const approved = await call(t.app, 'POST', `/api/v1/admin/qualifications/${id}/approve`, {
      token: admin,
      body: { reason: '材料齐全' },
    });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'approved', reason: '材料齐全' });
    const twice = await call(t.app, 'POST', `/api/v1/admin/qualifications/${id}/approve`, { token: admin });
    expect(twice.status).toBe(409);
    // an approved document cannot be swapped for another under the approval
    expect((await upload(t, s.token, id, PDF)).status).toBe(409);

    const audit = await call(t.app, 'GET', `/api/v1/admin/audit-log?objectId=${id}`, { token: admin });
    expect(audit.body.items.map((e: { action: string }) => e.action).sort()).toEqual([
      'qualification.approve',
      'qualification.create',
      'qualification.document',
      'qualification.document_view',
      'qualification.reveal',
    ]);
    const notices = await call(t.app, 'GET', '/api/v1/notices', { token: s.token });
    expect(JSON.stringify(notices.body)).toContain('资质审核已通过');
  });

  it('a rejected qualification goes back to review with a new document', async () => {
    const s = await approvedSupplier(t, admin);
    const id = await fileQualification(s.token);
    await upload(t, s.token, id, PDF);
    const rejected = await call(t.app, 'POST', `/api/v1/admin/qualifications/${id}/reject`, {
      token: admin,
      body: { reason: '授权书已盖章页缺失' },
    });
    expect(rejected.body).toMatchObject({ status: 'rejected', reason: '授权书已盖章页缺失' });
    const mine = await call(t.app, 'GET', '/api/v1/supplier/qualifications', { token: s.token });
    expect(mine.body.items[0]).toMatchObject({ status: 'rejected', reason: '授权书已盖章页缺失' });
    const again = await upload(t, s.token, id, Buffer.from('89504e470d0a1a0a0000', 'hex'), 'image/png');
    expect(again.body).toMatchObject({ status: 'pending', reason: null, document: { contentType: 'image/png' } });
  });

  it('a category requiring a qualification refuses listings without one; an expired one takes the goods off sale', async () => {
    const s = await approvedSupplier(t, admin);
    const cat = await call(t.app, 'POST', '/api/v1/admin/categories', {
      token: admin,
      body: { name: `网易点卡 ${Date.now()}` },
    });
    const sub = await call(t.app, 'POST', '/api/v1/admin/categories', {
      token: admin,
      body: { name: '梦幻西游', parentId: cat.body.id },
    });
    expect(sub.status).toBe(201);
    const req = await call(t.app, 'PUT', `/api/v1/admin/categories/${cat.body.id}/requirement`, {
      token: admin,
      body: { qualificationType: 'authorisation_letter' },
    });
    expect(req.status).toBe(200);
    expect(req.body.items).toContainEqual(
      expect.objectContaining({ categoryId: cat.body.id, qualificationType: 'authorisation_letter' }),
    );
    expect(
      (
        await call(t.app, 'PUT', `/api/v1/admin/categories/${cat.body.id}/requirement`, {
          token: s.token,
          body: { qualificationType: null },
        })
      ).status,
    ).toBe(403);

    const product = {
      categoryId: sub.body.id,
      title: '梦幻西游点卡 100元',
      description: '<p>官方授权</p>',
      priceCents: 9500,
      deliveryMode: 'auto',
    };
    const refused = await call(t.app, 'POST', '/api/v1/supplier/products', { token: s.token, body: product });
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatchObject({
      code: 'QUALIFICATION_REQUIRED',
      details: { qualificationType: 'authorisation_letter' },
    });

    // a pending one is not enough
    const id = await fileQualification(s.token, 'authorisation_letter', 10);
    await upload(t, s.token, id, PDF);
    expect((await call(t.app, 'POST', '/api/v1/supplier/products', { token: s.token, body: product })).status).toBe(
      422,
    );
    await call(t.app, 'POST', `/api/v1/admin/qualifications/${id}/approve`, { token: admin });
    const listed = await call(t.app, 'POST', '/api/v1/supplier/products', { token: s.token, body: product });
    expect(listed.status).toBe(201);
    const elsewhere = await call(t.app, 'POST', '/api/v1/admin/categories', {
      token: admin,
      body: { name: `其他 ${Date.now()}` },
    });
    const free = await call(t.app, 'POST', '/api/v1/supplier/products', {
      token: s.token,
      body: { ...product, categoryId: elsewhere.body.id, title: '其他点卡' },
    });
    expect(free.status).toBe(201);

    await drainJobs(t);
    expect(
      (await call(t.app, 'GET', `/api/v1/supplier/products/${listed.body.id}`, { token: s.token })).body.onSale,
    ).toBe(true);
    clock.advance(11 * DAY);
    await drainJobs(t);
    const after = await call(t.app, 'GET', `/api/v1/supplier/products/${listed.body.id}`, { token: s.token });
    expect(after.body.onSale).toBe(false);
    // goods in categories that need nothing stay on sale
    expect(
      (await call(t.app, 'GET', `/api/v1/supplier/products/${free.body.id}`, { token: s.token })).body.onSale,
    ).toBe(true);
    const mine = await call(t.app, 'GET', '/api/v1/supplier/qualifications', { token: s.token });
    expect(mine.body.items.find((q: { id: string }) => q.id === id).status).toBe('expired');
    const notices = await call(t.app, 'GET', '/api/v1/notices', { token: s.token });
    expect(JSON.stringify(notices.body)).toContain('资质已过期');
    // and he cannot put them back until a new one is approved
    const back = await call(t.app, 'PATCH', `/api/v1/supplier/products/${listed.body.id}`, {
      token: s.token,
      body: { onSale: true },
    });
    expect(back.status).toBe(422);
    expect(back.body.error.code).toBe('QUALIFICATION_REQUIRED');
  });

  it('operators keep classes of banned goods; a matching listing is refused with BANNED_GOODS', async () => {
    const s = await approvedSupplier(t, admin);
    const set = await call(t.app, 'PUT', '/api/v1/admin/banned-goods', {
      token: admin,
      body: {
        classes: [
          { name: '游戏外挂', keywords: ['外挂', '辅助脚本'] },
          { name: '盗版软件', keywords: ['破解版', '激活码生成器'] },
        ],
      },
    });
    expect(set.status).toBe(200);
    expect(
      (await call(t.app, 'PUT', '/api/v1/admin/banned-goods', { token: s.token, body: { classes: [] } })).status,
    ).toBe(403);
    const cat = await call(t.app, 'POST', '/api/v1/admin/categories', {
      token: admin,
      body: { name: `软件 ${Date.now()}` },
    });
    const refused = await call(t.app, 'POST', '/api/v1/supplier/products', {
      token: s.token,
      body: {
        categoryId: cat.body.id,
        title: 'Photoshop 2026',
        description: '<p>永久<b>破解</b>版 秒发</p>',
        priceCents: 100,
        deliveryMode: 'auto',
      },
    });
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatchObject({
      code: 'BANNED_GOODS',
      details: { class: '盗版软件', words: ['破解版'] },
    });
    const ok = await call(t.app, 'POST', '/api/v1/supplier/products', {
      token: s.token,
      body: {
        categoryId: cat.body.id,
        title: 'Office 正版授权',
        description: '<p>官方渠道</p>',
        priceCents: 100,
        deliveryMode: 'auto',
      },
    });
    expect(ok.status).toBe(201);
    const edit = await call(t.app, 'PATCH', `/api/v1/supplier/products/${ok.body.id}`, {
      token: s.token,
      body: { title: '王者荣耀 外挂 月卡' },
    });
    expect(edit.body.error).toMatchObject({ code: 'BANNED_GOODS', details: { class: '游戏外挂' } });
    await call(t.app, 'PUT', '/api/v1/admin/banned-goods', { token: admin, body: { classes: [] } });
  });

  it('an operator takes a product down with a reason the supplier sees; he cannot put it back until lifted', async () => {
    const shop = await openShop(t, { keyCount: 2 });
    const byBuyer = await registerAndLogin(t.app);
    expect(
      (
        await call(t.app, 'POST', `/api/v1/admin/products/${shop.productId}/takedown`, {
          token: byBuyer.token,
          body: { reason: 'x' },
        })
      ).status,
    ).toBe(403);
    expect(
      (await call(t.app, 'POST', `/api/v1/admin/products/${shop.productId}/takedown`, { token: admin, body: {} }))
        .status,
    ).toBe(400);
    expect(
      (await call(t.app, 'POST', '/api/v1/admin/products/prd_nope/takedown', { token: admin, body: { reason: 'x' } }))
        .status,
    ).toBe(404);
    const down = await call(t.app, 'POST', `/api/v1/admin/products/${shop.productId}/takedown`, {
      token: admin,
      body: { reason: '涉嫌销售未授权点卡' },
    });
    expect(down.status).toBe(200);
    expect(down.body).toMatchObject({ onSale: false, takedownReason: '涉嫌销售未授权点卡' });
    const seen = await call(t.app, 'GET', `/api/v1/supplier/products/${shop.productId}`, {
      token: shop.supplier.token,
    });
    expect(seen.body.takedownReason).toBe('涉嫌销售未授权点卡');
    const back = await call(t.app, 'PATCH', `/api/v1/supplier/products/${shop.productId}`, {
      token: shop.supplier.token,
      body: { onSale: true },
    });
    expect(back.status).toBe(409);
    expect(back.body.error).toMatchObject({ code: 'TAKEN_DOWN', details: { reason: '涉嫌销售未授权点卡' } });
    const order = await call(t.app, 'POST', '/api/v1/orders', {
      token: byBuyer.token,
      body: { items: [{ productId: shop.productId, quantity: 1 }], paymentMethod: 'sandbox' },
    });
    expect(order.status).toBeGreaterThanOrEqual(400);
    const notices = await call(t.app, 'GET', '/api/v1/notices', { token: shop.supplier.token });
    expect(JSON.stringify(notices.body)).toContain('涉嫌销售未授权点卡');
    const audit = await call(
      t.app,
      'GET',
      `/api/v1/admin/audit-log?objectId=${shop.productId}&action=product.takedown`,
      { token: admin },
    );
    expect(audit.body.items[0]).toMatchObject({ action: 'product.takedown' });

    const lifted = await call(t.app, 'DELETE', `/api/v1/admin/products/${shop.productId}/takedown`, { token: admin });
    expect(lifted.body.takedownReason).toBeNull();
    const again = await call(t.app, 'PATCH', `/api/v1/supplier/products/${shop.productId}`, {
      token: shop.supplier.token,
      body: { onSale: true },
    });
    expect(again.status).toBe(200);
    expect(again.body.onSale).toBe(true);
  });

  it("exports one order's traceability record as JSON and CSV, for operators only", async () => {
    const shop = await openShop(t, { keyCount: 3, priceCents: 1000 });
    const buyer = await registerAndLogin(t.app);
    await topUp(t, buyer.token, 5000);
    const order = await call(t.app, 'POST', '/api/v1/orders', {
      token: buyer.token,
      ip: '203.0.113.77',
      body: { items: [{ productId: shop.productId, quantity: 2 }], paymentMethod: 'balance' },
    });
    expect(order.status).toBe(201);
    await call(t.app, 'GET', `/api/v1/orders/${order.body.id}/keys`, { token: buyer.token });

    expect(
      (await call(t.app, 'GET', `/api/v1/admin/orders/${order.body.id}/trace`, { token: buyer.token })).status,
    ).toBe(403);
    expect(
      (await call(t.app, 'GET', `/api/v1/admin/orders/${order.body.id}/trace`, { token: shop.supplier.token })).status,
    ).toBe(403);
    expect((await call(t.app, 'GET', '/api/v1/admin/orders/ord_nope/trace', { token: admin })).status).toBe(404);
    const trace = await call(t.app, 'GET', `/api/v1/admin/orders/${order.body.id}/trace`, { token: admin });
    expect(trace.status).toBe(200);
    expect(trace.body.order).toMatchObject({ id: order.body.id, amountCents: 2000, createdIp: '203.0.113.77' });
    expect(trace.body.seller).toMatchObject({ userId: shop.supplier.userId, email: shop.supplier.email });
    expect(trace.body.buyer).toMatchObject({ userId: buyer.userId, email: buyer.email });
    expect(trace.body.items).toEqual([
      expect.objectContaining({ productId: shop.productId, quantity: 2, amountCents: 2000 }),
    ]);
    expect(trace.body.payments).toEqual([
      expect.objectContaining({ provider: 'balance', status: 'paid', amountCents: 2000 }),
    ]);
    expect(trace.body.keys).toHaveLength(2);
    expect(trace.body.keys.every((k: { handedOverAt: string | null }) => k.handedOverAt !== null)).toBe(true);
    expect(JSON.stringify(trace.body)).not.toContain(shop.keys[0]);
    const sum = trace.body.postings.reduce((a: number, p: { amountCents: number }) => a + p.amountCents, 0);
    expect(trace.body.postings.length).toBeGreaterThan(0);
    expect(sum).toBe(0);
    expect(trace.body.events.map((e: { to: string }) => e.to)).toContain('delivered');

    const csv = await call(t.app, 'GET', `/api/v1/admin/orders/${order.body.id}/trace?format=csv`, { token: admin });
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = (csv.body as string)
      .replace(/^\ufeff/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe('section,at,subject,details');
    expect(lines.filter((l) => l.startsWith('posting,'))).toHaveLength(trace.body.postings.length);
    expect(lines.some((l) => l.startsWith('seller,') && l.includes(shop.supplier.userId))).toBe(true);
    const audit = await call(
      t.app,
      'GET',
      `/api/v1/admin/audit-log?objectId=${order.body.id}&action=order.trace_export`,
      { token: admin },
    );
    expect(audit.body.total).toBe(2);
    await expectBalanced(t, admin);
  });
});
