import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  categoryPath,
  getProductsForOrder,
  recordSale,
  returnManualStock,
  takeManualStock,
} from '../src/modules/catalog/catalog.service.ts';
import { approvedSupplier, call, loginAdmin, registerAndLogin } from './support/client.ts';
import { createTestApp, dialectName, ManualClock, type TestApp } from './support/harness.ts';

const INJECTION = `'; DROP TABLE products; -- " OR 1=1 /* 卡密 %_\\`;
const PNG = Buffer.concat([
  Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'),
  Buffer.from('00000001000000010806000000', 'hex'),
  Buffer.alloc(64, 7),
]);

describe(`catalog (${dialectName})`, () => {
  let t: TestApp;
  let clock: ManualClock;
  let admin: string;
  let supplier: { token: string; userId: string };
  let otherSupplier: { token: string; userId: string };
  let buyer: { token: string; userId: string };

  const makeSupplier = () => approvedSupplier(t, admin);

  async function category(body: Record<string, unknown>): Promise<string> {
    const res = await call(t.app, 'POST', '/api/v1/admin/categories', { token: admin, body });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.id;
  }

  async function product(body: Record<string, unknown>, token = supplier.token) {
    clock.advance(1000);
    const res = await call(t.app, 'POST', '/api/v1/supplier/products', {
      token,
      body: { title: '商品', description: '<p>说明</p>', priceCents: 1000, deliveryMode: 'manual', ...body },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as { id: string; status: string; revision: number };
  }

  async function approve(id: string) {
    const res = await call(t.app, 'POST', `/api/v1/admin/products/${id}/approve`, { token: admin });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body;
  }

  async function listed(
    query: string,
  ): Promise<{ items: ({ id: string } & Record<string, unknown>)[]; total: number }> {
    const res = await call(t.app, 'GET', `/api/v1/products?${query}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body;
  }

  const ids = (r: { items: { id: string }[] }) => r.items.map((i) => i.id);

  beforeAll(async () => {
    clock = new ManualClock(Date.UTC(2026, 2, 1));
    t = await createTestApp({ clock });
    admin = await loginAdmin(t);
    supplier = await makeSupplier();
    otherSupplier = await makeSupplier();
    buyer = await registerAndLogin(t.app);
  });
  afterAll(async () => {
    await t.close();
  });

  describe('categories', () => {
    it('operators build a tree with facets; anyone reads it', async () => {
      const root = await category({ name: '游戏点卡', goodsType: 'card_key', sortOrder: 1 });
      const tencent = await category({ name: '腾讯', parentId: root, game: '腾讯' });
      const qb = await category({ name: 'Q币 10元', parentId: tencent, denomination: '10元' });

      const tree = await call(t.app, 'GET', '/api/v1/categories');
      expect(tree.status).toBe(200);
      const node = tree.body.items.find((c: { id: string }) => c.id === root);
      expect(node).toMatchObject({ name: '游戏点卡', goodsType: 'card_key', parentId: null });
      expect(node.children).toHaveLength(1);
      expect(node.children[0]).toMatchObject({ id: tencent, game: '腾讯', parentId: root });
      expect(node.children[0].children[0]).toMatchObject({ id: qb, denomination: '10元', children: [] });
    });

    it('renames, moves, refuses cycles and duplicate sibling names, deletes only when empty', async () => {
      const a = await category({ name: `A ${Date.now()}` });
      const b = await category({ name: 'B', parentId: a });
      const c = await category({ name: 'C', parentId: b });

      const renamed = await call(t.app, 'PATCH', `/api/v1/admin/categories/${b}`, {
        token: admin,
        body: { name: 'B2', game: '网易' },
      });
      expect(renamed.status).toBe(200);
      expect(renamed.body).toMatchObject({ id: b, name: 'B2', game: '网易', parentId: a });

      const cycle = await call(t.app, 'PATCH', `/api/v1/admin/categories/${a}`, {
        token: admin,
        body: { parentId: c },
      });
      expect(cycle.status).toBe(422);
      expect(cycle.body.error.details.issues[0].path).toEqual(['parentId']);
      const self = await call(t.app, 'PATCH', `/api/v1/admin/categories/${a}`, { token: admin, body: { parentId: a } });
      expect(self.status).toBe(422);

      const dup = await call(t.app, 'POST', '/api/v1/admin/categories', {
        token: admin,
        body: { name: 'B2', parentId: a },
      });
      expect(dup.status).toBe(409);
      expect(dup.body.error.code).toBe('ALREADY_EXISTS');

      const moved = await call(t.app, 'PATCH', `/api/v1/admin/categories/${c}`, {
        token: admin,
        body: { parentId: null },
      });
      expect(moved.status).toBe(200);
      expect(moved.body.parentId).toBeNull();
      const tree = await call(t.app, 'GET', '/api/v1/categories');
      expect(tree.body.items.map((n: { id: string }) => n.id)).toContain(c);

      expect((await call(t.app, 'DELETE', `/api/v1/admin/categories/${a}`, { token: admin })).status).toBe(409);
      await product({ categoryId: b });
      expect((await call(t.app, 'DELETE', `/api/v1/admin/categories/${b}`, { token: admin })).status).toBe(409);
      expect((await call(t.app, 'DELETE', `/api/v1/admin/categories/${c}`, { token: admin })).status).toBe(200);
      expect((await call(t.app, 'DELETE', `/api/v1/admin/categories/${c}`, { token: admin })).status).toBe(404);

      const audit = await call(t.app, 'GET', `/api/v1/admin/audit-log?objectType=category&objectId=${c}`, {
        token: admin,
      });
      expect(audit.body.items.map((e: { action: string }) => e.action).sort()).toEqual([
        'category.create',
        'category.delete',
        'category.update',
      ]);
    });

    it('only operators manage categories', async () => {
      const asBuyer = await call(t.app, 'POST', '/api/v1/admin/categories', {
        token: buyer.token,
        body: { name: 'x' },
      });
      expect(asBuyer.status).toBe(403);
      const asSupplier = await call(t.app, 'POST', '/api/v1/admin/categories', {
        token: supplier.token,
        body: { name: 'x' },
      });
      expect(asSupplier.status).toBe(403);
      expect((await call(t.app, 'POST', '/api/v1/admin/categories', { body: { name: 'x' } })).status).toBe(401);
      const noParent = await call(t.app, 'POST', '/api/v1/admin/categories', {
        token: admin,
        body: { name: 'x', parentId: 'cat_nope' },
      });
      expect(noParent.status).toBe(422);
      const bad = await call(t.app, 'POST', '/api/v1/admin/categories', {
        token: admin,
        body: { name: '', goodsType: 'gift' },
      });
      expect(bad.status).toBe(400);
      expect(bad.body.error.details.issues.map((i: { path: string[] }) => i.path[0]).sort()).toEqual([
        'goodsType',
        'name',
      ]);
    });
  });

  describe('products and review', () => {
    it('a supplier creates a product under review; it is not listed until an operator approves it', async () => {
      const cat = await category({ name: `审核 ${Date.now()}` });
      // warm the cache with the empty listing: approval must show through it at once
      expect((await listed(`categoryId=${cat}`)).total).toBe(0);

      const p = await product({ categoryId: cat, title: '网易一卡通 50元', stock: 5 });
      expect(p.id).toMatch(/^prd_/);
      expect(p.status).toBe('pending_review');
      expect((await listed(`categoryId=${cat}`)).total).toBe(0);
      expect((await call(t.app, 'GET', `/api/v1/products/${p.id}`)).status).toBe(404);
      expect((await call(t.app, 'GET', `/api/v1/products/${p.id}`, { token: buyer.token })).status).toBe(404);
      const own = await call(t.app, 'GET', `/api/v1/products/${p.id}`, { token: supplier.token });
      expect(own.status).toBe(200);
      expect(own.body.manage).toMatchObject({ revision: 1 });
      expect((await call(t.app, 'GET', `/api/v1/products/${p.id}`, { token: admin })).status).toBe(200);

      const queue = await call(t.app, 'GET', '/api/v1/admin/products?status=pending_review&pageSize=100', {
        token: admin,
      });
      expect(queue.status).toBe(200);
      expect(ids(queue.body)).toContain(p.id);

      const approved = await approve(p.id);
      expect(approved).toMatchObject({ status: 'approved', reviewedBy: expect.stringMatching(/^usr_/) });
      const after = await listed(`categoryId=${cat}`);
      expect(after.total).toBe(1);
      expect(after.items[0]).toMatchObject({ id: p.id, title: '网易一卡通 50元', priceCents: 1000, stock: 5 });
      const detail = await call(t.app, 'GET', `/api/v1/products/${p.id}`);
      expect(detail.status).toBe(200);
      expect(detail.body).toMatchObject({ id: p.id, stock: 5, status: 'approved', onSale: true });
      expect(detail.body.categoryPath).toEqual([{ id: cat, name: expect.any(String) }]);
      expect(detail.body.manage).toBeUndefined();

      const twice = await call(t.app, 'POST', `/api/v1/admin/products/${p.id}/approve`, { token: admin });
      expect(twice.status).toBe(409);
      const audit = await call(t.app, 'GET', `/api/v1/admin/audit-log?objectId=${p.id}`, { token: admin });
      expect(audit.body.items.map((e: { action: string }) => e.action)).toContain('product.approve');
    });

    it('buyers and operators cannot create products; nobody else sees a supplier product', async () => {
      const cat = await category({ name: `权限 ${Date.now()}` });
      const body = { categoryId: cat, title: 'x', description: '', priceCents: 100, deliveryMode: 'manual' };
      const asBuyer = await call(t.app, 'POST', '/api/v1/supplier/products', { token: buyer.token, body });
      expect(asBuyer.status).toBe(403);
      expect(asBuyer.body.error.code).toBe('FORBIDDEN');
      expect((await call(t.app, 'POST', '/api/v1/supplier/products', { body })).status).toBe(401);

      const p = await product({ categoryId: cat });
      const other = otherSupplier.token;
      expect((await call(t.app, 'GET', `/api/v1/supplier/products/${p.id}`, { token: other })).status).toBe(404);
      expect(
        (await call(t.app, 'PATCH', `/api/v1/supplier/products/${p.id}`, { token: other, body: { onSale: false } }))
          .status,
      ).toBe(404);
      expect((await call(t.app, 'GET', `/api/v1/products/${p.id}`, { token: other })).status).toBe(404);
      const cover = await t.app.inject({
        method: 'POST',
        url: `/api/v1/supplier/products/${p.id}/cover`,
        headers: { authorization: `Bearer ${other}`, 'content-type': 'image/png' },
        payload: PNG,
      });
      expect(cover.statusCode).toBe(404);
      const mine = await call(t.app, 'GET', '/api/v1/supplier/products?pageSize=100', { token: other });
      expect(ids(mine.body)).not.toContain(p.id);
      const theirs = await call(t.app, 'GET', '/api/v1/supplier/products?pageSize=100', { token: supplier.token });
      expect(ids(theirs.body)).toContain(p.id);
    });

    it('a material edit sends the product back to review; on/off sale and stock do not', async () => {
      const cat = await category({ name: `编辑 ${Date.now()}` });
      const p = await product({ categoryId: cat, title: '原标题', stock: 10 });
      await approve(p.id);
      const patch = (body: Record<string, unknown>, token = supplier.token) =>
        call(t.app, 'PATCH', `/api/v1/supplier/products/${p.id}`, { token, body });

      const off = await patch({ onSale: false });
      expect(off.body).toMatchObject({ status: 'approved', onSale: false });
      expect((await listed(`categoryId=${cat}`)).total).toBe(0);
      expect((await call(t.app, 'GET', `/api/v1/products/${p.id}`)).status).toBe(404);
      const on = await patch({ onSale: true, stock: 20, lowStockThreshold: 25, maxPerOrder: 5 });
      expect(on.body).toMatchObject({ status: 'approved', onSale: true, stock: 20, lowStock: true, revision: 1 });
      expect((await listed(`categoryId=${cat}`)).items[0]).toMatchObject({ id: p.id, stock: 20, maxPerOrder: 5 });

      const same = await patch({ title: '原标题' });
      expect(same.body.status).toBe('approved');

      for (const change of [
        { title: '新标题' },
        { description: '<p>新的说明</p>' },
        { priceCents: 990 },
        { priceTiers: [{ minQuantity: 10, priceCents: 900 }] },
        { categoryId: await category({ name: `编辑2 ${Date.now()}` }) },
        { deliveryMode: 'direct' },
      ]) {
        const edited = await patch(change);
        expect(edited.status, JSON.stringify(edited.body)).toBe(200);
        expect(edited.body.status).toBe('pending_review');
        expect((await call(t.app, 'GET', `/api/v1/products/${p.id}`)).status).toBe(404);
        await approve(p.id);
      }
      const final = await call(t.app, 'GET', `/api/v1/supplier/products/${p.id}`, { token: supplier.token });
      expect(final.body).toMatchObject({ revision: 7, deliveryMode: 'direct', priceCents: 990, title: '新标题' });
    });

    it('a rejection carries its reason; an approval of an outdated revision fails', async () => {
      const cat = await category({ name: `驳回 ${Date.now()}` });
      const p = await product({ categoryId: cat });
      const rejected = await call(t.app, 'POST', `/api/v1/admin/products/${p.id}/reject`, {
        token: admin,
        body: { reason: '图片不清晰' },
      });
      expect(rejected.status).toBe(200);
      expect(rejected.body).toMatchObject({ status: 'rejected', rejectReason: '图片不清晰' });
      const seen = await call(t.app, 'GET', `/api/v1/supplier/products/${p.id}`, { token: supplier.token });
      expect(seen.body.rejectReason).toBe('图片不清晰');
      expect((await call(t.app, 'POST', `/api/v1/admin/products/${p.id}/approve`, { token: admin })).status).toBe(409);

      const resubmitted = await call(t.app, 'PATCH', `/api/v1/supplier/products/${p.id}`, {
        token: supplier.token,
        body: { description: '<p>换了清晰的图</p>' },
      });
      expect(resubmitted.body).toMatchObject({ status: 'pending_review', rejectReason: null, revision: 2 });
      const stale = await call(t.app, 'POST', `/api/v1/admin/products/${p.id}/approve`, {
        token: admin,
        body: { revision: 1 },
      });
      expect(stale.status).toBe(409);
      expect(stale.body.error.code).toBe('CONFLICT');
      const fresh = await call(t.app, 'POST', `/api/v1/admin/products/${p.id}/approve`, {
        token: admin,
        body: { revision: 2 },
      });
      expect(fresh.status).toBe(200);

      // an operator can take an approved product off the market
      const takenDown = await call(t.app, 'POST', `/api/v1/admin/products/${p.id}/reject`, {
        token: admin,
        body: { reason: '投诉较多' },
      });
      expect(takenDown.body.status).toBe('rejected');
      expect((await listed(`categoryId=${cat}`)).total).toBe(0);
      const noReason = await call(t.app, 'POST', `/api/v1/admin/products/${p.id}/reject`, { token: admin, body: {} });
      expect(noReason.status).toBe(400);
    });

    it('banned words in a title or description are refused with the words found', async () => {
      const cat = await category({ name: `违禁 ${Date.now()}` });
      const set = await call(t.app, 'PUT', '/api/v1/admin/banned-words', {
        token: admin,
        body: { words: ['外挂', 'Cheat', '外挂'] },
      });
      expect(set.status).toBe(200);
      expect(set.body.words).toEqual(['Cheat', '外挂']);
      expect((await call(t.app, 'GET', '/api/v1/admin/banned-words', { token: admin })).body.words).toEqual([
        'Cheat',
        '外挂',
      ]);
      expect((await call(t.app, 'GET', '/api/v1/admin/banned-words', { token: buyer.token })).status).toBe(403);

      const body = { categoryId: cat, priceCents: 100, deliveryMode: 'manual' };
      const inTitle = await call(t.app, 'POST', '/api/v1/supplier/products', {
        token: supplier.token,
        body: { ...body, title: '王者荣耀 外挂 月卡', description: '<p>free CHEAT codes</p>' },
      });
      expect(inTitle.status).toBe(422);
      expect(inTitle.body.error.details.words.sort()).toEqual(['Cheat', '外挂']);
      expect(inTitle.body.error.details.issues.map((i: { path: string[] }) => i.path[0]).sort()).toEqual([
        'description',
        'title',
      ]);
      const splitByTags = await call(t.app, 'POST', '/api/v1/supplier/products', {
        token: supplier.token,
        body: { ...body, title: '正常商品', description: '<p>外<b>挂</b></p>' },
      });
      expect(splitByTags.status).toBe(422);
      expect(splitByTags.body.error.details.words).toEqual(['外挂']);

      const p = await product({ categoryId: cat, title: '正常商品' });
      const edit = await call(t.app, 'PATCH', `/api/v1/supplier/products/${p.id}`, {
        token: supplier.token,
        body: { title: '正常商品 外 挂' },
      });
      expect(edit.status).toBe(422);
      await call(t.app, 'PUT', '/api/v1/admin/banned-words', { token: admin, body: { words: [] } });
      const audit = await call(t.app, 'GET', '/api/v1/admin/audit-log?action=catalog.banned_words_set', {
        token: admin,
      });
      expect(audit.body.total).toBe(2);
    });

    it('sanitises the description and stores an injection-looking title verbatim', async () => {
      const cat = await category({ name: `安全 ${Date.now()}` });
      const p = await product({
        categoryId: cat,
        title: INJECTION,
        description:
          '<p onclick="alert(1)" style="color:red">好<strong>货</strong><script>alert(document.cookie)</script></p>' +
          '<a href="javascript:alert(1)">x</a><a href="https://example.com/a">ok</a>' +
          '<img src=x onerror=alert(1)><img src="https://evil.example/t.gif"><iframe src="https://evil.example"></iframe>' +
          '<svg onload=alert(1)><circle/></svg><a href="JaVaScRiPt:alert(1)">y</a>',
      });
      await approve(p.id);
      const detail = await call(t.app, 'GET', `/api/v1/products/${p.id}`);
      expect(detail.body.title).toBe(INJECTION);
      const html: string = detail.body.descriptionHtml;
      expect(html).toContain('<strong>货</strong>');
      expect(html).toContain('href="https://example.com/a"');
      expect(html).toContain('rel="nofollow noopener noreferrer"');
      for (const bad of [
        '<script',
        'onclick',
        'onerror',
        'onload',
        'javascript:',
        'JaVaScRiPt',
        'style=',
        '<img',
        '<iframe',
        '<svg',
        'alert',
      ]) {
        expect(html).not.toContain(bad);
      }
      const found = await listed(`q=${encodeURIComponent('DROP TABLE products; --')}`);
      expect(ids(found)).toEqual([p.id]);
      // LIKE wildcards in the query are literal characters
      expect(ids(await listed(`q=${encodeURIComponent('%_\\')}`))).toEqual([p.id]);
      expect((await listed(`q=${encodeURIComponent('%')}&categoryId=${cat}`)).total).toBe(1);
      expect((await listed('q=_')).total).toBe(1);
    });

    it('refuses bad input with 400 and details', async () => {
      const cat = await category({ name: `校验 ${Date.now()}` });
      const ok = { categoryId: cat, title: '好', description: '', priceCents: 100, deliveryMode: 'manual' };
      const cases: [string, Record<string, unknown>, string][] = [
        ['missing title', { ...ok, title: undefined }, 'title'],
        ['zero price', { ...ok, priceCents: 0 }, 'priceCents'],
        ['negative price', { ...ok, priceCents: -100 }, 'priceCents'],
        ['fractional price', { ...ok, priceCents: 9.99 }, 'priceCents'],
        ['price as string', { ...ok, priceCents: '100' }, 'priceCents'],
        ['unknown delivery mode', { ...ok, deliveryMode: 'teleport' }, 'deliveryMode'],
        ['mass-assigned status', { ...ok, status: 'approved' }, ''],
        ['mass-assigned supplier', { ...ok, supplierId: otherSupplier.userId }, ''],
        ['max below min', { ...ok, minPerOrder: 5, maxPerOrder: 2 }, 'maxPerOrder'],
        [
          'duplicate tiers',
          {
            ...ok,
            priceTiers: [
              { minQuantity: 5, priceCents: 90 },
              { minQuantity: 5, priceCents: 80 },
            ],
          },
          'priceTiers',
        ],
        ['tier dearer than base', { ...ok, priceTiers: [{ minQuantity: 5, priceCents: 200 }] }, 'priceTiers'],
        ['stock on card keys', { ...ok, deliveryMode: 'auto', stock: 5 }, 'stock'],
        ['recipient field on manual goods', { ...ok, recipientField: 'QQ号' }, 'recipientField'],
        ['control characters in title', { ...ok, title: 'a\u0000b' }, 'title'],
        ['oversized title', { ...ok, title: 'x'.repeat(121) }, 'title'],
      ];
      for (const [name, body, path] of cases) {
        const res = await call(t.app, 'POST', '/api/v1/supplier/products', { token: supplier.token, body });
        expect(res.status, name).toBe(400);
        expect(res.body.error.code, name).toBe('VALIDATION_FAILED');
        expect(Array.isArray(res.body.error.details.issues), name).toBe(true);
        if (path) {
          expect(
            res.body.error.details.issues.map((i: { path: string[] }) => i.path[0]),
            name,
          ).toContain(path);
        }
      }
      const noCategory = await call(t.app, 'POST', '/api/v1/supplier/products', {
        token: supplier.token,
        body: { ...ok, categoryId: 'cat_missing' },
      });
      expect(noCategory.status).toBe(422);
      expect(noCategory.body.error.details.issues[0].path).toEqual(['categoryId']);

      for (const query of [
        'pageSize=1000',
        'page=0',
        'sort=random',
        'minPriceCents=500&maxPriceCents=100',
        'q=%00',
        'evil=1',
      ]) {
        const res = await call(t.app, 'GET', `/api/v1/products?${query}`);
        expect(res.status, query).toBe(400);
        expect(res.body.error.details.issues.length, query).toBeGreaterThan(0);
      }
      const p = await product({ categoryId: cat });
      const badPatch = await call(t.app, 'PATCH', `/api/v1/supplier/products/${p.id}`, {
        token: supplier.token,
        body: { status: 'approved' },
      });
      expect(badPatch.status).toBe(400);
      const empty = await call(t.app, 'PATCH', `/api/v1/supplier/products/${p.id}`, {
        token: supplier.token,
        body: {},
      });
      expect(empty.status).toBe(400);
    });

    it('a category with a goods type only takes products of the matching delivery mode', async () => {
      const cat = await category({ name: `直充 ${Date.now()}`, goodsType: 'direct' });
      const sub = await category({ name: '话费', parentId: cat });
      const wrong = await call(t.app, 'POST', '/api/v1/supplier/products', {
        token: supplier.token,
        body: { categoryId: sub, title: '话费 100', description: '', priceCents: 9800, deliveryMode: 'auto' },
      });
      expect(wrong.status).toBe(422);
      expect(wrong.body.error.details.issues[0].path).toEqual(['deliveryMode']);
      const right = await product({ categoryId: sub, deliveryMode: 'direct', recipientField: '手机号' });
      expect(right.status).toBe('pending_review');
    });
  });

  describe('public search', () => {
    let root: string;
    let child: string;
    let grandchild: string;
    let other: string;
    const p: Record<string, string> = {};

    beforeAll(async () => {
      root = await category({ name: `搜索 ${Date.now()}`, goodsType: 'manual' });
      child = await category({ name: '网易', parentId: root, game: '网易' });
      grandchild = await category({ name: '50元', parentId: child, denomination: '50元' });
      other = await category({ name: '腾讯', parentId: root, game: '腾讯' });
      const specs: [string, string, number][] = [
        ['cheap', root, 500],
        ['mid', child, 1500],
        ['dear', grandchild, 5000],
        ['tx', other, 2500],
      ];
      for (const [key, categoryId, priceCents] of specs) {
        const made = await product({ categoryId, priceCents, title: `搜索商品 ${key} Gift` });
        p[key] = made.id;
        await approve(made.id);
      }
      await product({ categoryId: root, title: '搜索商品 pending Gift' });
      // sales: tx sold most, then dear
      await t.deps.db.transaction().execute(async (tx) => {
        await recordSale(tx, t.deps, p.tx!, 7);
        await recordSale(tx, t.deps, p.dear!, 3);
      });
    });

    it('includes the descendants of a category', async () => {
      expect(ids(await listed(`categoryId=${root}&sort=price_asc`))).toEqual([p.cheap, p.mid, p.tx, p.dear]);
      expect(ids(await listed(`categoryId=${child}&sort=price_asc`))).toEqual([p.mid, p.dear]);
      expect(ids(await listed(`categoryId=${grandchild}`))).toEqual([p.dear]);
      expect((await listed('categoryId=cat_unknown')).total).toBe(0);
    });

    it('filters by text, facets and price range', async () => {
      expect(ids(await listed(`q=${encodeURIComponent('商品 MID')}`))).toEqual([p.mid]);
      expect((await listed(`q=gift&categoryId=${root}`)).total).toBe(4);
      expect(ids(await listed(`categoryId=${root}&game=${encodeURIComponent('网易')}&sort=price_asc`))).toEqual([
        p.mid,
        p.dear,
      ]);
      expect(ids(await listed(`denomination=${encodeURIComponent('50元')}`))).toEqual([p.dear]);
      expect(ids(await listed(`categoryId=${root}&minPriceCents=1000&maxPriceCents=2500&sort=price_desc`))).toEqual([
        p.tx,
        p.mid,
      ]);
      expect((await listed(`categoryId=${root}&goodsType=manual`)).total).toBe(4);
      expect((await listed(`categoryId=${root}&goodsType=card_key`)).total).toBe(0);
    });

    it('sorts by sales, price and newest', async () => {
      const bySales = ids(await listed(`categoryId=${root}&sort=sales`));
      expect(bySales.slice(0, 2)).toEqual([p.tx, p.dear]);
      expect(ids(await listed(`categoryId=${root}&sort=price_desc`))).toEqual([p.dear, p.tx, p.mid, p.cheap]);
      expect(ids(await listed(`categoryId=${root}&sort=newest`))).toEqual([p.tx, p.dear, p.mid, p.cheap]);
      const first = (await listed(`categoryId=${root}&sort=sales`)).items[0];
      expect(first?.salesCount).toBe(7);
    });

    it('pages', async () => {
      const page1 = await listed(`categoryId=${root}&sort=price_asc&page=1&pageSize=3`);
      const page2 = await listed(`categoryId=${root}&sort=price_asc&page=2&pageSize=3`);
      expect(page1.total).toBe(4);
      expect(page2.total).toBe(4);
      expect(ids(page1)).toEqual([p.cheap, p.mid, p.tx]);
      expect(ids(page2)).toEqual([p.dear]);
      expect((await listed(`categoryId=${root}&page=3&pageSize=3`)).items).toEqual([]);
    });

    it('shows a card-key product with the vault count as stock', async () => {
      const cat = await category({ name: `卡密 ${Date.now()}`, goodsType: 'card_key' });
      const made = await product({ categoryId: cat, deliveryMode: 'auto' });
      await approve(made.id);
      const res = await listed(`categoryId=${cat}`);
      expect(res.items[0]).toMatchObject({ id: made.id, deliveryMode: 'auto', stock: 0 });
    });
  });

  describe('cover images', () => {
    it('accepts PNG, JPEG and WebP by their bytes, up to 2 MB, and serves them back', async () => {
      const cat = await category({ name: `封面 ${Date.now()}` });
      const p = await product({ categoryId: cat });
      const upload = (payload: Buffer | string, contentType = 'image/png') =>
        t.app.inject({
          method: 'POST',
          url: `/api/v1/supplier/products/${p.id}/cover`,
          headers: { authorization: `Bearer ${supplier.token}`, 'content-type': contentType },
          payload,
        });

      const ok = await upload(PNG);
      expect(ok.statusCode, ok.body).toBe(200);
      const coverUrl: string = ok.json().coverUrl;
      expect(coverUrl).toMatch(/^\/api\/v1\/uploads\/[a-f0-9]{32}\.png$/);
      const served = await t.app.inject({ method: 'GET', url: coverUrl });
      expect(served.statusCode).toBe(200);
      expect(served.headers['content-type']).toBe('image/png');
      expect(served.rawPayload.equals(PNG)).toBe(true);
      const mine = await call(t.app, 'GET', `/api/v1/supplier/products/${p.id}`, { token: supplier.token });
      expect(mine.body.coverUrl).toBe(coverUrl);
      expect(mine.body.status).toBe('pending_review');

      const jpeg = Buffer.concat([Buffer.from('ffd8ffe000104a464946', 'hex'), Buffer.alloc(32)]);
      const asOctets = await upload(jpeg, 'application/octet-stream');
      expect(asOctets.statusCode).toBe(200);
      expect(asOctets.json().coverUrl).toMatch(/\.jpg$/);
      const webp = Buffer.concat([
        Buffer.from('RIFF'),
        Buffer.from([0, 0, 0, 0]),
        Buffer.from('WEBPVP8 '),
        Buffer.alloc(32),
      ]);
      expect((await upload(webp, 'image/webp')).json().coverUrl).toMatch(/\.webp$/);

      const html = await upload('<html><script>alert(1)</script></html>', 'image/png');
      expect(html.statusCode).toBe(415);
      const gif = await upload(Buffer.from('GIF89a0000000000'), 'image/png');
      expect(gif.statusCode).toBe(415);
      const json = await upload(JSON.stringify({ image: 'x' }), 'application/json');
      expect(json.statusCode).toBe(415);
      const multipart = await upload('--x\r\n\r\n--x--', 'multipart/form-data; boundary=x');
      expect(multipart.statusCode).toBe(415);
      const big = await upload(Buffer.concat([PNG, Buffer.alloc(2 * 1024 * 1024)]));
      expect(big.statusCode).toBe(413);
      const empty = await upload(Buffer.alloc(0));
      expect([400, 415]).toContain(empty.statusCode);

      for (const name of ['../kameng.sqlite', '..%2Fkameng.sqlite', `${'a'.repeat(32)}.png`, 'master.key']) {
        const res = await t.app.inject({ method: 'GET', url: `/api/v1/uploads/${name}` });
        expect(res.statusCode, name).toBe(404);
      }
    });
  });

  describe('contract for orders', () => {
    it('reads products, takes and returns counted stock, counts sales, walks the category path', async () => {
      const top = await category({ name: `契约 ${Date.now()}` });
      const mid = await category({ name: 'mid', parentId: top });
      const leaf = await category({ name: 'leaf', parentId: mid });
      expect(await categoryPath(t.deps.db, leaf)).toEqual([leaf, mid, top]);
      expect(await categoryPath(t.deps.db, 'cat_missing')).toEqual([]);

      const counted = await product({
        categoryId: leaf,
        stock: 3,
        priceTiers: [{ minQuantity: 10, priceCents: 800 }],
        minPerOrder: 2,
      });
      const direct = await product({ categoryId: leaf, deliveryMode: 'direct' });
      const map = await getProductsForOrder(t.deps.db, [counted.id, direct.id, 'prd_missing']);
      expect(map.size).toBe(2);
      expect(map.get(counted.id)).toEqual({
        id: counted.id,
        supplierId: supplier.userId,
        categoryId: leaf,
        title: '商品',
        priceCents: 1000,
        priceTiers: [{ minQuantity: 10, priceCents: 800 }],
        minPerOrder: 2,
        maxPerOrder: null,
        deliveryMode: 'manual',
        status: 'pending_review',
        onSale: true,
        lowStockThreshold: null,
      });

      await approve(counted.id);
      const stockNow = async () => (await listed(`categoryId=${leaf}`)).items.find((i) => i.id === counted.id);
      expect(await stockNow()).toMatchObject({ stock: 3 });
      await t.deps.db.transaction().execute(async (tx) => {
        expect(await takeManualStock(tx, counted.id, 2)).toBe(true);
        expect(await takeManualStock(tx, counted.id, 2)).toBe(false);
        expect(await takeManualStock(tx, direct.id, 1_000)).toBe(true);
        expect(await takeManualStock(tx, 'prd_missing', 1)).toBe(false);
        await returnManualStock(tx, counted.id, 1);
        await recordSale(tx, t.deps, counted.id, 1);
      });
      // recordSale dropped the cached listing, so stock and sales show at once
      expect(await stockNow()).toMatchObject({ stock: 2, salesCount: 1 });
    });
  });

  it('documents the catalog routes in the OpenAPI description', async () => {
    const res = await call(t.app, 'GET', '/openapi.json');
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining(['/api/v1/products', '/api/v1/categories', '/api/v1/supplier/products/{id}/cover']),
    );
  });
});
