import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, newVisitor } from './support/browser.ts';
import { adminFactor, adminToken, approvedSupplier, LAPTOP, shootConsole, signIn, waitFor } from './support/console.ts';
import { Http, PASSWORD, seedShop, uniqueEmail } from './support/seed.ts';
import { ADMIN_EMAIL, ADMIN_PASSWORD, type RunningServer, startServer } from './support/server.ts';

let server: RunningServer;
let browser: Browser;
let http: Http;

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launch()]);
  http = new Http(server.baseUrl);
  await adminToken(http);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** Clicks a download button and answers the file's bytes and its suggested name. */
async function download(page: Page, testId: string): Promise<{ name: string; bytes: Buffer }> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).first().click()]);
  const path = await file.path();
  return { name: file.suggestedFilename(), bytes: readFileSync(path) };
}

describe('an operator exports the orders list', () => {
  it('导出 CSV and 导出 Excel download the orders the list shows, with its filters', async () => {
    const shop = await seedShop(http, 5);
    const email = uniqueEmail('export-buyer');
    await http.call('POST', '/api/v1/auth/register', { body: { email, password: PASSWORD } });
    const buyer = await http.login(email, PASSWORD);
    const topUp = await http.call<{ payment: { id: string } }>('POST', '/api/v1/wallet/top-ups', {
      token: buyer,
      body: { amountCents: 5_000, paymentMethod: 'sandbox' },
    });
    await http.call('POST', `/sandbox/payments/${topUp.payment.id}/complete`, { body: {} });
    await waitFor(
      () => http.call<{ balanceCents: number }>('GET', '/api/v1/wallet', { token: buyer }),
      (w) => w.balanceCents === 5_000,
      'the top-up',
    );
    const order = await http.call<{ id: string }>('POST', '/api/v1/orders', {
      token: buyer,
      body: { items: [{ productId: shop.product.id, quantity: 2 }], paymentMethod: 'balance' },
    });

    const { page, errors, context } = await newVisitor(browser, server.baseUrl, LAPTOP);
    await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD, '/admin/orders', adminFactor(http).next());
    await expect.poll(() => page.getByRole('button', { name: order.id }).isVisible()).toBe(true);
    await expect.poll(() => page.getByTestId('export-csv').isVisible()).toBe(true);
    await shootConsole(page, 'admin-orders-export');

    const csv = await download(page, 'export-csv');
    expect(csv.name).toMatch(/^orders-\d{4}-\d{2}-\d{2}\.csv$/);
    expect([...csv.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = csv.bytes.toString('utf8');
    expect(text).toContain('订单号 Order');
    expect(text).toContain(order.id);
    expect(text).toContain(`${shop.product.title} ×2`);

    const xlsx = await download(page, 'export-xlsx');
    expect(xlsx.name).toMatch(/\.xlsx$/);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.bytes as unknown as ArrayBuffer);
    const ids: unknown[] = [];
    book.worksheets[0]!.eachRow((row, n) => {
      if (n > 1) ids.push(row.getCell(1).value);
    });
    expect(ids).toContain(order.id);

    // 后台导出: the same export as a job; its progress, then its download link
    await page.getByTestId('export-job').click();
    await page.getByRole('menuitem', { name: 'CSV' }).click();
    await expect.poll(() => page.getByTestId('export-job-download').isVisible()).toBe(true);
    await shootConsole(page, 'admin-orders-export-job');
    const job = await download(page, 'export-job-download');
    expect(job.name).toMatch(/^orders-\d{4}-\d{2}-\d{2}\.csv$/);
    expect([...job.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(job.bytes.toString('utf8')).toContain(order.id);

    // the list's filter goes with the export: a status with no orders exports only the header
    await page.getByPlaceholder('订单号、买家邮箱或手机号').fill('ord_nothing_like_this');
    await page.getByPlaceholder('订单号、买家邮箱或手机号').press('Enter');
    await expect.poll(() => page.getByRole('button', { name: order.id }).isVisible()).toBe(false);
    const filtered = await download(page, 'export-csv');
    expect(filtered.bytes.toString('utf8').trim().split('\r\n')).toHaveLength(1);
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('a supplier exports a product’s unsold keys', () => {
  it('masked with 导出 CSV; in full only after confirming the password and code again', async () => {
    const admin = await adminToken(http);
    const supplier = await approvedSupplier(http, admin, '导出小店');
    const category = await http.call<{ id: string }>('POST', '/api/v1/admin/categories', {
      token: admin,
      body: { name: '导出点卡', goodsType: 'card_key', game: '网易' },
    });
    const product = await http.call<{ id: string }>('POST', '/api/v1/supplier/products', {
      token: supplier.token,
      body: {
        categoryId: category.id,
        title: '网易点卡 30元',
        description: '<p>自动发货</p>',
        priceCents: 3_000,
        deliveryMode: 'auto',
      },
    });
    const keys = ['WY30-EXPORT-0001', 'WY30-EXPORT-0002', 'WY30-EXPORT-0003'];
    await http.call('POST', `/api/v1/supplier/products/${product.id}/card-keys`, {
      token: supplier.token,
      body: { keys },
    });

    const { page, errors, context } = await newVisitor(browser, server.baseUrl, LAPTOP);
    await signIn(page, supplier.email, PASSWORD, `/supplier/products/${product.id}/keys`, supplier.factor.next());
    await expect.poll(() => page.getByTestId('export-full').isVisible(), { timeout: 20_000 }).toBe(true);
    await shootConsole(page, 'supplier-card-keys-export');

    const masked = await download(page, 'export-csv');
    const text = masked.bytes.toString('utf8');
    expect(text.split('\r\n').filter(Boolean)).toHaveLength(4);
    for (const key of keys) expect(text).not.toContain(key);

    await page.getByTestId('export-full').click();
    await page.getByLabel('登录密码').fill(PASSWORD);
    await page.getByLabel('身份验证器代码').fill(supplier.factor.next());
    const [file] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('dialog').getByRole('button', { name: '确定' }).click(),
    ]);
    expect(file.suggestedFilename()).toMatch(/^card-keys-revealed-.*\.csv$/);
    const full = readFileSync(await file.path()).toString('utf8');
    for (const key of keys) expect(full).toContain(key);
    expect(errors).toEqual([]);
    await context.close();
  });
});
