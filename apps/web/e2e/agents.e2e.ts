import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectClean, launch, messages, newVisitor, SCREENSHOT_DIR } from './support/browser.ts';
import { signIn } from './support/console.ts';
import { adminFactor, Http, loginAdmin, PASSWORD, type SeededShop, seedShop, uniqueEmail } from './support/seed.ts';
import { ADMIN_EMAIL, ADMIN_PASSWORD, type RunningServer, startServer } from './support/server.ts';

// 分站 (#17): a user applies, an operator approves, the agent brands his site and sets a markup, a buyer on the
// agent's subdomain buys at his price under his name, and the agent sees his margin. Chromium resolves every
// *.kameng.local to this machine, so the 分站 is reached by its own Host, as a buyer's browser reaches it.

const PHONE = { width: 390, height: 844 };
const DESK = { width: 1366, height: 900 };
const SITE = '星光卡铺';
const SUB = 'xingguang';

let server: RunningServer;
let browser: Browser;
let http: Http;
let shop: SeededShop;
let port: string;
const agentEmail = uniqueEmail('agent');

beforeAll(async () => {
  [server, browser] = await Promise.all([
    startServer(),
    launch(['--host-resolver-rules=MAP *.kameng.local 127.0.0.1']),
  ]);
  http = new Http(server.baseUrl);
  shop = await seedShop(http);
  port = new URL(server.baseUrl).port;
  await http.call('POST', '/api/v1/auth/register', { body: { email: agentEmail, password: PASSWORD } });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

let shots = 0;
/** The page at 390 px and 1366 px (full page), then back to the journey's width; nothing may show raw. */
async function shoot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const original = page.viewportSize() ?? PHONE;
  shots += 1;
  for (const size of [PHONE, DESK]) {
    await page.setViewportSize(size);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.waitForTimeout(250);
    await page.waitForFunction(() => [...document.images].every((img) => img.complete));
    await page.screenshot({
      path: join(SCREENSHOT_DIR, `agents-${String(shots).padStart(2, '0')}-${name}-${size.width}.png`),
      fullPage: true,
    });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, `${name} is wider than ${size.width} px`).toBeLessThanOrEqual(0);
  }
  await page.setViewportSize(original);
  await page.waitForTimeout(150);
  await expectClean(page, name);
}

/** Signs in through the login page on a phone (the header folds its sign-out button away there). */
async function phoneSignIn(page: Page, email: string, next: string) {
  await page.goto(`/login?next=${encodeURIComponent(next)}`);
  await page.getByLabel(messages.zhCN.account).fill(email);
  await page.getByLabel(messages.zhCN.password, { exact: true }).fill(PASSWORD);
  await page.getByLabel(messages.zhCN.password, { exact: true }).press('Enter');
  await expect.poll(() => new URL(page.url()).pathname).toBe(next);
}

describe('分站: apply, approve, brand, mark up, sell on the subdomain', () => {
  it('a user applies for a 分站 from 我的 on a phone', async () => {
    const { page, errors, context } = await newVisitor(browser, server.baseUrl, PHONE);
    await phoneSignIn(page, agentEmail, '/account/agent');
    await expect.poll(() => page.getByText('.kameng.local').isVisible()).toBe(true);
    await page.getByLabel('分站名称').fill(SITE);
    await page.getByLabel('二级域名').fill(SUB);
    await shoot(page, 'apply-form');
    await page.getByRole('button', { name: '提交申请' }).click();
    await expect.poll(() => page.getByTestId('agent-application').innerText()).toContain('待审核');
    await expect.poll(() => page.getByTestId('agent-application').innerText()).toContain(`${SUB}.kameng.local`);
    await shoot(page, 'apply-pending');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('an operator approves it, after a confirmation, and sees it among the 分站', async () => {
    const { page, errors, context } = await newVisitor(browser, server.baseUrl, DESK);
    await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD, '/admin/agents', adminFactor(http).next());
    const row = page.getByRole('row', { name: new RegExp(SITE) });
    await expect.poll(() => row.isVisible()).toBe(true);
    await shoot(page, 'admin-applications');
    await row.getByRole('button', { name: '通过' }).click();
    await expect.poll(() => page.getByText(`${SUB}.kameng.local 立即开通`).isVisible()).toBe(true);
    await page.locator('.ant-popconfirm').getByRole('button', { name: '确定' }).click();
    await expect.poll(() => page.getByText('没有待审核的申请').isVisible()).toBe(true);
    await page.getByRole('tab', { name: '分站列表' }).click();
    await expect.poll(() => page.getByRole('row', { name: new RegExp(SITE) }).innerText()).toContain('已开通');
    await shoot(page, 'admin-agents');
    await page.getByRole('tab', { name: '分站设置' }).click();
    await expect.poll(() => page.getByLabel('平台主域名').inputValue()).toBe('kameng.local');
    await shoot(page, 'admin-agent-settings');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('the agent brands his 分站 and marks a product up 20%, seeing his cost and price', async () => {
    const { page, errors, context } = await newVisitor(browser, server.baseUrl, DESK);
    await signIn(page, agentEmail, PASSWORD, '/agent/site');
    await expect.poll(() => page.getByLabel('分站名称').inputValue()).toBe(SITE);
    await page.getByLabel('分站公告').fill('欢迎光临星光卡铺，全场自动发货');
    await page.getByLabel('联系方式').fill('QQ 888666');
    await page.getByRole('button', { name: '添加轮播图' }).click();
    await page.getByLabel('图片地址', { exact: true }).fill('/favicon.svg');
    await page.getByLabel(/点击跳转/).fill(`/products/${shop.product.id}`);
    await page.getByRole('button', { name: '保存', exact: true }).click();
    await expect.poll(() => page.getByText('分站设置已保存').isVisible()).toBe(true);
    await shoot(page, 'agent-site');

    await page.goto('/agent/products');
    const row = page.getByRole('row', { name: new RegExp(shop.product.title) });
    await expect.poll(() => row.getByTestId('agent-price').textContent()).toBe('¥10.00');
    // his own cost, from the server's price function: a top agent pays the platform's price
    await expect.poll(() => row.getByTestId('agent-cost').textContent()).toBe('¥10.00');
    await row.getByRole('button', { name: '设置加价' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('加价比例 (%)').fill('20');
    await dialog.getByRole('button', { name: '确定' }).click();
    await expect.poll(() => row.getByTestId('agent-price').textContent()).toBe('¥12.00');
    await page.getByRole('button', { name: '保存加价' }).click();
    await expect.poll(() => page.getByText('加价已保存').isVisible()).toBe(true);
    await shoot(page, 'agent-markups');
    expect(errors).toEqual([]);
    await context.close();
  });

  it("a buyer on the 分站's Host sees its branding and price and buys a key from his wallet", async () => {
    const buyerEmail = uniqueEmail('agent-buyer');
    await http.call('POST', '/api/v1/auth/register', { body: { email: buyerEmail, password: PASSWORD } });
    const token = await http.login(buyerEmail, PASSWORD);
    const topUp = await http.call<{ payment: { id: string } }>('POST', '/api/v1/wallet/top-ups', {
      token,
      body: { amountCents: 5_000, paymentMethod: 'sandbox' },
    });
    await http.call('POST', `/sandbox/payments/${topUp.payment.id}/complete`, { body: {} });

    const { page, errors, context } = await newVisitor(browser, `http://${SUB}.kameng.local:${port}`, PHONE);
    await page.goto('/');
    await expect.poll(() => page.getByTestId('site-brand').innerText()).toContain(SITE);
    await expect.poll(() => page.getByTestId('agent-notice').innerText()).toContain('欢迎光临星光卡铺');
    await expect.poll(() => page.getByTestId('agent-contact').innerText()).toContain('QQ 888666');
    await shoot(page, 'subsite-home');

    await phoneSignIn(page, buyerEmail, `/products/${shop.product.id}`);
    await expect.poll(() => page.getByTestId('unit-price').textContent()).toBe('¥12.00');
    await expect.poll(() => page.getByTestId('site-brand').innerText()).toContain(SITE);
    await shoot(page, 'subsite-product');
    await page.getByRole('button', { name: /立即购买/ }).click();
    await expect.poll(() => page.getByTestId('checkout-total').textContent()).toBe('¥12.00');
    await expect.poll(() => page.getByRole('radio', { name: /余额支付/ }).isChecked()).toBe(true);
    await shoot(page, 'subsite-checkout');
    await page.getByRole('button', { name: /提交订单/ }).click();
    await expect.poll(() => page.getByTestId('card-key').count(), { timeout: 30_000 }).toBe(1);
    await shoot(page, 'subsite-order');
    expect(errors).toEqual([]);
    await context.close();
    const wallet = await http.call<{ balanceCents: number }>('GET', '/api/v1/wallet', { token });
    expect(wallet.balanceCents).toBe(3_800);
  });

  it('the agent sees the order with his margin, held until the supplier settles', async () => {
    const { page, errors, context } = await newVisitor(browser, server.baseUrl, DESK);
    await signIn(page, agentEmail, PASSWORD, '/agent/orders');
    await expect.poll(() => page.getByTestId('agent-margin').first().textContent()).toBe('¥2.00');
    await expect.poll(() => page.getByText('我的分站', { exact: true }).first().isVisible()).toBe(true);
    await shoot(page, 'agent-orders');
    await page.goto('/agent');
    await expect.poll(() => page.getByTestId('agent-host').innerText()).toContain(`${SUB}.kameng.local`);
    await expect.poll(() => page.getByText('¥2.00').first().isVisible()).toBe(true);
    await shoot(page, 'agent-overview');
    await page.goto('/agent/money');
    await expect.poll(() => page.getByText('冻结中收入').first().isVisible()).toBe(true);
    await shoot(page, 'agent-money');
    await page.goto('/agent/customers');
    await expect.poll(() => page.getByRole('button', { name: '设置密价' }).count()).toBe(1);
    // the buyer's contact, masked as a supplier sees a buyer's
    await expect.poll(() => page.getByTestId('customer-contact').textContent()).toMatch(/^ag\*\*\*@/);
    await shoot(page, 'agent-customers');
    // the 密价 dialog names the customer by his masked contact and lists each product at the agent's cost
    await page.getByRole('button', { name: '设置密价' }).click();
    const dialog = page.getByRole('dialog');
    await expect.poll(() => dialog.innerText()).toMatch(/ag\*\*\*@/);
    await dialog.getByLabel('商品').click();
    await expect.poll(() => page.getByText(`${shop.product.title} · 成本 ¥10.00`).isVisible()).toBe(true);
    await page.keyboard.press('Escape');
    await dialog.getByRole('button', { name: /取\s*消/ }).click();
    // English too: the console in the other language, nothing left untranslated
    await page.goto('/agent');
    await page.getByRole('button', { name: messages.zhCN.languageLabel }).click();
    await expect.poll(() => page.getByText('Available income').isVisible()).toBe(true);
    await expect.poll(() => page.getByRole('menuitem', { name: 'Products & markups' }).isVisible()).toBe(true);
    await shoot(page, 'agent-overview-en');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('with an opening fee, the approved applicant pays it from his wallet and his site opens', async () => {
    const admin = await loginAdmin(http);
    await http.call('PUT', '/api/v1/admin/agent-settings', {
      token: admin,
      body: { siteDomain: 'kameng.local', maxDepth: 3, openingFeeCents: 8_800 },
    });
    const email = uniqueEmail('agent-fee');
    await http.call('POST', '/api/v1/auth/register', { body: { email, password: PASSWORD } });
    const token = await http.login(email, PASSWORD);
    const applied = await http.call<{ id: string }>('POST', '/api/v1/agent/applications', {
      token,
      body: { siteName: '月光卡铺', subdomain: 'yueguang' },
    });
    await http.call('POST', `/api/v1/admin/agent-applications/${applied.id}/approve`, { token: admin });
    const topUp = await http.call<{ payment: { id: string } }>('POST', '/api/v1/wallet/top-ups', {
      token,
      body: { amountCents: 10_000, paymentMethod: 'sandbox' },
    });
    await http.call('POST', `/sandbox/payments/${topUp.payment.id}/complete`, { body: {} });

    const { page, errors, context } = await newVisitor(browser, server.baseUrl, PHONE);
    await phoneSignIn(page, email, '/account/agent');
    const fee = page.getByTestId('agent-opening-fee');
    await expect.poll(() => fee.innerText()).toContain('¥88.00');
    await fee.getByRole('radio', { name: /余额支付/ }).check();
    await shoot(page, 'apply-fee');
    await fee.getByRole('button', { name: /支付开通费/ }).click();
    await expect.poll(() => page.getByTestId('agent-fee-paid').isVisible()).toBe(true);
    await expect.poll(() => page.getByTestId('agent-application').innerText()).toContain('已开通');
    await shoot(page, 'apply-fee-paid');
    expect(errors).toEqual([]);
    await context.close();
    const wallet = await http.call<{ balanceCents: number }>('GET', '/api/v1/wallet', { token });
    expect(wallet.balanceCents).toBe(1_200);
  });
});
