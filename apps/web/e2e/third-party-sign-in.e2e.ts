import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeAliyunSms, startFakeAliyunSms } from '../../server/test/support/fake-aliyun-sms.ts';
import { type FakeOauth, startFakeOauth } from '../../server/test/support/fake-oauth.ts';
import { DESKTOP, expectClean, launch, newVisitor, PHONE, SCREENSHOT_DIR, shoot } from './support/browser.ts';
import { adminFactor, adminToken, shootConsole, signIn, waitFor } from './support/console.ts';
import { Http, PASSWORD, uniqueEmail } from './support/seed.ts';
import { ADMIN_EMAIL, ADMIN_PASSWORD, type RunningServer, startServer } from './support/server.ts';

// A buyer signs in with WeChat (the server's fake WeChat Open Platform, configured by the operator through the
// admin API), finds the identity on the security page; QQ, left unconfigured, runs through the sandbox's
// stand-in consent page.

let server: RunningServer;
let browser: Browser;
let http: Http;
let wechat: FakeOauth;
let sms: FakeAliyunSms;

beforeAll(async () => {
  [server, browser, wechat, sms] = await Promise.all([
    startServer(),
    launch(),
    startFakeOauth('wechat'),
    startFakeAliyunSms({ clock: { now: () => Date.now() } }),
  ]);
  http = new Http(server.baseUrl);
  const admin = await adminToken(http);
  await http.call('PUT', '/api/v1/admin/oauth-apps/wechat', {
    token: admin,
    body: {
      provider: 'wechat',
      enabled: true,
      settings: {
        appId: wechat.appId,
        siteUrl: server.baseUrl,
        authorizeUrl: wechat.authorizeUrl,
        apiBase: wechat.server.url,
      },
      secrets: { appSecret: wechat.appSecret },
    },
  });
});

afterAll(async () => {
  await browser?.close();
  await wechat?.close();
  await sms?.close();
  await server?.stop();
});

describe('third-party sign-in', () => {
  it('a buyer on a phone signs in with WeChat and finds it bound on the security page', async () => {
    const { page, errors, context } = await newVisitor(browser, server.baseUrl, PHONE);
    await page.goto('/login');
    await expect.poll(() => page.getByRole('link', { name: /微信登录/ }).isVisible()).toBe(true);
    await shoot(page, 'login-third-party');
    await page.getByRole('link', { name: /微信登录/ }).click();
    // WeChat's page approves at once (the fake), the server exchanges the code and lands the buyer home
    await expect.poll(() => page.url()).toBe(`${server.baseUrl}/`);
    await page.goto('/account/security');
    await expect
      .poll(() => page.getByText(`已绑定：${wechat.approveAs.nickname}`, { exact: false }).isVisible())
      .toBe(true);
    // the only way into this account cannot be unbound
    await expect.poll(() => page.getByRole('button', { name: '解绑' }).isDisabled()).toBe(true);
    // it has no password to change
    expect(await page.getByText('修改密码').count()).toBe(0);
    await shoot(page, 'security-third-party');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a buyer at a desk signs in through the sandbox QQ and binds nothing else', async () => {
    const { page, errors, context } = await newVisitor(browser, server.baseUrl, DESKTOP);
    await page.goto('/login');
    await page.getByRole('link', { name: /QQ 登录/ }).click();
    await expect.poll(() => page.url()).toContain('/oauth-sandbox/qq');
    await page.getByLabel('沙箱用户昵称').fill('沙箱买家');
    await shoot(page, 'oauth-sandbox-consent');
    await page.getByRole('button', { name: /同意授权并登录/ }).click();
    await expect.poll(() => page.url()).toBe(`${server.baseUrl}/`);
    await page.goto('/account/security');
    await expect.poll(() => page.getByText('已绑定：沙箱买家', { exact: false }).isVisible()).toBe(true);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('an operator enables the Aliyun SMS gateway in the console, and a buyer signs up by phone with the code it sent', async () => {
    const { page, errors, context } = await newVisitor(browser, server.baseUrl, DESKTOP);
    await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD, '/admin/identity', adminFactor(http).next());
    await expect.poll(() => page.getByTestId('provider-wechat').getByText('已启用').isVisible()).toBe(true);
    await page.getByTestId('provider-aliyun').getByRole('button', { name: '配置' }).click();
    await page.getByLabel('AccessKey ID').fill(sms.accessKeyId);
    await page.getByLabel('短信签名').fill(sms.signName);
    await page.getByLabel('验证码模板编号').fill(sms.templateCode);
    await page.getByLabel('接口地址（留空用官方地址）').fill(sms.server.url);
    await page.getByLabel('AccessKey Secret').fill(sms.accessKeySecret);
    await page.getByRole('switch').click();
    await page.getByRole('button', { name: '保存' }).click();
    await expect.poll(() => page.getByTestId('provider-aliyun').getByText('已启用').isVisible()).toBe(true);
    await shootConsole(page, 'identity-providers');
    expect(errors).toEqual([]);
    await context.close();

    const buyer = await newVisitor(browser, server.baseUrl, PHONE);
    const phone = `137${String(Date.now()).slice(-8)}`;
    await buyer.page.goto('/register');
    await buyer.page.getByText('手机号', { exact: true }).click();
    await buyer.page.getByRole('textbox', { name: '手机号' }).fill(phone);
    await buyer.page.getByRole('button', { name: '获取验证码' }).click();
    await expect.poll(() => sms.sent.filter((m) => m.phone === phone).length).toBe(1);
    const code = sms.sent.find((m) => m.phone === phone)!.params.code!;
    await buyer.page.getByLabel('验证码（选填）').fill(code);
    await buyer.page.getByLabel('密码', { exact: true }).fill(PASSWORD);
    await buyer.page.getByLabel('确认密码').fill(PASSWORD);
    await buyer.page.getByRole('checkbox', { name: /我已阅读并同意/ }).check();
    await shoot(buyer.page, 'register-phone-sms');
    await buyer.page.getByRole('button', { name: '注册' }).last().click();
    // signed in at once after registering
    await expect.poll(() => buyer.page.getByRole('link', { name: '我的' }).isVisible()).toBe(true);
    expect(buyer.page.url()).not.toContain('/register');
    expect(sms.forged).toBe(0);
    expect(buyer.errors).toEqual([]);
    await buyer.context.close();
  });
});

describe('an account made by QQ sign-in sets a sign-in email or phone and a password', () => {
  const shotAt = async (page: Page, name: string) => {
    // a full-page shot of a scrolled page paints the sticky header mid-page
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(SCREENSHOT_DIR, `credentials-${name}.png`), fullPage: true });
  };

  // at 390 px an email (its code from the server's sandbox log), at 1366 px a phone (its code through the Aliyun
  // gateway the operator enabled above)
  for (const width of [390, 1366] as const) {
    it(`at ${width} px adds them with a code, then signs in with them without QQ`, async () => {
      const viewport = { width, height: width === 390 ? 844 : 900 };
      const login = width === 390 ? uniqueEmail('qq-buyer') : `136${String(Date.now()).slice(-8)}`;
      const { page, errors, context } = await newVisitor(browser, server.baseUrl, viewport);
      await page.goto('/login');
      await page.getByRole('link', { name: /QQ 登录/ }).click();
      await expect.poll(() => page.url()).toContain('/oauth-sandbox/qq');
      await page.getByLabel('沙箱用户昵称').fill(`凭证买家${width}`);
      await page.getByRole('button', { name: /同意授权并登录/ }).click();
      await expect.poll(() => page.url()).toBe(`${server.baseUrl}/`);

      await page.goto('/account/security');
      const card = page.locator('.ant-card').filter({ hasText: '设置登录邮箱/手机号和密码' });
      await expect.poll(() => card.isVisible()).toBe(true);
      expect(await page.getByText('修改密码').count()).toBe(0);
      // an account with neither email nor phone is named in words, not by its id
      await expect.poll(() => page.getByText('已登录：微信/QQ 登录的账户').isVisible()).toBe(true);
      expect(await page.locator('body').innerText()).not.toMatch(/usr_[0-9a-z]/);
      await card.getByLabel('邮箱或手机号').fill(login);
      await card.getByRole('button', { name: '发送验证码' }).click();
      await expect.poll(() => page.getByText('验证码已发送').isVisible()).toBe(true);
      const code =
        width === 390
          ? await server.codeSentTo(login)
          : (await waitFor(
              async () => sms.sent.find((m) => m.phone === login),
              (m) => m !== undefined,
              'the SMS code',
            ))!.params.code!;
      // a wrong code is refused next to the form, and nothing is set
      await card.getByLabel('验证码').fill(code === '000000' ? '111111' : '000000');
      await card.getByLabel('新密码').fill(PASSWORD);
      await card.getByLabel('确认密码').fill(PASSWORD);
      await card.getByRole('button', { name: '设置登录邮箱/手机号和密码' }).click();
      await expect.poll(() => card.getByRole('alert').isVisible()).toBe(true);
      await shotAt(page, `wrong-code-${width}`);
      await card.getByLabel('验证码').fill(code);
      await shotAt(page, `form-${width}`);
      await card.getByRole('button', { name: '设置登录邮箱/手机号和密码' }).click();
      await expect.poll(() => page.getByText('已设置，可用邮箱或手机号和密码登录').isVisible()).toBe(true);
      // the account now has a password: the card gives way to 修改密码, and the QQ identity may be unbound
      await expect.poll(() => card.count()).toBe(0);
      await expect.poll(() => page.getByText('修改密码').first().isVisible()).toBe(true);
      await expect.poll(() => page.getByRole('button', { name: '解绑' }).isEnabled()).toBe(true);
      await shotAt(page, `done-${width}`);
      await expectClean(page, `credentials at ${width}`);
      expect(errors).toEqual([]);
      await context.close();

      // another browser signs in with what was set, no QQ involved
      const next = await newVisitor(browser, server.baseUrl, viewport);
      await next.page.goto('/login');
      await next.page.getByLabel('邮箱或手机号').fill(login);
      await next.page.getByLabel('密码', { exact: true }).fill(PASSWORD);
      await next.page.getByLabel('密码', { exact: true }).press('Enter');
      await expect.poll(() => new URL(next.page.url()).pathname).not.toBe('/login');
      const me = await next.page.evaluate(async () => (await fetch('/api/v1/me')).json());
      expect(me).toMatchObject(
        width === 390 ? { email: login, emailVerified: true } : { phone: login, phoneVerified: true },
      );
      await next.page.goto('/account/security');
      await expect.poll(() => next.page.getByText('已绑定：凭证买家', { exact: false }).isVisible()).toBe(true);
      await shotAt(next.page, `signed-in-${width}`);
      expect(next.errors).toEqual([]);
      await next.context.close();
    });
  }
});
