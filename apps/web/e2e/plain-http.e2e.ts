import { networkInterfaces } from 'node:os';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, newVisitor, shoot } from './support/browser.ts';
import { describeFigures, measureHomePage } from './support/measure.ts';
import { Http, loginAdmin } from './support/seed.ts';
import { type RunningServer, startServer } from './support/server.ts';

// A trial shop opened the way an operator first opens it: plain HTTP, by IP address (the loopback and, when the
// machine has one, its own network address), before any domain or certificate. The page must come up whole:
// no request that fails, no console error, the ICP line and a 公告. The home page's JavaScript over the wire and
// the time to its first paint are measured here and printed.

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1366, height: 900 };
const ICP = '浙ICP备20261203号-2';
const NOTICE = '试营业期间全场自动发货';

let server: RunningServer;
let browser: Browser;

/** The machine's first IPv4 address that is not the loopback, or null (a sandbox with loopback only). */
function networkAddress(): string | null {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return null;
}

beforeAll(async () => {
  // listening on every address, as the compose quick start does
  [server, browser] = await Promise.all([startServer({ host: '0.0.0.0' }), launch()]);
  const http = new Http(server.baseUrl);
  const admin = await loginAdmin(http);
  await http.call('PUT', '/api/v1/admin/site', {
    token: admin,
    body: { name: '试营业卡盟', icp: ICP, announcements: [{ title: NOTICE, body: '欢迎试用。', pinned: true }] },
  });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const port = () => new URL(server.baseUrl).port;
const origins = () => {
  const ip = networkAddress();
  return [`http://127.0.0.1:${port()}`, ...(ip ? [`http://${ip}:${port()}`] : [])];
};

/** Every request of the page that failed: refused, blocked (a CSP upgrade to https) or answered 4xx/5xx. */
function failures(page: Page): string[] {
  const failed: string[] = [];
  page.on('requestfailed', (r) => failed.push(`${r.url()} ${r.failure()?.errorText}`));
  page.on('response', (r) => {
    if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`);
  });
  return failed;
}

describe('a trial shop over plain HTTP by IP', () => {
  it('answers without upgrade-insecure-requests and with compressed, immutable scripts', async () => {
    const res = await fetch(`${origins()[0]}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy') ?? '').not.toContain('upgrade-insecure-requests');
    const html = await res.text();
    const script = /<script[^>]+src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeTruthy();
    const js = await fetch(`${origins()[0]}${script}`, { headers: { 'accept-encoding': 'br, gzip' } });
    expect(['br', 'gzip']).toContain(js.headers.get('content-encoding'));
    expect(js.headers.get('cache-control')).toContain('immutable');
  });

  for (const viewport of [PHONE, DESKTOP]) {
    it(`at ${viewport.width} px shows the shop at every address: no failed request, no console error, ICP and 公告`, async () => {
      for (const origin of origins()) {
        const { page, errors, context } = await newVisitor(browser, origin, viewport);
        const failed = failures(page);
        await page.goto('/');
        await expect.poll(() => page.getByTestId('announcements').innerText()).toContain(NOTICE);
        await expect.poll(() => page.getByTestId('icp').innerText()).toBe(ICP);
        expect(await page.getByTestId('icp').isVisible()).toBe(true);
        // the way on is there too: a product list or its empty state, and 查询订单
        await expect.poll(() => page.getByText('查询订单').first().isVisible()).toBe(true);
        // every script came over http from this address: nothing was rewritten to https or blocked
        const scripts = await page.evaluate(() => [...document.scripts].map((s) => s.src).filter(Boolean));
        for (const src of scripts) expect(src.startsWith(`${origin}/`), src).toBe(true);
        if (origin.includes('127.0.0.1')) await shoot(page, `plain-http-home-${viewport.width}`);
        expect(failed, origin).toEqual([]);
        expect(errors, origin).toEqual([]);
        await context.close();
      }
    });
  }

  it("measures the home page's transferred JavaScript and its first paint (cold cache)", async () => {
    const figures: string[] = [];
    for (const viewport of [PHONE, DESKTOP]) {
      const f = await measureHomePage(browser, origins()[0] as string, viewport);
      figures.push(describeFigures(f));
      // compressed on the wire, and no chart code for a visitor
      expect(f.wire).toBeLessThan(f.raw / 2);
      expect(f.scripts.some((s) => /\/chart-/.test(s.url))).toBe(false);
      expect(f.render).not.toBeNull();
    }
    process.stdout.write(`[home page over plain HTTP] ${figures.join(' | ')}\n`);
  });
});
