import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESKTOP, launch, newVisitor, PHONE, shoot } from './support/browser.ts';
import { adminFactor, adminToken, approvedSupplier, signIn } from './support/console.ts';
import { Http, PASSWORD } from './support/seed.ts';
import { ADMIN_EMAIL, ADMIN_PASSWORD, type RunningServer, startServer } from './support/server.ts';

// 资质审核: a supplier on a phone submits his business licence with its scan; an operator at a desk opens it,
// reveals the real name (both audited) and approves it; the supplier sees it approved. The operator also keeps the
// banned-goods classes and takes a listing down.

const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.from('business licence scan\n'.repeat(40))]);

let server: RunningServer;
let browser: Browser;
let http: Http;
let admin: string;

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launch()]);
  http = new Http(server.baseUrl);
  admin = await adminToken(http);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

interface Qualification {
  id: string;
  status: string;
  holderNameMasked: string;
}

describe('supplier qualifications', () => {
  it('a supplier uploads a qualification on a phone and an operator approves it at a desk', async () => {
    const supplier = await approvedSupplier(http, admin, '资质卡行');
    // signed in at a desk width (the sign-out button the helper waits for sits in the phone's menu), then a phone
    const phone = await newVisitor(browser, server.baseUrl, DESKTOP);
    await signIn(phone.page, supplier.email, PASSWORD, '/supplier/qualifications', supplier.factor.next());
    const p = phone.page;
    await p.setViewportSize(PHONE);
    await expect.poll(() => p.getByRole('heading', { name: '我的资质', level: 4 }).isVisible()).toBe(true);
    await p.getByLabel('主体名称（个人姓名或企业名称）').fill('星辰网络科技有限公司');
    await p.getByLabel('证件号码（身份证号或统一社会信用代码）').fill('91110000MA01ABCD2X');
    await p.getByLabel('有效期至').click();
    await p.getByLabel('有效期至').fill('2030-12-31');
    await p.getByLabel('有效期至').press('Enter');
    await p
      .locator('input[type=file]')
      .first()
      .setInputFiles({ name: '营业执照.pdf', mimeType: 'application/pdf', buffer: PDF });
    await expect.poll(() => p.getByText('营业执照.pdf').isVisible()).toBe(true);
    await shoot(p, 'qualification-form');
    await p.getByRole('button', { name: '提交资质' }).click();
    await expect.poll(() => p.getByText('审核中').first().isVisible()).toBe(true);
    // the list shows the number masked, never in full
    expect(await p.getByText('91110000MA01ABCD2X').count()).toBe(0);
    await expect.poll(() => p.getByText('9111**********CD2X', { exact: false }).isVisible()).toBe(true);
    await shoot(p, 'qualification-submitted');

    const mine = await http.call<{ items: Qualification[] }>('GET', '/api/v1/supplier/qualifications', {
      token: supplier.token,
    });
    expect(mine.items).toHaveLength(1);
    expect(mine.items[0]).toMatchObject({ status: 'pending', holderNameMasked: '星***' });
    const id = mine.items[0]!.id;

    const desk = await newVisitor(browser, server.baseUrl, DESKTOP);
    const d = desk.page;
    await signIn(d, ADMIN_EMAIL, ADMIN_PASSWORD, '/admin/qualifications', adminFactor(http).next());
    await expect.poll(() => d.getByRole('heading', { name: '资质审核', level: 4 }).isVisible()).toBe(true);
    const row = d.locator('tr', { hasText: supplier.userId });
    await expect.poll(() => row.isVisible()).toBe(true);
    await shoot(d, 'qualification-review');
    // the document downloads through the operator's session
    const [download] = await Promise.all([
      d.waitForEvent('download'),
      row.getByRole('button', { name: '查看文件' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('营业执照.pdf');
    await row.getByRole('button', { name: '查看实名' }).click();
    await expect.poll(() => d.getByText('91110000MA01ABCD2X').isVisible()).toBe(true);
    await d.locator('.ant-modal-confirm-btns button').click();
    await row.getByRole('button', { name: '通过' }).click();
    await expect.poll(() => d.getByText('资质已通过').isVisible()).toBe(true);
    const approved = await http.call<{ items: Qualification[] }>('GET', '/api/v1/supplier/qualifications', {
      token: supplier.token,
    });
    expect(approved.items[0]!.status).toBe('approved');
    const audit = await http.call<{ items: { action: string }[] }>('GET', `/api/v1/admin/audit-log?objectId=${id}`, {
      token: admin,
    });
    expect(audit.items.map((e) => e.action)).toEqual(
      expect.arrayContaining(['qualification.document_view', 'qualification.reveal', 'qualification.approve']),
    );

    await p.reload();
    await expect.poll(() => p.getByText('已通过').first().isVisible()).toBe(true);
    await shoot(p, 'qualification-approved');
    expect(phone.errors).toEqual([]);
    expect(desk.errors).toEqual([]);
    await phone.context.close();
    await desk.context.close();
  });

  it('an operator keeps the banned-goods classes and takes a listing down with a reason', async () => {
    const supplier = await approvedSupplier(http, admin, '下架测试店');
    const cat = await http.call<{ id: string }>('POST', '/api/v1/admin/categories', {
      token: admin,
      body: { name: `软件 ${Date.now()}` },
    });
    const product = await http.call<{ id: string; title: string }>('POST', '/api/v1/supplier/products', {
      token: supplier.token,
      body: {
        categoryId: cat.id,
        title: '办公软件月卡',
        description: '<p>正版</p>',
        priceCents: 990,
        deliveryMode: 'auto',
      },
    });
    await http.call('POST', `/api/v1/admin/products/${product.id}/approve`, { token: admin });

    const desk = await newVisitor(browser, server.baseUrl, DESKTOP);
    const d = desk.page;
    await signIn(d, ADMIN_EMAIL, ADMIN_PASSWORD, '/admin/banned-goods', adminFactor(http).next());
    await expect.poll(() => d.getByRole('heading', { name: '禁售商品', level: 4 }).isVisible()).toBe(true);
    await d.getByRole('button', { name: '添加类别' }).click();
    await d.getByLabel('类别名称').last().fill('游戏外挂');
    await d.getByLabel('关键词（每行一个）').last().fill('外挂\n辅助脚本');
    await d.getByRole('button', { name: /保\s*存/ }).click();
    await expect.poll(() => d.getByText('禁售商品清单已保存').isVisible()).toBe(true);
    await shoot(d, 'banned-goods');
    const refused = await fetch(`${server.baseUrl}/api/v1/supplier/products`, {
      method: 'POST',
      headers: { authorization: `Bearer ${supplier.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        categoryId: cat.id,
        title: '王者荣耀外挂',
        description: '<p>x</p>',
        priceCents: 100,
        deliveryMode: 'auto',
      }),
    });
    expect(refused.status).toBe(422);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('BANNED_GOODS');

    await d.goto('/admin/reviews');
    await d.locator('.ant-select').first().click();
    await d.getByTitle('已通过').click();
    const row = d.locator('tr', { hasText: product.title });
    await row.getByRole('button', { name: '违规下架' }).click();
    await d.getByLabel('原因').fill('涉嫌销售未授权软件');
    await d.getByRole('button', { name: '违规下架' }).last().click();
    await expect.poll(() => d.getByText('商品已下架，供应商会收到下架原因').isVisible()).toBe(true);
    await expect.poll(() => row.getByText('已违规下架').isVisible()).toBe(true);
    await shoot(d, 'takedown');
    const seen = await http.call<{ takedownReason: string; onSale: boolean }>(
      'GET',
      `/api/v1/supplier/products/${product.id}`,
      { token: supplier.token },
    );
    expect(seen).toMatchObject({ takedownReason: '涉嫌销售未授权软件', onSale: false });
    expect(desk.errors).toEqual([]);
    await desk.context.close();
  });
});
