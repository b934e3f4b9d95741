import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeOauth, startFakeOauth } from '../../server/test/support/fake-oauth.ts';
import { DESKTOP, launch, newVisitor, PHONE, shoot } from './support/browser.ts';
import { adminToken } from './support/console.ts';
import { Http } from './support/seed.ts';
import { type RunningServer, startServer } from './support/server.ts';

// A buyer signs in with WeChat (the server's fake WeChat Open Platform, configured by the operator through the
// admin API), finds the identity on the security page; QQ, left unconfigured, runs through the sandbox's
// stand-in consent page.

let server: RunningServer;
let browser: Browser;
let http: Http;
let wechat: FakeOauth;

beforeAll(async () => {
  [server, browser, wechat] = await Promise.all([startServer(), launch(), startFakeOauth('wechat')]);
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
});
