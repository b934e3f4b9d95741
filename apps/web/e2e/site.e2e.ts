import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PHONE, expectClean, launch, newVisitor, shoot } from './support/browser.ts';
import { LAPTOP, shootConsole, signIn } from './support/console.ts';
import { adminFactor, Http, loginAdmin } from './support/seed.ts';
import { ADMIN_EMAIL, ADMIN_PASSWORD, type RunningServer, startServer } from './support/server.ts';

let server: RunningServer;
let browser: Browser;
let http: Http;

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launch()]);
  http = new Http(server.baseUrl);
  await loginAdmin(http);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const ICP = '沪ICP备20261203号-1';
const PSB = '沪公网安备31010402000123号';

describe('site settings', () => {
  it('an operator sets the name, record numbers, 客服 and a pinned 公告 in the console', async () => {
    const { page, errors, context } = await newVisitor(browser, server.baseUrl, LAPTOP);
    await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD, '/admin/site', adminFactor(http).next());
    await expect.poll(() => page.getByLabel('站点名称').isVisible()).toBe(true);
    await page.getByLabel('站点名称').fill('星辰卡盟');
    await page.getByLabel('ICP 备案号').fill(ICP);
    await page.getByLabel('公安联网备案号').fill(PSB);
    await page.getByLabel('客服 QQ').fill('800123456');
    await page.getByLabel('服务时间').fill('每天 9:00–23:00');
    await page.getByRole('button', { name: '添加公告' }).click();
    const item = page.getByTestId('announcement-item').first();
    await item.getByLabel('标题').fill('春节期间正常发货');
    await item.getByLabel('内容').fill('除夕至初七照常自动发货。');
    await item.getByLabel('置顶').check();
    await page.getByLabel('服务条款', { exact: true }).fill('一、本站出售的虚拟商品一经发货不退不换。');
    await page.getByRole('button', { name: '保存' }).click();
    await expect.poll(() => page.getByText(/上次保存/).isVisible()).toBe(true);
    await shootConsole(page, 'site-settings');

    // the dead-job queue sits beside it in the menu (empty on a healthy shop)
    await page.getByRole('menuitem', { name: '失败任务' }).click();
    await expect.poll(() => page.getByText('没有失败的任务').first().isVisible()).toBe(true);
    await shootConsole(page, 'dead-jobs');
    expect(errors).toEqual([]);
    await context.close();

    const site = await http.call<{ icp: string; announcements: { title: string; pinned: boolean }[] }>(
      'GET',
      '/api/v1/site',
    );
    expect(site.icp).toBe(ICP);
    expect(site.announcements).toEqual([expect.objectContaining({ title: '春节期间正常发货', pinned: true })]);
  });

  it('a visitor on a phone sees the 公告 on the home page and the ICP line and 客服 in the footer, with no failed request', async () => {
    const { page, errors, context } = await newVisitor(browser, server.baseUrl, PHONE);
    const failed: string[] = [];
    page.on('requestfailed', (r) => failed.push(`${r.url()} ${r.failure()?.errorText}`));
    page.on('response', (r) => {
      // an anonymous visitor's session check answers 401 by design; anything else failing is a fault
      if (r.status() >= 400 && !r.url().endsWith('/api/v1/me')) failed.push(`${r.status()} ${r.url()}`);
    });
    // what a crawler reads before the app runs
    const html = await (await fetch(`${server.baseUrl}/`)).text();
    expect(html).toContain('<title>星辰卡盟</title>');
    await page.goto('/');
    // the app keeps the title the server gave the page
    await expect.poll(() => page.getByTestId('icp').isVisible()).toBe(true);
    expect(await page.title()).toBe('星辰卡盟');
    const board = page.getByTestId('announcements');
    await expect.poll(() => board.innerText()).toContain('春节期间正常发货');
    expect(await board.innerText()).toContain('置顶');
    const icp = page.getByTestId('icp');
    await expect.poll(() => icp.innerText()).toBe(ICP);
    expect(await icp.getAttribute('href')).toBe('https://beian.miit.gov.cn/');
    expect(await page.getByTestId('psb').getAttribute('href')).toContain('code=31010402000123');
    expect(await page.getByTestId('site-footer').innerText()).toContain('QQ 800123456');
    await board.getByText('春节期间正常发货').click();
    await expect.poll(() => board.getByText('除夕至初七照常自动发货。').isVisible()).toBe(true);
    await shoot(page, 'home-site');

    await page.getByRole('link', { name: '服务条款' }).click();
    await expect.poll(() => page.getByText('一、本站出售的虚拟商品').isVisible()).toBe(true);
    await expectClean(page, 'terms');
    expect(failed).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });
});
