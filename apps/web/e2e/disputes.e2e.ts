import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESKTOP, launch, newVisitor, PHONE, shoot, shootAsIs } from './support/browser.ts';
import { adminToken, approvedSupplier, shootConsole, signIn, waitFor } from './support/console.ts';
import { enrolTwoFactor, Http, PASSWORD, uniqueEmail } from './support/seed.ts';
import { type RunningServer, startServer } from './support/server.ts';

let server: RunningServer;
let browser: Browser;
let http: Http;

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launch()]);
  http = new Http(server.baseUrl);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

// a real 1×1 PNG: the server decides the type by the bytes, and the page shows it
const SCREENSHOT = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

describe('after-sales: buyer → supplier → platform', () => {
  it('a buyer opens a case with a screenshot, the supplier rejects, the buyer escalates, the arbitrator refunds in part', async () => {
    const admin = await adminToken(http);
    const supplier = await approvedSupplier(http, admin, '售后测试店');
    const cat = await http.call<{ id: string }>('POST', '/api/v1/admin/categories', {
      token: admin,
      body: { name: `售后点卡 ${Date.now()}` },
    });
    const title = '网易一卡通 10元';
    const product = await http.call<{ id: string }>('POST', '/api/v1/supplier/products', {
      token: supplier.token,
      body: { categoryId: cat.id, title, description: '<p>自动发货</p>', priceCents: 1000, deliveryMode: 'auto' },
    });
    await http.call('POST', `/api/v1/supplier/products/${product.id}/card-keys`, {
      token: supplier.token,
      body: { keys: ['WY-AFTER-000001', 'WY-AFTER-000002', 'WY-AFTER-000003'] },
    });
    await http.call('POST', `/api/v1/admin/products/${product.id}/approve`, { token: admin });

    const buyerEmail = uniqueEmail('dispute-buyer');
    await http.call('POST', '/api/v1/auth/register', { body: { email: buyerEmail, password: PASSWORD } });
    const buyerToken = await http.login(buyerEmail, PASSWORD);
    const topUp = await http.call<{ payment: { id: string } }>('POST', '/api/v1/wallet/top-ups', {
      token: buyerToken,
      body: { amountCents: 5000, paymentMethod: 'sandbox' },
    });
    await http.call('POST', `/sandbox/payments/${topUp.payment.id}/complete`, { body: {} });
    const order = await (async () => {
      for (let i = 0; i < 50; i++) {
        try {
          return await http.call<{ id: string }>('POST', '/api/v1/orders', {
            token: buyerToken,
            body: { items: [{ productId: product.id, quantity: 2 }], paymentMethod: 'balance' },
          });
        } catch (err) {
          // the top-up lands when the worker has run; the key import too
          if (i === 49) throw err;
          await new Promise((r) => setTimeout(r, 200));
        }
      }
      throw new Error('unreachable');
    })();

    const arbitratorEmail = uniqueEmail('arbitrator');
    const reg = await http.call<{ user: { id: string } }>('POST', '/api/v1/auth/register', {
      body: { email: arbitratorEmail, password: PASSWORD },
    });
    const arbitratorFactor = await enrolTwoFactor(http, await http.login(arbitratorEmail, PASSWORD));
    await http.call('PUT', `/api/v1/admin/users/${reg.user.id}/roles`, {
      token: admin,
      body: { roles: ['arbitrator'] },
    });

    // the buyer, on a phone: 申请售后 on the order, naming the first key, then a screenshot
    const buyer = await newVisitor(browser, server.baseUrl, DESKTOP);
    await signIn(buyer.page, buyerEmail, PASSWORD, `/orders/${order.id}`);
    await buyer.page.setViewportSize(PHONE);
    await buyer.page.getByRole('button', { name: '申请售后' }).click();
    const dialog = buyer.page.getByRole('dialog');
    await dialog.getByRole('checkbox').first().click();
    await expect.poll(() => dialog.getByRole('checkbox').first().isChecked()).toBe(true);
    await dialog.getByLabel('说明').fill('第一张卡密提示已被使用');
    await dialog.getByRole('button', { name: '提交' }).click();
    await expect.poll(() => buyer.page.url()).toMatch(/\/account\/disputes\/dsp_/);
    const caseId = decodeURIComponent(buyer.page.url().split('/account/disputes/')[1] ?? '');
    await expect.poll(() => buyer.page.getByText('待卖家处理').first().isVisible()).toBe(true);
    await buyer.page
      .locator('input[type=file]')
      .setInputFiles({ name: 'used.png', mimeType: 'image/png', buffer: SCREENSHOT });
    await expect.poll(() => buyer.page.locator('img[alt="凭证"]').count()).toBe(1);
    await shoot(buyer.page, 'dispute-opened');

    // the supplier, at a desk: the 售后 queue, the case, reject
    const desk = await newVisitor(browser, server.baseUrl, DESKTOP);
    await signIn(desk.page, supplier.email, PASSWORD, '/supplier/disputes', supplier.factor.next());
    await desk.page.getByRole('cell', { name: title }).click();
    await expect.poll(() => desk.page.locator('img[alt="凭证"]').count()).toBe(1);
    await desk.page.getByText('驳回', { exact: true }).click();
    await desk.page.getByLabel('说明', { exact: true }).fill('该卡密出库时有效，请提供充值记录');
    await desk.page.getByRole('button', { name: '提交处理' }).click();
    await expect.poll(() => desk.page.getByText('卖家已处理').first().isVisible()).toBe(true);
    await shootConsole(desk.page, 'dispute-supplier-answer');

    // the buyer escalates with a reason
    await buyer.page.reload();
    await buyer.page.getByLabel('申请平台仲裁').fill('充值页面提示卡密已使用，截图已上传');
    await buyer.page.getByRole('button', { name: '申请平台仲裁' }).click();
    await expect.poll(() => buyer.page.getByText('平台仲裁中').first().isVisible()).toBe(true);

    // the arbitrator: the 仲裁 console, the key record, a partial refund with a written ruling
    const arbitrator = await newVisitor(browser, server.baseUrl, DESKTOP);
    await signIn(arbitrator.page, arbitratorEmail, PASSWORD, '/admin/disputes', arbitratorFactor.next());
    await arbitrator.page.getByRole('cell', { name: title }).click();
    await expect.poll(() => arbitrator.page.getByText('卡密记录').isVisible()).toBe(true);
    await expect.poll(() => arbitrator.page.getByText('被申诉').first().isVisible()).toBe(true);
    await arbitrator.page.getByLabel('退款金额（元）').fill('5');
    await arbitrator.page.getByLabel('裁决说明').fill('证据不足以证明整张卡密无效，退一半');
    await arbitrator.page.getByRole('button', { name: '裁决' }).click();
    await expect.poll(() => arbitrator.page.getByText('已退款').first().isVisible()).toBe(true);
    await shootConsole(arbitrator.page, 'dispute-ruling');

    // both sides see the ruling; the buyer's wallet has the ¥5.00
    await buyer.page.reload();
    await expect.poll(() => buyer.page.getByText('证据不足以证明整张卡密无效，退一半').isVisible()).toBe(true);
    await shoot(buyer.page, 'dispute-ruled');
    const wallet = await http.call<{ balanceCents: number }>('GET', '/api/v1/wallet', { token: buyerToken });
    expect(wallet.balanceCents).toBe(5000 - 2000 + 500);
    const seen = await http.call<{ status: string }>('GET', `/api/v1/disputes/${caseId}`, { token: supplier.token });
    expect(seen.status).toBe('resolved_refund');
    for (const v of [buyer, desk, arbitrator]) expect(v.errors).toEqual([]);
  });
});

describe('returning keys never viewed', () => {
  it('a buyer gives back unviewed keys from the order page and is refunded to his wallet, at 390 and 1366 px', async () => {
    const admin = await adminToken(http);
    const supplier = await approvedSupplier(http, admin, '退回测试店');
    const cat = await http.call<{ id: string }>('POST', '/api/v1/admin/categories', {
      token: admin,
      body: { name: `退回点卡 ${Date.now()}` },
    });
    const product = await http.call<{ id: string }>('POST', '/api/v1/supplier/products', {
      token: supplier.token,
      body: {
        categoryId: cat.id,
        title: '骏网一卡通 10元',
        description: '<p>自动发货</p>',
        priceCents: 1000,
        deliveryMode: 'auto',
      },
    });
    await http.call('POST', `/api/v1/supplier/products/${product.id}/card-keys`, {
      token: supplier.token,
      body: { keys: ['JW-RETURN-000001', 'JW-RETURN-000002', 'JW-RETURN-000003', 'JW-RETURN-000004'] },
    });
    await http.call('POST', `/api/v1/admin/products/${product.id}/approve`, { token: admin });
    const buyerEmail = uniqueEmail('return-buyer');
    await http.call('POST', '/api/v1/auth/register', { body: { email: buyerEmail, password: PASSWORD } });
    const buyer = await http.login(buyerEmail, PASSWORD);
    const topUp = await http.call<{ payment: { id: string } }>('POST', '/api/v1/wallet/top-ups', {
      token: buyer,
      body: { amountCents: 5000, paymentMethod: 'sandbox' },
    });
    await http.call('POST', `/sandbox/payments/${topUp.payment.id}/complete`, { body: {} });
    const wallet = () =>
      http.call<{ balanceCents: number }>('GET', '/api/v1/wallet', { token: buyer }).then((w) => w.balanceCents);
    await waitFor(wallet, (c) => c === 5000, 'the top-up');

    // at 390 px one of two keys goes back; at 1366 px both of the other order's
    for (const [viewport, give] of [
      [{ width: 390, height: 844 }, 1],
      [{ width: 1366, height: 900 }, 2],
    ] as const) {
      const order = await http.call<{ id: string }>('POST', '/api/v1/orders', {
        token: buyer,
        body: { items: [{ productId: product.id, quantity: 2 }], paymentMethod: 'balance' },
      });
      await waitFor(
        () => http.call<{ status: string }>('GET', `/api/v1/orders/${order.id}?keys=hidden`, { token: buyer }),
        (o) => o.status === 'delivered',
        'the delivery',
      );
      const before = await wallet();
      const { page, errors, context } = await newVisitor(browser, server.baseUrl, viewport);
      await page.setViewportSize(DESKTOP);
      await signIn(page, buyerEmail, PASSWORD, `/orders/${order.id}`);
      await page.setViewportSize(viewport);
      await page.getByRole('link', { name: '退回未查看的卡密' }).click();
      await expect.poll(() => new URL(page.url()).pathname).toBe(`/account/returns/${order.id}`);
      await expect.poll(() => page.getByText('骏网一卡通 10元 × 2').isVisible()).toBe(true);
      await page.getByLabel('退回数量（最多 2 张）').fill(String(give));
      await shootAsIs(page, 'key-return');
      await page.getByRole('button', { name: '确认退回' }).click();
      await page.locator('.ant-popconfirm').getByRole('button', { name: '确认退回' }).click();
      const done = `已退回 ${give} 张卡密，退款 ¥${give * 10}.00 已到钱包`;
      await expect.poll(() => page.getByText(done).isVisible()).toBe(true);
      await shootAsIs(page, 'key-return-done');
      expect(await wallet()).toBe(before + give * 1000);
      // the supplier is asked what becomes of them
      const returns = await http.call<{ items: { orderId: string; keys: number; status: string }[] }>(
        'GET',
        '/api/v1/supplier/key-returns',
        { token: supplier.token },
      );
      expect(returns.items.find((r) => r.orderId === order.id)).toMatchObject({ keys: give, status: 'pending' });
      // the order page offers the return no longer once no key is left to return
      await page.getByRole('link', { name: '返回订单' }).click();
      await expect.poll(() => new URL(page.url()).pathname).toBe(`/orders/${order.id}`);
      if (give === 2) {
        await expect.poll(() => page.getByRole('link', { name: '退回未查看的卡密' }).count()).toBe(0);
      }
      expect(errors).toEqual([]);
      await context.close();
    }
  });
});
