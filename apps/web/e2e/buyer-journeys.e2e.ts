import * as OTPAuth from 'otpauth';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESKTOP, expectClean, launch, newVisitor, PHONE, shoot } from './support/browser.ts';
import { CAROUSEL_HEADLINE, Http, PASSWORD, type SeededShop, seedShop, uniqueEmail } from './support/seed.ts';
import { type RunningServer, startServer } from './support/server.ts';

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

/** Opens the sandbox cashier the page links to (a new tab, like a real provider's) and pays there. */
async function payInSandbox(page: Page, shotName: string): Promise<void> {
  const [cashier] = await Promise.all([page.context().waitForEvent('page'), page.getByTestId('pay-button').click()]);
  await cashier.waitForLoadState();
  await expect.poll(() => cashier.locator('h1').textContent()).toMatch(/^¥\d+\.\d{2}$/);
  await shoot(cashier, shotName);
  await cashier.getByRole('button', { name: /模拟支付成功/ }).click();
  await cashier.waitForLoadState();
  await cashier.close();
}

describe('a guest on a phone', () => {
  it('finds a product, buys it with the sandbox and sees the key; after a reload finds the order with its lookup password', async () => {
    const { page, errors, context } = await newVisitor(browser, server.baseUrl, PHONE);
    await page.goto('/');
    await expect.poll(() => page.getByTestId('product-card').count()).toBeGreaterThan(0);
    await expect.poll(() => page.getByText('游戏点卡').first().isVisible()).toBe(true);
    // the operators' recommendation slots, first slide first
    await expect.poll(() => page.getByText(CAROUSEL_HEADLINE).first().isVisible()).toBe(true);
    await shoot(page, 'home');

    // the category tree leads to the goods; facets narrow them down
    await page.getByRole('link', { name: '游戏点卡' }).click();
    await expect.poll(() => page.url()).toContain(`/search?categoryId=`);
    await expect.poll(() => page.getByTestId('product-card').count()).toBe(2);
    await page.getByText('10元', { exact: true }).click();
    await expect.poll(() => page.url()).toContain('denomination=');
    await shoot(page, 'category');

    await page.getByTestId('product-card').filter({ hasText: shop.product.title }).click();
    await expect.poll(() => page.getByTestId('product-title').textContent()).toBe(shop.product.title);
    await expect.poll(() => page.getByTestId('unit-price').textContent()).toBe('¥10.00');
    await shoot(page, 'product');

    await page.getByRole('button', { name: /立即购买/ }).click();
    await expect.poll(() => page.getByTestId('checkout-total').textContent()).toBe('¥10.00');
    const email = uniqueEmail('guest');
    await page.getByLabel('邮箱').fill(email);
    await page.getByLabel('查询密码', { exact: true }).fill('guest-lookup-1');
    await page.getByLabel('确认查询密码').fill('guest-lookup-2');
    await page.getByRole('button', { name: /提交订单/ }).click();
    // the mismatch is shown under the field that caused it
    await expect.poll(() => page.getByText('两次输入的密码不一致').isVisible()).toBe(true);
    await page.getByLabel('确认查询密码').fill('guest-lookup-1');
    await shoot(page, 'checkout-guest');
    await page.getByRole('button', { name: /提交订单/ }).click();

    // our cashier takes the payment, then goes on to the order
    await expect.poll(() => page.url()).toMatch(/\/cashier\/pay_/);
    await expect.poll(() => page.getByTestId('cashier-amount').textContent()).toBe('¥10.00');
    await shoot(page, 'cashier');
    await payInSandbox(page, 'sandbox-cashier');
    await expect.poll(() => page.url(), { timeout: 30_000 }).toMatch(/\/orders\/ord_/);
    const orderId = decodeURIComponent(page.url().split('/orders/')[1] ?? '');
    await expect.poll(() => page.getByTestId('card-key').count(), { timeout: 30_000 }).toBe(1);
    await page.getByRole('button', { name: '显示卡密' }).click();
    const shown = await page.getByTestId('card-key').textContent();
    expect(shop.product.keys).toContain(shown?.trim());
    await shoot(page, 'order-delivered-guest');

    // a reload forgets the lookup password: the order page asks for it (the deep link still works)
    await page.reload();
    await expect.poll(() => page.getByText('查询订单').first().isVisible()).toBe(true);
    await page.getByLabel('查询密码').fill('wrong-password');
    await page.getByRole('button', { name: '查询' }).click();
    await expect
      .poll(() => page.getByRole('alert').filter({ hasText: '订单号或查询密码不正确' }).isVisible())
      .toBe(true);
    await shoot(page, 'guest-lookup-wrong');
    await page.getByLabel('查询密码').fill('guest-lookup-1');
    await page.getByRole('button', { name: '查询' }).click();
    await expect.poll(() => page.getByTestId('card-key').count()).toBe(1);
    expect(await page.getByTestId('order-id').textContent()).toContain(orderId);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('shows a direct top-up product with its recipient field, and refuses to buy it without one', async () => {
    const { page, errors, context } = await newVisitor(browser, server.baseUrl, PHONE);
    await page.goto(`/products/${shop.direct.id}`);
    await expect.poll(() => page.getByText(shop.direct.recipientField, { exact: true }).isVisible()).toBe(true);
    await page.getByRole('button', { name: /立即购买/ }).click();
    await expect.poll(() => page.getByText('请填写此项').isVisible()).toBe(true);
    await shoot(page, 'product-direct');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('renders a stored XSS payload in a title and description as text', async () => {
    const { page, errors, context } = await newVisitor(browser, server.baseUrl, DESKTOP);
    await page.goto(`/products/${shop.xss.id}`);
    await expect.poll(() => page.getByTestId('product-title').textContent()).toBe(shop.xss.title);
    await page.goto(`/search?q=${encodeURIComponent('卡密')}`);
    await expect.poll(() => page.getByTestId('product-card').count()).toBeGreaterThan(0);
    await page.goto(`/products/${shop.xss.id}`);
    await expect.poll(() => page.getByText('正常说明').isVisible()).toBe(true);
    await shoot(page, 'product-xss');
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(await page.locator('.product-description script, .product-description [onerror]').count()).toBe(0);
    expect(await page.locator('.product-description a[href^="javascript"]').count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('a buyer who forgot the password', () => {
  it('resets it with a code sent to the email and signs in with the new one', async () => {
    const email = uniqueEmail('forgetful');
    await http.call('POST', '/api/v1/auth/register', { body: { email, password: PASSWORD } });
    const { page, errors, context } = await newVisitor(browser, server.baseUrl, PHONE);
    await page.goto('/login');
    await page.getByRole('link', { name: '忘记密码？' }).click();
    await expect.poll(() => page.url()).toContain('/reset-password');
    await page.getByLabel('邮箱或手机号').fill(email);
    await page.getByRole('button', { name: '获取验证码' }).click();
    const code = await server.codeSentTo(email);
    await page.getByLabel('验证码', { exact: true }).fill(code === '000000' ? '111111' : '000000');
    await page.getByLabel('新密码').fill('New-Kameng-Passw0rd!');
    await page.getByLabel('确认密码').fill('New-Kameng-Passw0rd!');
    await page.getByRole('button', { name: '重置密码' }).click();
    // a wrong code is refused under the code field, in words
    await expect.poll(() => page.getByText('验证码错误或已过期').isVisible()).toBe(true);
    await shoot(page, 'reset-wrong-code');
    await page.getByLabel('验证码', { exact: true }).fill(code);
    await page.getByRole('button', { name: '重置密码' }).click();
    await expect.poll(() => page.getByText('密码已重置，请用新密码登录').isVisible()).toBe(true);
    await page.getByLabel('密码', { exact: true }).fill('New-Kameng-Passw0rd!');
    await page.getByRole('button', { name: '登录' }).last().click();
    await expect.poll(() => page.getByRole('link', { name: /我的/ }).isVisible()).toBe(true);
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('a buyer at a desk', () => {
  it('registers, tops up through the sandbox, buys with the wallet, confirms receipt, secures the account', async () => {
    const { page, errors, context } = await newVisitor(browser, server.baseUrl, DESKTOP);
    const email = uniqueEmail('buyer');

    await page.goto('/register');
    await page.getByRole('textbox', { name: '邮箱' }).fill(email);
    await page.getByRole('button', { name: '获取验证码' }).click();
    await expect.poll(() => page.getByRole('button', { name: /秒后重发/ }).isVisible()).toBe(true);
    await page.getByLabel('验证码（选填）').fill(await server.codeSentTo(email));
    await page.getByLabel('密码', { exact: true }).fill(PASSWORD);
    await page.getByLabel('确认密码').fill(PASSWORD);
    await page.getByRole('checkbox', { name: /我已阅读并同意/ }).check();
    await shoot(page, 'register');
    await page.getByRole('button', { name: '注册' }).last().click();
    // signed in at once
    await expect.poll(() => page.url()).toBe(`${server.baseUrl}/`);
    await expect.poll(() => page.getByRole('button', { name: '退出登录' }).isVisible()).toBe(true);
    await page.getByRole('button', { name: '退出登录' }).click();
    await page.goto('/login');
    await page.getByLabel('邮箱或手机号').fill(email);
    await page.getByLabel('密码', { exact: true }).fill('not-my-password');
    await page.getByRole('button', { name: '登录' }).last().click();
    await expect.poll(() => page.getByRole('alert').filter({ hasText: '账号或密码错误' }).isVisible()).toBe(true);
    await shoot(page, 'login-wrong-password');
    await page.getByLabel('密码', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: '登录' }).last().click();
    await expect.poll(() => page.url()).toBe(`${server.baseUrl}/`);

    // top up ¥100 through the sandbox
    await page.getByRole('link', { name: /我的/ }).click();
    await expect.poll(() => page.getByText('还没有订单').isVisible()).toBe(true);
    await shoot(page, 'orders-empty');
    await page.getByRole('tab', { name: '钱包' }).click();
    await expect.poll(() => page.getByTestId('wallet-balance').textContent()).toBe('¥0.00');
    await page.getByText('¥100.00').click();
    await page.getByRole('button', { name: '立即充值' }).click();
    await expect.poll(() => page.url()).toMatch(/\/cashier\/pay_/);
    await payInSandbox(page, 'sandbox-cashier-top-up');
    await expect.poll(() => page.url(), { timeout: 30_000 }).toContain('/account/wallet');
    await expect.poll(() => page.getByTestId('wallet-balance').textContent(), { timeout: 30_000 }).toBe('¥100.00');
    await expect.poll(() => page.getByText('充值', { exact: true }).count()).toBeGreaterThan(0);
    await shoot(page, 'wallet-topped-up');

    // search, put two in the cart, check out with the wallet
    await page.getByPlaceholder('搜索游戏、点卡、会员…').fill('Q币');
    await page.getByPlaceholder('搜索游戏、点卡、会员…').press('Enter');
    await expect.poll(() => page.getByTestId('product-card').count()).toBeGreaterThan(0);
    await page.getByText('价格从低到高', { exact: true }).click();
    await expect.poll(() => page.url()).toContain('sort=price_asc');
    await shoot(page, 'search-results');
    await page.getByTestId('product-card').filter({ hasText: shop.product.title }).click();
    await page.getByLabel('数量').fill('2');
    await page.getByLabel('数量').blur();
    await expect.poll(() => page.getByTestId('subtotal').textContent()).toBe('¥20.00');
    await page.getByRole('button', { name: /加入购物车/ }).click();
    await expect.poll(() => page.getByText('已加入购物车').isVisible()).toBe(true);
    await page.getByRole('link', { name: /购物车/ }).click();
    await expect.poll(() => page.getByText(shop.product.title).isVisible()).toBe(true);
    await shoot(page, 'cart');
    await page.getByRole('button', { name: '去结算' }).click();
    await expect.poll(() => page.getByTestId('checkout-total').textContent()).toBe('¥20.00');
    await expect.poll(() => page.getByRole('radio', { name: /余额支付/ }).isChecked()).toBe(true);
    await shoot(page, 'checkout-wallet');
    await page.getByRole('button', { name: /提交订单/ }).click();

    await expect.poll(() => page.getByTestId('card-key').count(), { timeout: 30_000 }).toBe(2);
    // a registered buyer's keys are fetched (and their reveal recorded) only when he asks to see them
    await page.getByRole('button', { name: '显示卡密' }).click();
    await expect.poll(() => page.getByTestId('card-key').first().innerText()).not.toContain('•');
    for (const key of await page.getByTestId('card-key').allInnerTexts())
      expect(shop.product.keys).toContain(key.trim());
    await shoot(page, 'order-delivered');
    await page.getByRole('button', { name: '确认收货' }).click();
    await page.getByRole('tooltip').getByRole('button', { name: '确认收货' }).click();
    await expect.poll(() => page.getByTestId('order-status').textContent()).toBe('已完成');
    // a completed order still shows what was bought
    await expect.poll(() => page.getByTestId('card-key').count()).toBe(2);
    await shoot(page, 'order-completed');

    // someone else's (or a guest's) order is not shown; its lookup form is
    await page.goto('/orders/ord_not_on_this_account');
    await expect.poll(() => page.getByText('这个订单不在您的账号下', { exact: false }).isVisible()).toBe(true);
    await expect.poll(() => page.getByLabel('查询密码').isVisible()).toBe(true);
    await page.goBack();
    await expect.poll(() => page.getByTestId('order-status').textContent()).toBe('已完成');

    // the orders list with a filter; the wallet shows the purchase
    await page.getByRole('link', { name: '我的订单' }).click();
    await expect.poll(() => page.getByTestId('order-row').count()).toBe(1);
    await page.getByRole('combobox', { name: '订单状态' }).click();
    await page.getByTitle('待付款').click();
    await expect.poll(() => page.getByText('没有符合条件的订单').isVisible()).toBe(true);
    await shoot(page, 'orders-filtered-empty');
    await page.getByRole('link', { name: '清除筛选' }).click();
    await expect.poll(() => page.getByTestId('order-row').count()).toBe(1);
    await shoot(page, 'orders');
    await page.getByRole('tab', { name: '钱包' }).click();
    await expect.poll(() => page.getByTestId('wallet-balance').textContent()).toBe('¥80.00');
    await expect
      .poll(() => page.getByTestId('posting').filter({ hasText: '购买商品' }).textContent())
      .toContain('-¥20.00');

    // two-step sign-in: password, QR code, a code from the authenticator
    await page.getByRole('tab', { name: '账号安全' }).click();
    // the email was verified with the code given at registration
    await expect.poll(() => page.getByText('已验证').isVisible()).toBe(true);
    await page.getByRole('button', { name: '开启两步验证' }).click();
    await page.getByLabel('请先输入登录密码确认身份').fill(PASSWORD);
    await page.getByRole('button', { name: '下一步' }).click();
    await expect.poll(() => page.getByAltText('两步验证二维码').isVisible()).toBe(true);
    await shoot(page, 'security-2fa-qr');
    const secret = (await page.getByTestId('totp-secret').textContent())?.trim() ?? '';
    const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), digits: 6, period: 30 });
    await page.getByLabel('身份验证器代码').fill(totp.generate());
    await page.getByRole('button', { name: '确认开启' }).click();
    await expect.poll(() => page.getByTestId('recovery-codes').isVisible()).toBe(true);
    const recovery = ((await page.getByTestId('recovery-codes').textContent()) ?? '').trim().split(/\s+/);
    expect(recovery.length).toBeGreaterThan(3);
    await shoot(page, 'security');

    // signing in again asks for the second factor; a recovery code stands in for the phone
    await page.getByRole('button', { name: '退出登录' }).first().click();
    await expect.poll(() => page.getByRole('link', { name: '登录' }).first().isVisible()).toBe(true);
    await page.goto('/login?next=/account/orders');
    await page.getByLabel('邮箱或手机号').fill(email);
    await page.getByLabel('密码', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: '登录' }).last().click();
    await expect.poll(() => page.getByLabel('身份验证器代码').isVisible()).toBe(true);
    await page.getByLabel('身份验证器代码').fill(recovery[0] ?? '');
    await page.getByRole('button', { name: '登录' }).last().click();
    await expect.poll(() => page.url()).toContain('/account/orders');
    await expect.poll(() => page.getByTestId('order-row').count()).toBe(1);

    // apply to sell
    await page.getByRole('tab', { name: '供货商入驻' }).click();
    await page.getByLabel('店铺名称').fill('小明的点卡店');
    await page.getByLabel('真实姓名').fill('王小明');
    await page.getByLabel('联系方式').fill('QQ 123456');
    await page.getByRole('button', { name: '提交申请' }).click();
    await expect.poll(() => page.getByText('申请审核中，结果会显示在这里').isVisible()).toBe(true);
    await shoot(page, 'apply');

    // English, remembered across a reload
    await page.getByRole('button', { name: '切换语言' }).click();
    await expect.poll(() => page.getByRole('tab', { name: 'Orders' }).isVisible()).toBe(true);
    await page.reload();
    await expect.poll(() => page.getByRole('tab', { name: 'Orders' }).isVisible()).toBe(true);
    await page.getByRole('tab', { name: 'Orders' }).click();
    await expect.poll(() => page.getByTestId('order-row').count()).toBe(1);
    await shoot(page, 'orders-english');
    await page.goto('/');
    await expect.poll(() => page.getByText('Best sellers').isVisible()).toBe(true);
    await expectClean(page, 'home in English');
    await shoot(page, 'home-english');
    expect(errors).toEqual([]);
    await context.close();
  });
});
