import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeAlipay, startFakeAlipay } from '../../server/test/support/fake-alipay.ts';
import { type FakeEpay, startFakeEpay } from '../../server/test/support/fake-epay.ts';
import { type FakeUnionpay, startFakeUnionpay } from '../../server/test/support/fake-unionpay.ts';
import { type FakeWechat, startFakeWechat } from '../../server/test/support/fake-wechat.ts';
import { zhCN as paymentsZh } from '../src/admin/payments-messages.ts';
import { DESKTOP, launch, newVisitor, PHONE, shoot } from './support/browser.ts';
import { adminFactor, adminToken, expectConsoleClean, signIn, waitFor } from './support/console.ts';
import { Http, PASSWORD, type SeededShop, seedShop, uniqueEmail } from './support/seed.ts';
import { ADMIN_EMAIL, ADMIN_PASSWORD, type RunningServer, startServer } from './support/server.ts';

// A buyer pays through each real channel (Alipay, WeChat Pay, 易支付, 银联) against the local fake gateways of the
// server's tests; the operator configures them in the console, reconciles the day and retries a refund.

const clock = { now: () => Date.now() };
let server: RunningServer;
let browser: Browser;
let http: Http;
let shop: SeededShop;
let admin: string;
let alipay: FakeAlipay;
let wechat: FakeWechat;
let epay: FakeEpay;
let unionpay: FakeUnionpay;
const paid: Record<'alipay' | 'wechat' | 'epay' | 'unionpay', string> = {
  alipay: '',
  wechat: '',
  epay: '',
  unionpay: '',
};

beforeAll(async () => {
  [server, browser, alipay, wechat, epay, unionpay] = await Promise.all([
    startServer(),
    launch(),
    startFakeAlipay(clock),
    startFakeWechat(clock),
    startFakeEpay({ version: 'v1', clock }),
    startFakeUnionpay({ clock }),
  ]);
  http = new Http(server.baseUrl);
  shop = await seedShop(http, 10);
  admin = await adminToken(http);
  const siteUrl = server.baseUrl;
  // Alipay and WeChat Pay through the admin API, as an operator's script would; 易支付 is left without its
  // key, for the operator to finish in the console
  await http.call('PUT', '/api/v1/admin/payment-channels/alipay', {
    token: admin,
    body: {
      provider: 'alipay',
      enabled: true,
      environment: 'sandbox',
      methods: ['qr', 'wap', 'page'],
      feeBps: 60,
      siteUrl,
      settings: {
        appId: alipay.appId,
        sellerId: alipay.sellerId,
        alipayPublicKey: alipay.alipay.publicKey,
        gatewayUrl: alipay.gatewayUrl,
      },
      secrets: { appPrivateKey: alipay.app.privateKey },
    },
  });
  await http.call('PUT', '/api/v1/admin/payment-channels/wechat', {
    token: admin,
    body: {
      provider: 'wechat',
      enabled: true,
      environment: 'production',
      methods: ['native', 'h5'],
      feeBps: 60,
      siteUrl,
      settings: {
        mchid: wechat.mchid,
        appid: wechat.appid,
        merchantSerialNo: wechat.merchantSerialNo,
        platformPublicKeys: [{ serial: wechat.platformSerial, publicKey: wechat.platform.publicKey }],
        apiBase: wechat.server.url,
      },
      secrets: { merchantPrivateKey: wechat.merchant.privateKey, apiV3Key: wechat.apiV3Key },
    },
  });
  // UnionPay, whose signing certificate chains to the fake's root and intermediate
  await http.call('PUT', '/api/v1/admin/payment-channels/unionpay', {
    token: admin,
    body: {
      provider: 'unionpay',
      enabled: true,
      environment: 'production',
      methods: ['page', 'wap'],
      feeBps: 60,
      siteUrl,
      settings: {
        merId: unionpay.merId,
        certId: unionpay.certId,
        rootCert: unionpay.root.certPem,
        middleCert: unionpay.middle.certPem,
        apiBase: unionpay.server.url,
      },
      secrets: { signPrivateKey: unionpay.merchant.privateKey },
    },
  });
  await http.call('PUT', '/api/v1/admin/payment-channels/epay', {
    token: admin,
    body: {
      provider: 'epay',
      enabled: false,
      environment: 'production',
      methods: ['alipay', 'wxpay'],
      feeBps: 100,
      siteUrl,
      settings: { version: 'v1', pid: epay.pid, apiBase: `${epay.server.url}/` },
    },
  });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await Promise.all([alipay?.close(), wechat?.close(), epay?.close(), unionpay?.close()]);
});

const PAYMENTS_KEYS = Object.keys(paymentsZh);

/** The console checks plus the payment pages' own keys: none may be shown untranslated. */
async function expectPaymentsClean(page: Page, where: string) {
  await expectConsoleClean(page, where);
  const text = await page.locator('body').innerText();
  expect(
    PAYMENTS_KEYS.filter((k) => text.includes(k)),
    `${where}: untranslated payment keys`,
  ).toEqual([]);
}

/** The gateway's signed notification for a payment the buyer just paid there, delivered to Kameng. */
async function notify(provider: 'alipay' | 'wechat' | 'epay', paymentId: string) {
  const url = `${server.baseUrl}/api/v1/payments/notify/${provider}`;
  let res: Response;
  if (provider === 'alipay') {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body: new URLSearchParams(alipay.pay(paymentId)).toString(),
    });
  } else if (provider === 'wechat') {
    wechat.pay(paymentId);
    const n = wechat.paidNotification(paymentId);
    res = await fetch(url, { method: 'POST', headers: n.headers, body: n.body });
  } else {
    // 易支付 notifies with a GET; Kameng confirms it with an order query before anything is paid
    res = await fetch(`${url}?${new URLSearchParams(epay.pay(paymentId)).toString()}`);
  }
  expect(res.status, await res.clone().text()).toBe(provider === 'wechat' ? 204 : 200);
}

/** From the product page to our cashier with `method` chosen at checkout; returns the payment id. */
async function orderWith(page: Page, method: string): Promise<string> {
  await page.goto(`/products/${shop.product.id}`);
  await page.getByRole('button', { name: /立即购买/ }).click();
  await expect.poll(() => page.getByTestId('checkout-total').textContent()).toBe('¥10.00');
  await page.getByRole('radio', { name: method, exact: true }).check();
  await page.getByRole('button', { name: /提交订单/ }).click();
  await expect.poll(() => page.url()).toMatch(/\/cashier\/pay_/);
  await expect.poll(() => page.getByTestId('cashier-amount').textContent()).toBe('¥10.00');
  return decodeURIComponent(new URL(page.url()).pathname.split('/cashier/')[1] ?? '');
}

/** The cashier follows the payment to the order, which shows the delivered key. */
async function expectKeyDelivered(page: Page) {
  await expect.poll(() => page.url(), { timeout: 20_000 }).toMatch(/\/orders\/ord_/);
  await expect.poll(() => page.getByTestId('card-key').count(), { timeout: 20_000 }).toBe(1);
  await page.getByRole('button', { name: '显示卡密' }).click();
  // the keys are fetched (and their reveal recorded) when asked for: wait for the text to replace the mask
  await expect
    .poll(async () => shop.product.keys.includes((await page.getByTestId('card-key').textContent())?.trim() ?? ''))
    .toBe(true);
}

describe('an operator at a desk', () => {
  it('sees the channels and the sandbox warning, and finishes 易支付: refused while its key is missing, enabled once it is typed and the password confirmed', async () => {
    const { page, errors, context } = await newVisitor(browser, server.baseUrl, DESKTOP);
    await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD, '/admin/payment-channels', adminFactor(http).next());
    await expect.poll(() => page.getByRole('heading', { name: '支付通道', level: 4 }).isVisible()).toBe(true);
    // the e2e server runs with the sandbox on, and two real channels are enabled
    await expect.poll(() => page.getByTestId('sandbox-live-warning').isVisible()).toBe(true);
    const card = page.getByTestId('channel-epay');
    await expect.poll(() => card.getByText('启用前还需填写：商户密钥（V1）').isVisible()).toBe(true);
    await expect.poll(() => page.getByTestId('channel-alipay').getByText('已启用').isVisible()).toBe(true);
    // a stored key is shown by its last four characters, never itself
    const alipayCard = ((await page.getByTestId('channel-alipay').textContent()) ?? '').replace(/\s+/g, '');
    expect(alipayCard).toMatch(/应用私钥（RSA2）：••••\S{4}/);
    expect(alipayCard).not.toContain('PRIVATEKEY');
    await shoot(page, 'pay-console-channels');
    await expectPaymentsClean(page, 'payment channels');

    await card.getByRole('button', { name: '配置' }).click();
    const dialog = page.getByRole('dialog');
    await expect.poll(() => dialog.getByText('配置易支付').isVisible()).toBe(true);
    await expect.poll(() => dialog.getByText('启用前必填').isVisible()).toBe(true);
    await dialog.getByRole('switch').click();
    await dialog.getByRole('button', { name: '保存' }).click();
    await expect
      .poll(() => dialog.getByRole('alert').filter({ hasText: '信息不完整，不能启用' }).isVisible())
      .toBe(true);
    await shoot(page, 'pay-console-channel-incomplete');
    await dialog.getByLabel('商户密钥（V1）').fill(epay.key);
    // a session older than ten minutes may not change keys: the server answers the first save as it would
    // then (its rule is tested on the server), the console asks for the password and saves again
    let refusedOnce = false;
    await page.route('**/api/v1/admin/payment-channels/epay', async (route) => {
      if (refusedOnce || route.request().method() !== 'PUT') return route.continue();
      refusedOnce = true;
      expect(route.request().postDataJSON()).toMatchObject({ enabled: true, secrets: { key: epay.key } });
      await route.fulfill({
        status: 403,
        json: { error: { code: 'REAUTH_REQUIRED', message: 'Confirm your password to continue', details: null } },
      });
    });
    await dialog.getByRole('button', { name: '保存' }).click();
    const reauth = page.getByRole('dialog').filter({ hasText: '修改密钥前请确认身份' });
    await expect.poll(() => reauth.isVisible()).toBe(true);
    // the admin has 2FA on (the operator console requires it): the dialog asks for a code as well
    await reauth.getByLabel('登录密码').fill('not-the-password');
    await reauth.getByLabel('身份验证器代码').fill(adminFactor(http).next());
    await reauth.getByRole('button', { name: '确定' }).click();
    await expect.poll(() => reauth.getByRole('alert').filter({ hasText: '密码错误' }).isVisible()).toBe(true);
    await reauth.getByLabel('登录密码').fill(ADMIN_PASSWORD);
    await reauth.getByLabel('身份验证器代码').fill(adminFactor(http).next());
    await reauth.getByRole('button', { name: '确定' }).click();
    await expect.poll(() => page.getByText('易支付已保存').isVisible()).toBe(true);
    await expect.poll(() => card.getByText('已启用').isVisible()).toBe(true);
    await expect.poll(() => card.getByText('信息完整，可以启用').isVisible()).toBe(true);
    expect(((await card.textContent()) ?? '').replace(/\s+/g, '')).toContain(
      `商户密钥（V1）：••••${epay.key.slice(-4)}`,
    );
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('a buyer', () => {
  it('pays at a desk by scanning the Alipay and the WeChat Pay QR codes and on the 银联 PC gateway, and on a phone through 易支付 and Alipay WAP', async () => {
    const email = uniqueEmail('channel-buyer');
    await http.call('POST', '/api/v1/auth/register', { body: { email, password: PASSWORD } });
    const { page, errors, context } = await newVisitor(browser, server.baseUrl, DESKTOP);
    await signIn(page, email, PASSWORD, '/');

    // desk: Alipay opens as a QR code (precreate) on our cashier
    paid.alipay = await orderWith(page, '支付宝');
    await expect.poll(() => page.getByRole('radio', { name: '扫码支付' }).isChecked()).toBe(true);
    await page.getByRole('button', { name: '去支付' }).click();
    await expect.poll(() => page.getByTestId('pay-qr').isVisible()).toBe(true);
    await expect.poll(() => page.getByText('请用支付宝扫码支付').isVisible()).toBe(true);
    await shoot(page, 'pay-cashier-alipay-qr');
    expect(alipay.trades.get(paid.alipay)?.status).toBe('WAIT_BUYER_PAY');
    await notify('alipay', paid.alipay);
    await expectKeyDelivered(page);
    await shoot(page, 'pay-order-alipay');

    // desk: WeChat Pay Native
    paid.wechat = await orderWith(page, '微信支付');
    await expect.poll(() => page.getByRole('radio', { name: '扫码支付' }).isChecked()).toBe(true);
    await page.getByRole('button', { name: '去支付' }).click();
    await expect.poll(() => page.getByTestId('pay-qr').isVisible()).toBe(true);
    await expect.poll(() => page.getByText('请用微信扫码支付').isVisible()).toBe(true);
    await shoot(page, 'pay-cashier-wechat-qr');
    await notify('wechat', paid.wechat);
    await expectKeyDelivered(page);

    // desk: 银联's signed order is posted to the gateway's PC page (by our launch page, in a new tab); paying
    // there notifies Kameng
    paid.unionpay = await orderWith(page, '银联');
    await expect.poll(() => page.getByRole('radio', { name: '电脑网页支付' }).isChecked()).toBe(true);
    await page.getByRole('button', { name: '去支付' }).click();
    await expect
      .poll(() => page.getByTestId('pay-button').getAttribute('href'))
      .toBe(`/api/v1/payments/${paid.unionpay}/launch`);
    await shoot(page, 'pay-cashier-unionpay');
    const [cashier] = await Promise.all([page.context().waitForEvent('page'), page.getByTestId('pay-button').click()]);
    await cashier.waitForLoadState();
    await expect.poll(() => cashier.getByText('银联在线支付 ¥10.00').isVisible()).toBe(true);
    expect(unionpay.trades.get(paid.unionpay.replace('_', ''))?.channelType).toBe('07');
    await cashier.getByRole('button', { name: '确认付款' }).click();
    // the gateway notified Kameng before sending the buyer back to our cashier, which shows the payment paid
    await expect.poll(() => cashier.url()).toContain(`/cashier/${paid.unionpay}`);
    await cashier.close();
    await expectKeyDelivered(page);
    await expect.poll(() => page.getByText('银联', { exact: true }).isVisible()).toBe(true);
    await shoot(page, 'pay-order-unionpay');

    // phone: 易支付 takes the buyer to the gateway's page, which the buyer pays on
    await page.setViewportSize(PHONE);
    paid.epay = await orderWith(page, '易支付');
    await expect.poll(() => page.getByRole('radio', { name: '支付宝' }).isChecked()).toBe(true);
    await page.getByRole('button', { name: '去支付' }).click();
    await expect.poll(() => page.getByTestId('pay-button').getAttribute('href')).toContain('type=alipay');
    // changing one's mind after starting: the same payment, paid with the other wallet
    await page.getByText('微信', { exact: true }).click();
    await expect.poll(() => page.getByTestId('pay-button').getAttribute('href')).toContain('type=wxpay');
    await shoot(page, 'pay-cashier-epay');
    const [gateway] = await Promise.all([page.context().waitForEvent('page'), page.getByTestId('pay-button').click()]);
    await gateway.waitForLoadState();
    expect(new URL(gateway.url()).pathname).toBe('/submit.php');
    await gateway.close();
    expect(epay.trades.get(paid.epay)?.type).toBe('wxpay');
    await notify('epay', paid.epay);
    await expectKeyDelivered(page);
    // the order names the channel in words
    await expect.poll(() => page.getByText('易支付', { exact: true }).isVisible()).toBe(true);
    await shoot(page, 'pay-order-epay');

    // phone: Alipay opens its WAP page, WeChat Pay its H5 page (outside; only the address is checked)
    const wap = await orderWith(page, '支付宝');
    await expect.poll(() => page.getByRole('radio', { name: '手机网页支付' }).isChecked()).toBe(true);
    await page.getByRole('button', { name: '去支付' }).click();
    await expect.poll(() => page.getByTestId('pay-button').getAttribute('href')).toContain('alipay.trade.wap.pay');
    await shoot(page, 'pay-cashier-alipay-wap');
    const h5 = await orderWith(page, '微信支付');
    await expect.poll(() => page.getByRole('radio', { name: '手机网页支付' }).isChecked()).toBe(true);
    await page.getByRole('button', { name: '去支付' }).click();
    await expect
      .poll(() => page.getByTestId('pay-button').getAttribute('href'))
      .toMatch(/^https:\/\/wx\.tenpay\.com\//);
    // the buyer comes back without paying: the return address proves nothing, the payment stays pending
    await page.goto(`/cashier/${h5}`);
    await expect.poll(() => page.getByText('支付完成后本页自动更新').isVisible()).toBe(true);
    for (const id of [wap, h5]) {
      expect(
        (await http.call<{ status: string }>('GET', `/api/v1/admin/payments/${id}`, { token: admin })).status,
      ).toBe('pending');
    }
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('an operator after the sales', () => {
  it('reconciles today against every channel, and retries a refund the channel refused', async () => {
    expect(Object.values(paid).every(Boolean)).toBe(true);
    // the gateway refuses the first refund (it believes the trade unpaid), then accepts the retry
    const trade = epay.trades.get(paid.epay);
    if (!trade) throw new Error('the 易支付 trade is missing');
    trade.paid = false;
    const refund = await http.call<{ id: string }>('POST', `/api/v1/admin/payments/${paid.epay}/refunds`, {
      token: admin,
      body: { amountCents: 1000, destination: 'original', reason: '买家申请退款' },
    });
    await waitFor(
      () => http.call<{ items: { id: string; status: string }[] }>('GET', '/api/v1/admin/refunds', { token: admin }),
      (r) => r.items.some((x) => x.id === refund.id && x.status === 'failed'),
      'the refused refund',
    );

    const { page, errors, context } = await newVisitor(browser, server.baseUrl, DESKTOP);
    await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD, '/admin/reconciliation', adminFactor(http).next());
    await expect.poll(() => page.getByRole('heading', { name: '对账与退款', level: 4 }).isVisible()).toBe(true);
    await page.getByRole('tab', { name: '退款' }).click();
    const row = page.getByRole('row').filter({ hasText: refund.id });
    await expect.poll(() => row.getByText('失败').isVisible()).toBe(true);
    await shoot(page, 'pay-console-refund-failed');
    trade.paid = true;
    await row.getByRole('button', { name: '重试' }).click();
    await expect.poll(() => page.getByText('已重新提交退款').isVisible()).toBe(true);
    await expect
      .poll(
        async () => {
          await page.getByRole('button', { name: '刷新' }).last().click();
          return row.getByText('已退款').isVisible();
        },
        { timeout: 20_000 },
      )
      .toBe(true);
    expect(epay.refunds.size).toBe(1);

    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    await page.getByRole('tab', { name: '对账报告' }).click();
    await page.getByRole('button', { name: '重新对账' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('日期').fill(today);
    await dialog.getByRole('button', { name: '重新对账' }).click();
    await expect.poll(() => page.getByText(/已提交 4 个对账任务/).isVisible()).toBe(true);
    const reports = await waitFor(
      () =>
        http.call<{ items: { provider: string; day: string; matched: number }[] }>(
          'GET',
          `/api/v1/admin/reconciliation/reports?day=${today}`,
          { token: admin },
        ),
      (r) => new Set(r.items.map((x) => x.provider)).size === 4,
      "today's reports",
    );
    for (const provider of ['alipay', 'wechat', 'epay', 'unionpay'])
      expect(reports.items.find((r) => r.provider === provider)?.matched, provider).toBeGreaterThanOrEqual(1);
    await page.getByRole('button', { name: '刷新' }).first().click();
    await expect.poll(() => page.getByRole('row').filter({ hasText: today }).count()).toBeGreaterThanOrEqual(4);
    await shoot(page, 'pay-console-reconciliation');
    await expectPaymentsClean(page, 'reconciliation');
    expect(errors).toEqual([]);
    await context.close();
  });
});
