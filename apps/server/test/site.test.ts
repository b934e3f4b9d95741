import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, registerAndLogin, staffUser } from './support/client.ts';
import { createTestApp, dialectName, type TestApp } from './support/harness.ts';
import { openShop, type Shop } from './support/trade.ts';

const INDEX = `<!doctype html>
<html lang="zh-CN">
  <head>
    <meta charset="UTF-8" />
    <title>卡盟 Kameng</title>
  </head>
  <body><div id="root"></div><script type="module" src="/assets/index-Ab12Cd34.js"></script></body>
</html>
`;

const SETTINGS = {
  name: '星辰卡盟',
  description: '游戏点卡、会员激活码，自动发货',
  logoUrl: '/uploads/logo.png',
  icp: '京ICP备12345678号-1',
  psbRecord: '京公网安备11010502000001号',
  support: { qq: '800123456', wechat: 'xingchen-kf', url: 'https://kf.example.cn/chat', hours: '每天 9:00–23:00' },
  announcements: [
    { title: '春节期间正常发货', body: '除夕至初七照常自动发货。', pinned: false },
    { title: '新用户首单立减', body: '注册即享。', pinned: true },
  ],
  terms: '一、服务条款\n用户须遵守……',
  privacy: '',
};

/** The text of a `<meta property|name="key" content="…">` in `html`. */
function meta(html: string, key: string): string | undefined {
  return new RegExp(`<meta (?:name|property)="${key}" content="([^"]*)"`).exec(html)?.[1];
}

describe(`site settings, page heads, robots.txt and sitemap.xml (${dialectName})`, () => {
  let t: TestApp;
  let shop: Shop;
  let dist: string;
  let operator: string;

  beforeAll(async () => {
    dist = mkdtempSync(join(tmpdir(), 'kameng-site-dist-'));
    writeFileSync(join(dist, 'index.html'), INDEX);
    t = await createTestApp({ env: { WEB_DIST_DIR: dist, PUBLIC_URL: 'https://shop.example.cn/' } });
    shop = await openShop(t, { keyCount: 2 });
    operator = (await staffUser(t, shop.admin, ['operator'])).token;
  });
  afterAll(async () => {
    await t.close();
    rmSync(dist, { recursive: true, force: true });
  });

  it('starts with a name and nothing else set', async () => {
    const site = await call(t.app, 'GET', '/api/v1/site');
    expect(site.status).toBe(200);
    expect(site.body).toMatchObject({
      icp: null,
      psbRecord: null,
      announcements: [],
      hasTerms: false,
      updatedAt: null,
    });
    expect(site.body.name).toBeTruthy();
  });

  it('lets operators (and only them) replace the settings; visitors get them, ICP number included', async () => {
    const buyer = await registerAndLogin(t.app);
    expect((await call(t.app, 'PUT', '/api/v1/admin/site', { body: SETTINGS })).status).toBe(401);
    expect((await call(t.app, 'PUT', '/api/v1/admin/site', { token: buyer.token, body: SETTINGS })).status).toBe(403);
    expect(
      (await call(t.app, 'PUT', '/api/v1/admin/site', { token: shop.supplier.token, body: SETTINGS })).status,
    ).toBe(403);
    expect((await call(t.app, 'GET', '/api/v1/admin/site', { token: buyer.token })).status).toBe(403);

    const put = await call(t.app, 'PUT', '/api/v1/admin/site', { token: operator, body: SETTINGS });
    expect(put.status).toBe(200);
    expect(put.body.terms).toBe(SETTINGS.terms);
    const site = await call(t.app, 'GET', '/api/v1/site');
    expect(site.status).toBe(200);
    expect(site.body).toMatchObject({
      name: '星辰卡盟',
      icp: '京ICP备12345678号-1',
      psbRecord: '京公网安备11010502000001号',
      psbCode: '11010502000001',
      support: SETTINGS.support,
      hasTerms: true,
      hasPrivacy: false,
    });
    expect(site.body.terms).toBeUndefined();
    // pinned first
    expect(site.body.announcements.map((a: { title: string }) => a.title)).toEqual([
      '新用户首单立减',
      '春节期间正常发货',
    ]);
    expect(site.body.announcements[0].publishedAt).toBeGreaterThan(0);

    const terms = await call(t.app, 'GET', '/api/v1/site/pages/terms');
    expect(terms.body).toEqual({ page: 'terms', text: SETTINGS.terms });
    expect((await call(t.app, 'GET', '/api/v1/site/pages/privacy')).status).toBe(404);
    expect((await call(t.app, 'GET', '/api/v1/site/pages/secrets')).status).toBe(400);

    const audit = await t.deps.db
      .selectFrom('audit_log')
      .select(['actor_id', 'details'])
      .where('action', '=', 'site.settings.change')
      .execute();
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]!.details!).changed).toEqual(expect.arrayContaining(['name', 'icp', 'announcements']));
  });

  it('keeps an announcement’s date when it is sent back, and refuses bad input whole', async () => {
    const before = (await call(t.app, 'GET', '/api/v1/admin/site', { token: operator })).body;
    const again = await call(t.app, 'PUT', '/api/v1/admin/site', {
      token: operator,
      body: { ...SETTINGS, announcements: before.announcements },
    });
    expect(again.status).toBe(200);
    expect(again.body.announcements).toEqual(before.announcements);

    for (const bad of [
      { ...SETTINGS, name: '' },
      { ...SETTINGS, logoUrl: 'javascript:alert(1)' },
      { ...SETTINGS, support: { ...SETTINGS.support, url: '//evil.example' } },
      { ...SETTINGS, icp: 'ICP\u0000' },
      { ...SETTINGS, updatedAt: 1 },
      { ...SETTINGS, psbCode: '1' },
      { ...SETTINGS, announcements: Array.from({ length: 31 }, (_, i) => ({ title: `第${i}条` })) },
    ]) {
      const r = await call(t.app, 'PUT', '/api/v1/admin/site', { token: operator, body: bad });
      expect(r.status, JSON.stringify(bad).slice(0, 80)).toBe(400);
      expect(r.body.error.code).toBeTruthy();
    }
    expect((await call(t.app, 'GET', '/api/v1/site')).body.name).toBe('星辰卡盟');
  });

  it('answers product, category and home pages with their own head, unknown pages with 404', async () => {
    const product = await call(t.app, 'GET', `/products/${shop.productId}`);
    expect(product.status).toBe(200);
    expect(product.headers['content-type']).toContain('text/html');
    const html = product.body;
    expect(html).toContain('<title>腾讯Q币 10元 - 星辰卡盟</title>');
    expect(html.match(/<title>/g)).toHaveLength(1);
    expect(meta(html, 'description')).toBe('自动发货');
    expect(meta(html, 'og:title')).toBe('腾讯Q币 10元 - 星辰卡盟');
    expect(meta(html, 'og:type')).toBe('product');
    expect(meta(html, 'og:url')).toBe(`https://shop.example.cn/products/${shop.productId}`);
    expect(html).toContain('<div id="root"></div>');

    const category = await call(t.app, 'GET', `/search?categoryId=${shop.categoryId}`);
    expect(category.status).toBe(200);
    expect(category.body).toMatch(/<title>点卡 \d+ - 星辰卡盟<\/title>/);

    const typed = await call(t.app, 'GET', `/search?q=${encodeURIComponent('<b>点卡')}`);
    expect(typed.body).toContain('<title>搜索「&lt;b&gt;点卡」 - 星辰卡盟</title>');
    expect(meta(typed.body, 'robots')).toBe('noindex');
    expect(meta(category.body, 'robots')).toBeUndefined();

    const home = await call(t.app, 'GET', '/');
    expect(home.body).toContain('<title>星辰卡盟</title>');
    expect(meta(home.body, 'description')).toBe(SETTINGS.description);
    expect(meta(home.body, 'og:image')).toBe('https://shop.example.cn/uploads/logo.png');
    expect((await call(t.app, 'GET', '/terms')).status).toBe(200);

    for (const missing of ['/no-such-page', '/products/prd_doesnotexist', '/search?categoryId=cat_none', '/privacy']) {
      const r = await call(t.app, 'GET', missing);
      expect(r.status, missing).toBe(404);
      expect(r.body, missing).toContain('<div id="root"></div>');
      expect(meta(r.body, 'robots'), missing).toBe('noindex');
    }
    // the app's own pages still open, the consoles unindexed
    expect((await call(t.app, 'GET', '/login')).status).toBe(200);
    const console = await call(t.app, 'GET', '/admin/orders');
    expect(console.status).toBe(200);
    expect(meta(console.body, 'robots')).toBe('noindex');
    // a title cannot break out of the head
    await call(t.app, 'PUT', '/api/v1/admin/site', {
      token: operator,
      body: { ...SETTINGS, name: '</title><script>x' },
    });
    const escaped = await call(t.app, 'GET', '/');
    expect(escaped.body).toContain('<title>&lt;/title&gt;&lt;script&gt;x</title>');
    await call(t.app, 'PUT', '/api/v1/admin/site', { token: operator, body: SETTINGS });
  });

  it('serves robots.txt and a sitemap of every public product page', async () => {
    const robots = await call(t.app, 'GET', '/robots.txt');
    expect(robots.status).toBe(200);
    expect(robots.headers['content-type']).toContain('text/plain');
    expect(robots.body).toContain('Sitemap: https://shop.example.cn/sitemap.xml');
    expect(robots.body).toContain('Disallow: /admin');

    const hidden = await openShop(t, { keyCount: 1 });
    await call(t.app, 'PATCH', `/api/v1/supplier/products/${hidden.productId}`, {
      token: hidden.supplier.token,
      body: { onSale: false },
    });
    const sitemap = await call(t.app, 'GET', '/sitemap.xml');
    expect(sitemap.status).toBe(200);
    expect(sitemap.headers['content-type']).toContain('application/xml');
    const locs = [...sitemap.body.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => m[1]);
    expect(locs).toContain(`https://shop.example.cn/products/${shop.productId}`);
    expect(locs).not.toContain(`https://shop.example.cn/products/${hidden.productId}`);
    expect(locs).toContain('https://shop.example.cn/');
    // every product page listed answers with its product's title
    for (const loc of locs.filter((l) => l?.includes('/products/'))) {
      const page = await call(t.app, 'GET', loc!.replace('https://shop.example.cn', ''));
      expect(page.status).toBe(200);
      expect(page.body).toMatch(/<title>[^<]+ - 星辰卡盟<\/title>/);
    }
  });
});
