import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, messages, newVisitor, PHONE, shoot } from './support/browser.ts';
import { approvedSupplier, LAPTOP, shootConsole, signIn } from './support/console.ts';
import { adminFactor, Http, PASSWORD, type SeededShop, seedShop, uniqueEmail } from './support/seed.ts';
import { ADMIN_EMAIL, ADMIN_PASSWORD, type RunningServer, startServer } from './support/server.ts';

let server: RunningServer;
let browser: Browser;
let http: Http;
let shop: SeededShop;

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launch()]);
  http = new Http(server.baseUrl);
  shop = await seedShop(http);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('member levels', () => {
  const buyerEmail = uniqueEmail('member');

  it('an operator creates VIP with a 10% discount and an upgrade price in the console', async () => {
    const { page, errors, context } = await newVisitor(browser, server.baseUrl, LAPTOP);
    await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD, '/admin/levels', adminFactor(http).next());
    await expect.poll(() => page.getByText('还没有会员等级').isVisible()).toBe(true);
    await page.getByRole('button', { name: '新增等级' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('名称').fill('VIP');
    await dialog.getByLabel('等级序号').fill('10');
    await dialog.getByLabel('会员折扣 (%)').fill('10');
    await dialog.getByLabel('供货商佣金减免 (%)').fill('20');
    await dialog.getByLabel('付费升级价 (元)').fill('30');
    await dialog.getByLabel('专属客服').fill('QQ 800800');
    await shootConsole(page, 'level-form');
    await dialog.getByRole('button', { name: '确定' }).click();
    await expect.poll(() => page.getByRole('cell', { name: 'VIP', exact: true }).isVisible()).toBe(true);
    await expect.poll(() => page.getByRole('cell', { name: '¥30.00' }).isVisible()).toBe(true);
    await shootConsole(page, 'levels');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a buyer on a phone upgrades from his wallet and sees the lower price', async () => {
    await http.call('POST', '/api/v1/auth/register', { body: { email: buyerEmail, password: PASSWORD } });
    const token = await http.login(buyerEmail, PASSWORD);
    const topUp = await http.call<{ payment: { id: string } }>('POST', '/api/v1/wallet/top-ups', {
      token,
      body: { amountCents: 10_000, paymentMethod: 'sandbox' },
    });
    await http.call('POST', `/sandbox/payments/${topUp.payment.id}/complete`, { body: {} });
    await expect
      .poll(async () => (await http.call<{ balanceCents: number }>('GET', '/api/v1/wallet', { token })).balanceCents)
      .toBe(10_000);

    const { page, errors, context } = await newVisitor(browser, server.baseUrl, PHONE);
    // on a phone the header folds its buttons away: signed in is where the login page goes next
    await page.goto(`/login?next=${encodeURIComponent(`/products/${shop.product.id}`)}`);
    await page.getByLabel(messages.zhCN.account).fill(buyerEmail);
    await page.getByLabel(messages.zhCN.password, { exact: true }).fill(PASSWORD);
    await page.getByLabel(messages.zhCN.password, { exact: true }).press('Enter');
    await expect.poll(() => new URL(page.url()).pathname).toBe(`/products/${shop.product.id}`);
    await expect.poll(() => page.getByTestId('unit-price').textContent()).toBe('¥10.00');

    await page.goto('/account/level');
    await expect.poll(() => page.getByTestId('my-level').innerText()).toContain('普通用户');
    await expect.poll(() => page.getByTestId('level-item').first().innerText()).toContain('商品优惠 10%');
    await shoot(page, 'member-level');
    await page.getByRole('button', { name: '¥30.00 升级' }).click();
    const dialog = page.getByRole('dialog');
    await expect.poll(() => dialog.getByText('余额支付').isVisible()).toBe(true);
    await dialog.getByText('余额支付').click();
    await shoot(page, 'member-upgrade');
    await dialog.getByRole('button', { name: '支付 ¥30.00' }).click();
    await expect.poll(() => page.getByText('已升级为 VIP').isVisible()).toBe(true);
    await expect.poll(() => page.getByTestId('my-level').innerText()).toContain('VIP');
    await expect.poll(() => page.getByTestId('my-level').innerText()).toContain('专属客服：QQ 800800');
    await shoot(page, 'member-vip');

    await page.goto(`/products/${shop.product.id}`);
    await expect.poll(() => page.getByTestId('unit-price').textContent()).toBe('¥9.00');
    await expect.poll(() => page.getByTestId('list-price').textContent()).toBe('¥10.00');
    await shoot(page, 'product-member-price');
    expect(errors).toEqual([]);
    await context.close();

    const wallet = await http.call<{ balanceCents: number }>('GET', '/api/v1/wallet', { token });
    expect(wallet.balanceCents).toBe(7_000);
  });

  it("the operator sees the buyer's level in his user detail; a supplier sets a member price and a 密价", async () => {
    const { page, errors, context } = await newVisitor(browser, server.baseUrl, LAPTOP);
    await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD, '/admin/users', adminFactor(http).next());
    await page
      .getByPlaceholder(/邮箱|手机/)
      .first()
      .fill(buyerEmail);
    await page
      .getByPlaceholder(/邮箱|手机/)
      .first()
      .press('Enter');
    await page.getByRole('button', { name: buyerEmail }).click();
    await expect.poll(() => page.getByTestId('user-level').innerText()).toContain('VIP');
    await expect.poll(() => page.getByTestId('user-level').innerText()).toContain('付费升级');
    await shootConsole(page, 'user-level');
    expect(errors).toEqual([]);
    await context.close();

    const supplier = await approvedSupplier(http, shop.admin, '会员价小店');
    const product = await http.call<{ id: string }>('POST', '/api/v1/supplier/products', {
      token: supplier.token,
      body: {
        categoryId: shop.categoryId,
        title: '会员专享 Q币 10元',
        description: '<p>自动发货</p>',
        priceCents: 1000,
        deliveryMode: 'auto',
      },
    });
    const s = await newVisitor(browser, server.baseUrl, LAPTOP);
    await signIn(s.page, supplier.email, PASSWORD, '/supplier/products', supplier.factor.next());
    await s.page.getByRole('link', { name: '会员价' }).first().click();
    await expect.poll(() => s.page.url()).toContain(`/supplier/products/${product.id}/prices`);
    await s.page.getByTestId('level-prices').getByLabel('VIP').fill('8.5');
    await s.page.getByRole('button', { name: '保存会员价' }).click();
    await expect.poll(() => s.page.getByText('会员价已保存').isVisible()).toBe(true);
    await s.page.getByLabel('买家邮箱或手机号').fill(buyerEmail);
    await s.page.getByTestId('user-prices').getByLabel('价格 (元)').fill('8');
    await s.page.getByRole('button', { name: '设置密价' }).click();
    await expect.poll(() => s.page.getByRole('cell', { name: buyerEmail }).isVisible()).toBe(true);
    await shootConsole(s.page, 'supplier-member-prices');
    expect(s.errors).toEqual([]);
    await s.context.close();
    const prices = await http.call<{ items: { priceCents: number }[] }>(
      'GET',
      `/api/v1/supplier/products/${product.id}/level-prices`,
      { token: supplier.token },
    );
    expect(prices.items).toEqual([expect.objectContaining({ priceCents: 850 })]);
  });
});
