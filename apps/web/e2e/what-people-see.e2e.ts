import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectClean, launch, newVisitor, shoot, shootAsIs } from './support/browser.ts';
import { approvedSupplier, signIn, waitFor } from './support/console.ts';
import { adminFactor, Http, PASSWORD, type SeededShop, seedShop, uniqueEmail } from './support/seed.ts';
import { ADMIN_EMAIL, ADMIN_PASSWORD, type RunningServer, startServer } from './support/server.ts';

// What a visitor, a buyer, a supplier and an operator see first: the way back to an order, search on a phone,
// who sells, names instead of ids, the way into the consoles, and a paid 直充 order in 待发货.

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1366, height: 900 };
const LOOKUP = '查询订单';

let server: RunningServer;
let browser: Browser;
let http: Http;
let shop: SeededShop;

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launch()]);
  http = new Http(server.baseUrl);
  // a key for each guest order and pending order the journeys below make at both widths
  shop = await seedShop(http, 12);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** The page as it is at its own width (people-<name>-<width>.png), checked for what no page may show. */
const snap = (page: Page, name: string) => shootAsIs(page, `people-${name}`);

/** A table's row at a desk, its card on a phone (consoles turn rows into cards on narrow screens). */
function rowOf(page: Page, text: string) {
  return page.locator('tr, [data-testid="console-row-card"]').filter({ hasText: text });
}

/** Every answer of ours a page got with a 4xx or 5xx status (a visitor's page should get none). */
function failedRequests(page: Page): string[] {
  const failed: string[] = [];
  page.on('response', (res) => {
    if (res.status() >= 400 && res.url().startsWith(server.baseUrl)) failed.push(`${res.status()} ${res.url()}`);
  });
  return failed;
}

/** A guest's order of `productId`, paid at the sandbox gateway; the number and lookup password to find it again. */
async function guestOrder(
  productId: string,
  recipientAccount?: string,
): Promise<{ id: string; password: string; email: string }> {
  const password = `lookup-${Date.now().toString(36)}`;
  const email = uniqueEmail('guest');
  const order = await http.call<{ id: string; payment: { id: string } }>('POST', '/api/v1/orders', {
    body: {
      items: [{ productId, quantity: 1 }],
      paymentMethod: 'sandbox',
      ...(recipientAccount ? { recipientAccount } : {}),
      guest: { email, lookupPassword: password },
    },
  });
  await http.call('POST', `/sandbox/payments/${order.payment.id}/complete`, { body: {} });
  await waitFor(
    () =>
      http.call<{ status: string }>('POST', '/api/v1/orders/lookup', {
        body: { orderId: order.id, lookupPassword: password },
      }),
    (o) => o.status !== 'pending_payment',
    'the sandbox payment',
  );
  return { id: order.id, password, email };
}

describe('a visitor', () => {
  for (const viewport of [PHONE, DESKTOP]) {
    it(`at ${viewport.width} px sees 查询订单 and a search box, and the home page logs no error and fails no request`, async () => {
      const { page, errors } = await newVisitor(browser, server.baseUrl, viewport);
      const failed = failedRequests(page);
      await page.goto('/');
      await expect.poll(() => page.getByTestId('product-card').count()).toBeGreaterThan(0);
      await expect.poll(() => page.getByTestId('order-lookup-link').isVisible()).toBe(true);
      expect(await page.getByTestId('order-lookup-link').innerText()).toContain(LOOKUP);
      await expect.poll(() => page.getByTestId('footer-order-lookup').isVisible()).toBe(true);
      // no health badge for buyers
      expect(await page.getByText('服务正常').count()).toBe(0);
      await page.waitForLoadState('networkidle');
      expect(errors).toEqual([]);
      expect(failed).toEqual([]);

      await page.goto('/search?q=Q币');
      await expect.poll(() => page.getByTestId('product-card').count()).toBeGreaterThan(0);
      const box = page.getByRole('searchbox').or(page.getByPlaceholder('搜索游戏、点卡、会员…')).first();
      await expect.poll(() => box.isVisible()).toBe(true);
      expect(await box.evaluate((el) => el.closest('.ant-select') === null)).toBe(true);
      expect(await box.inputValue()).toBe('Q币');
      await box.fill('话费');
      await box.press('Enter');
      await expect.poll(() => page.url()).toContain(`q=${encodeURIComponent('话费')}`);
      await expect.poll(() => page.getByTestId('product-card').filter({ hasText: '话费' }).count()).toBe(1);
      await expectClean(page, `search at ${viewport.width}`);
      expect(errors).toEqual([]);
      await page.context().close();
    });
  }

  for (const viewport of [PHONE, DESKTOP]) {
    it(`at ${viewport.width} px sees who sells a product and opens the shop with its products`, async () => {
      const { page, errors } = await newVisitor(browser, server.baseUrl, viewport);
      await page.goto(`/products/${shop.product.id}`);
      await expect.poll(() => page.getByTestId('shop-link').textContent()).toContain('星辰点卡');
      await snap(page, 'product-shop-name');
      await page.getByTestId('shop-link').getByRole('link').click();
      await expect.poll(() => page.getByTestId('shop-name').textContent()).toContain('星辰点卡');
      await expect.poll(() => page.getByTestId('product-card').count()).toBe(3);
      await snap(page, 'shop-page');
      expect(errors).toEqual([]);
      await page.context().close();
    });

    it(`at ${viewport.width} px finds a guest order again from 查询订单 in the header`, async () => {
      const order = await guestOrder(shop.product.id);
      const { page, errors } = await newVisitor(browser, server.baseUrl, viewport);
      await page.goto('/');
      await page.locator('header').getByTestId('order-lookup-link').click();
      await expect.poll(() => page.url()).toContain('/order-lookup');
      await page.getByTestId('lookup-order-number').fill(order.id);
      await page.getByLabel('查询密码').fill(order.password);
      await snap(page, 'order-lookup');
      await page.getByRole('button', { name: '查询', exact: true }).click();
      await expect.poll(() => page.url()).toContain(`/orders/${order.id}`);
      await expect.poll(() => page.getByTestId('card-key').count(), { timeout: 30_000 }).toBe(1);
      await expect.poll(() => page.getByTestId('shop-link').textContent()).toContain('星辰点卡');
      await snap(page, 'order-found');
      // a wrong password says so, and finds nothing
      await page.goto('/order-lookup');
      await page.getByTestId('lookup-order-number').fill(order.id);
      await page.getByLabel('查询密码').fill('not-the-password');
      await page.getByRole('button', { name: '查询', exact: true }).click();
      await expect
        .poll(() => page.getByRole('alert').filter({ hasText: '订单号或查询密码不正确' }).isVisible())
        .toBe(true);
      expect(errors).toEqual([]);
      await page.context().close();
    });
  }

  for (const viewport of [PHONE, DESKTOP]) {
    it(`at ${viewport.width} px opens the delivery email's link and finds the orders of an email by a one-time code`, async () => {
      const order = await guestOrder(shop.product.id);
      const { page, errors } = await newVisitor(browser, server.baseUrl, viewport);
      // the delivery email's link: the lookup page with the number filled in
      await page.goto(`/order-lookup?order=${encodeURIComponent(order.id)}`);
      await expect.poll(() => page.getByTestId('lookup-order-number').inputValue()).toBe(order.id);
      await page.getByRole('tab', { name: '邮箱验证码查询' }).click();
      await page.getByTestId('lookup-email').fill(order.email);
      await page.getByRole('button', { name: '获取验证码' }).click();
      const code = await server.codeSentTo(order.email);
      // a wrong code is refused next to the form
      await page.getByTestId('code-input').fill(code === '000000' ? '111111' : '000000');
      await page.getByTestId('code-input').press('Enter');
      await expect.poll(() => page.getByRole('alert').filter({ hasText: '验证码' }).isVisible()).toBe(true);
      await page.getByTestId('code-input').fill(code);
      await shoot(page, `order-lookup-code-${viewport.width}`);
      await page.getByTestId('code-input').press('Enter');
      await expect.poll(() => page.getByText('找到 1 个订单').isVisible()).toBe(true);
      await expect.poll(() => page.getByTestId('found-order').count()).toBe(1);
      await expect.poll(() => page.getByTestId('card-key').count(), { timeout: 30_000 }).toBe(1);
      await shoot(page, `order-lookup-code-found-${viewport.width}`);
      expect(errors).toEqual([]);
      await page.context().close();
    });
  }
});

describe('a new buyer', () => {
  for (const [viewport, phone] of [
    [PHONE, '13912345678'],
    [DESKTOP, '13912345679'],
  ] as const) {
    it(`at ${viewport.width} px signs up with a mobile number and is signed in at once`, async () => {
      const { page, errors } = await newVisitor(browser, server.baseUrl, viewport);
      await page.goto('/register');
      await page.getByText('手机号', { exact: true }).click();
      await page.getByRole('textbox', { name: '手机号' }).fill(phone);
      await page.getByLabel('密码', { exact: true }).fill(PASSWORD);
      await page.getByLabel('确认密码').fill(PASSWORD);
      await page.getByRole('checkbox', { name: /我已阅读并同意/ }).check();
      await snap(page, 'register-phone');
      await page.getByRole('button', { name: '注册' }).last().click();
      await expect.poll(() => page.url()).toBe(`${server.baseUrl}/`);
      await expect.poll(() => page.getByRole('link', { name: '我的' }).first().isVisible()).toBe(true);
      await expect.poll(() => page.getByText('注册成功，已为你登录').isVisible()).toBe(true);
      const me = await page.evaluate(async () => (await fetch('/api/v1/me')).json());
      expect(me).toMatchObject({ phone, email: null });
      // a buyer is offered no console
      expect(await page.locator('header a[href="/admin"], header a[href="/supplier"]').count()).toBe(0);
      await snap(page, 'registered-phone');
      expect(errors).toEqual([]);
      await page.context().close();
    });
  }
});

describe('a supplier', () => {
  it('finds his console from the storefront, sees a paid 直充 order in 待发货 and tops it up', async () => {
    const supplier = await approvedSupplier(http, shop.admin, '直充小铺');
    const cat = await http.call<{ id: string }>('POST', '/api/v1/admin/categories', {
      token: shop.admin,
      body: { name: '流量直充', goodsType: 'direct', game: '中国联通' },
    });
    const product = await http.call<{ id: string }>('POST', '/api/v1/supplier/products', {
      token: supplier.token,
      body: {
        categoryId: cat.id,
        title: '联通流量 1GB 直充',
        description: '<p>付款后人工充值</p>',
        priceCents: 1500,
        deliveryMode: 'direct',
        recipientField: '手机号',
        stock: 10,
      },
    });
    await http.call('POST', `/api/v1/admin/products/${product.id}/approve`, { token: shop.admin });
    // one paid 直充 order for each width, topped up by hand from 待发货 at that width
    const orders = {
      [PHONE.width]: await guestOrder(product.id, '13012345678'),
      [DESKTOP.width]: await guestOrder(product.id, '13012345670'),
    };

    for (const viewport of [PHONE, DESKTOP]) {
      const order = orders[viewport.width]!;
      const { page, errors } = await newVisitor(browser, server.baseUrl, viewport);
      // the sign-in helper waits for the header's 退出登录, which a phone keeps under 我的
      await page.setViewportSize(DESKTOP);
      await signIn(page, supplier.email, PASSWORD, '/', supplier.factor.next());
      await page.setViewportSize(viewport);
      const link = page.locator('header a[href="/supplier"]');
      await expect.poll(() => link.isVisible()).toBe(true);
      expect(await page.locator('header a[href="/admin"]').count()).toBe(0);
      if (viewport === DESKTOP) {
        await link.click();
        await expect.poll(() => new URL(page.url()).pathname).toMatch(/^\/supplier/);
      } else {
        // 我的 leads to the console too, and offers no 供货商入驻 to a supplier
        await page.goto('/account/orders');
        await expect.poll(() => page.locator('main a[href="/supplier"]').isVisible()).toBe(true);
        expect(await page.getByRole('tab', { name: '供货商入驻' }).count()).toBe(0);
      }
      await page.goto('/supplier/delivery');
      await expect.poll(() => rowOf(page, order.id).first().isVisible()).toBe(true);
      const recipient = viewport === PHONE ? '13012345678' : '13012345670';
      await expect.poll(() => rowOf(page, order.id).getByText(recipient).first().isVisible()).toBe(true);
      await snap(page, 'delivery');
      await rowOf(page, order.id).getByRole('button', { name: '发货' }).click();
      const dialog = page.getByRole('dialog');
      await expect.poll(() => dialog.getByLabel('发货内容').inputValue()).toBe('已充值');
      const content = `已充值 1GB，运营商流水 20261203${viewport.width}`;
      await dialog.getByLabel('发货内容').fill(content);
      await snap(page, 'delivery-dialog');
      await dialog.getByRole('button', { name: '发货' }).click();
      await expect.poll(() => rowOf(page, order.id).count()).toBe(0);
      if (viewport === DESKTOP) await expect.poll(() => page.getByText('没有待发货的订单。').isVisible()).toBe(true);
      const seen = await http.call<{ status: string; deliveryContent?: string }>('POST', '/api/v1/orders/lookup', {
        body: { orderId: order.id, lookupPassword: order.password },
      });
      expect(seen.status).toBe('delivered');
      expect(seen.deliveryContent).toBe(content);
      expect(errors).toEqual([]);
      await page.context().close();
    }
  });
});

describe('an operator', () => {
  for (const viewport of [PHONE, DESKTOP]) {
    it(`at ${viewport.width} px finds /admin from the storefront, sees buyers by email and never a usr_ id, refunds from the order's detail within one step-up, and adds categories`, async () => {
      const w = viewport.width;
      const buyerEmail = uniqueEmail(`named-buyer-${w}`);
      await http.call('POST', '/api/v1/auth/register', { body: { email: buyerEmail, password: PASSWORD } });
      const buyer = await http.login(buyerEmail, PASSWORD);
      await http.call('POST', '/api/v1/orders', {
        token: buyer,
        body: { items: [{ productId: shop.product.id, quantity: 1 }], paymentMethod: 'sandbox' },
      });
      const { page, errors } = await newVisitor(browser, server.baseUrl, viewport);
      // the sign-in helper waits for the header's 退出登录, which a phone keeps under 我的
      await page.setViewportSize(DESKTOP);
      await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD, '/', adminFactor(http).next());
      await page.setViewportSize(viewport);
      const link = page.locator('header a[href="/admin"]');
      await expect.poll(() => link.isVisible()).toBe(true);
      await link.click();
      await expect.poll(() => new URL(page.url()).pathname).toBe('/admin');
      await page.goto('/admin/orders');
      await expect.poll(() => page.getByText(buyerEmail).first().isVisible()).toBe(true);
      await expect.poll(() => page.getByText('星辰点卡').first().isVisible()).toBe(true);
      expect(await page.locator('main, .ant-layout').first().innerText()).not.toMatch(/usr_[0-9a-z]/);
      await snap(page, 'admin-orders');
      // the detail reads in words: who bought, which shop, why the order moved
      await rowOf(page, buyerEmail).first().getByRole('button').first().click();
      const drawer = page.locator('.ant-drawer-open');
      await expect.poll(() => drawer.getByText('下单').first().isVisible()).toBe(true);
      expect(await drawer.innerText()).not.toContain('created');
      await snap(page, 'admin-order');
      await page.keyboard.press('Escape');

      // a buyer who signed up by phone is shown masked to operators; 显示 asks for the number (audited)
      if (viewport === DESKTOP) {
        await page.goto('/admin/users');
        await page.getByPlaceholder('邮箱、手机号或用户编号').fill('13912345678');
        await page.getByPlaceholder('邮箱、手机号或用户编号').press('Enter');
        await expect.poll(() => page.getByRole('button', { name: '139****5678' }).isVisible()).toBe(true);
        expect(await page.locator('main, .ant-layout').first().innerText()).not.toContain('13912345678');
        await page.getByRole('button', { name: '139****5678' }).click();
        const phone = page.getByTestId('user-phone');
        await expect.poll(() => phone.innerText()).toContain('139****5678');
        await snap(page, 'admin-user-masked');
        await phone.getByRole('button', { name: '显示' }).click();
        await expect.poll(() => phone.innerText()).toBe('13912345678');
        const audit = await http.call<{ total: number }>('GET', '/api/v1/admin/audit-log?action=user.contact_reveal', {
          token: shop.admin,
        });
        expect(audit.total).toBeGreaterThan(0);
        await page.keyboard.press('Escape');
        await page.goto('/admin/orders');
      }

      // a delivered guest order: a part refund back through the channel, then its notice sent again
      const paid = await guestOrder(shop.product.id);
      const search = page.getByPlaceholder('订单号、买家邮箱或手机号');
      await search.fill(paid.id);
      await search.press('Enter');
      await page.getByRole('button', { name: paid.id }).click();
      const detail = page.locator('.ant-drawer-open');
      const refundDialog = () => page.locator('.ant-modal').filter({ hasText: `退款：${paid.id}` });
      await detail.getByRole('button', { name: '退款' }).click();
      const refund = refundDialog();
      await expect.poll(() => refund.locator('input[id="amount"]').inputValue()).toBe('10.00');
      // a guest has no wallet: the money goes back the way it came
      expect(await refund.getByLabel('买家钱包').isDisabled()).toBe(true);
      await refund.locator('input[id="amount"]').fill('12.00');
      await refund.getByRole('button', { name: '退款' }).click();
      await expect.poll(() => refund.getByText('不能超过可退金额').isVisible()).toBe(true);
      await refund.locator('input[id="amount"]').fill('3.00');
      await refund.locator('textarea').fill('少发一张，退部分');
      await snap(page, 'admin-refund');
      await refund.getByRole('button', { name: '退款' }).click();
      // money leaves: the operator proves his password and a fresh authenticator code first
      const confirm = page.getByRole('dialog').filter({ hasText: '确认身份' });
      await expect.poll(() => confirm.isVisible()).toBe(true);
      await confirm.getByLabel('登录密码').fill(ADMIN_PASSWORD);
      await confirm.getByLabel('身份验证器代码').fill(adminFactor(http).next());
      await snap(page, 'admin-refund-reauth');
      await confirm.getByRole('button', { name: /确\s?定/ }).click();
      await expect.poll(() => page.getByText('退款已提交').first().isVisible()).toBe(true);
      const refundable = async () =>
        (
          await http.call<{ refundableCents: number }>('GET', `/api/v1/admin/orders/${paid.id}`, {
            token: shop.admin,
          })
        ).refundableCents;
      expect(await refundable()).toBe(700);

      // the step-up window: a second refund minutes later only asks to go ahead, no password or code again
      await expect.poll(() => refundDialog().count()).toBe(0);
      await detail.getByRole('button', { name: '退款' }).click();
      await refundDialog().locator('input[id="amount"]').fill('1.00');
      await refundDialog().locator('textarea').fill('再退一元');
      await refundDialog().getByRole('button', { name: '退款' }).click();
      const goAhead = page.locator('.ant-modal').filter({ hasText: '你刚刚已确认过身份' });
      await expect.poll(() => goAhead.isVisible()).toBe(true);
      expect(await goAhead.getByLabel('登录密码').count()).toBe(0);
      expect(await goAhead.getByLabel('身份验证器代码').count()).toBe(0);
      await snap(page, 'admin-step-up-window');
      await goAhead.getByRole('button', { name: /确\s?定/ }).click();
      await expect.poll(refundable).toBe(600);

      await detail.getByRole('button', { name: '重发发货通知' }).click();
      await page
        .locator('.ant-popconfirm')
        .getByRole('button', { name: /确\s?定/ })
        .click();
      await expect.poll(() => page.getByText('发货通知已重新发送').isVisible()).toBe(true);
      await page.keyboard.press('Escape');

      // categories: 添加子类目 starts under the chosen category; cancelled, 添加顶级类目 starts at the top
      await page.goto('/admin/catalog');
      await page.locator('.ant-tree').getByText('游戏点卡', { exact: true }).click();
      await page.getByRole('button', { name: '添加子类目' }).click();
      const dialog = page.getByRole('dialog');
      // the editor beside the tree has a 名称 too (same field id), so the dialog's is found by its form item
      const nameIn = (d: typeof dialog) => d.locator('.ant-form-item').filter({ hasText: '名称' }).locator('input');
      const parent = dialog.locator('.ant-select-selection-item');
      await expect.poll(() => parent.textContent()).toBe('游戏点卡');
      await nameIn(dialog).fill('半途而废');
      await snap(page, 'admin-category-child');
      await dialog.getByRole('button', { name: '取消' }).click();
      await expect.poll(() => dialog.count()).toBe(0);
      await page.getByRole('button', { name: '添加顶级类目' }).click();
      await expect.poll(() => page.getByRole('dialog').isVisible()).toBe(true);
      expect(await page.getByRole('dialog').locator('.ant-select-selection-item').count()).toBe(0);
      expect(await nameIn(page.getByRole('dialog')).inputValue()).toBe('');
      await nameIn(page.getByRole('dialog')).fill(`会员卡${w}`);
      await snap(page, 'admin-category-top');
      await page.getByRole('dialog').getByRole('button', { name: '保存' }).click();
      await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
      const tree = await http.call<{ items: { name: string }[] }>('GET', '/api/v1/categories');
      expect(tree.items.map((c) => c.name)).toContain(`会员卡${w}`);
      expect(tree.items.map((c) => c.name)).not.toContain('半途而废');
      expect(errors).toEqual([]);
      await page.context().close();
    });
  }
});
