import type { Browser, Response } from 'playwright-core';
import { newVisitor } from './browser.ts';

export interface HomePageFigures {
  viewport: number;
  scripts: { url: string; wire: number; raw: number }[];
  /** bytes of script the network carried (bodies as sent, and their headers) */
  wire: number;
  /** the same scripts uncompressed */
  raw: number;
  /** ms from navigation to the app first putting its header, main or footer into #root */
  render: number | null;
  fcp: number | null;
  dcl: number | null;
}

/** A network as Chrome's DevTools emulates it: round trip, and throughput each way. */
export interface Throttle {
  rttMs: number;
  downMbps: number;
  upMbps: number;
}

/** Lighthouse's mobile setting ("slow 4G"): what a phone on a middling mobile network gets. */
export const SLOW_4G: Throttle = { rttMs: 150, downMbps: 1.6, upMbps: 0.75 };

/** The home page at `origin` opened cold (a new context: empty cache): its scripts and when it first rendered. */
export async function measureHomePage(
  browser: Browser,
  origin: string,
  viewport: { width: number; height: number },
  network?: Throttle,
): Promise<HomePageFigures> {
  const { page, context } = await newVisitor(browser, origin, viewport);
  try {
    if (network) {
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.emulateNetworkConditions', {
        offline: false,
        latency: network.rttMs,
        downloadThroughput: (network.downMbps * 1024 * 1024) / 8,
        uploadThroughput: (network.upMbps * 1024 * 1024) / 8,
      });
    }
    const scripts: HomePageFigures['scripts'] = [];
    const pending: Promise<void>[] = [];
    const onResponse = (r: Response) => {
      if (r.request().resourceType() !== 'script') return;
      pending.push(
        (async () => {
          const sizes = await r.request().sizes();
          const raw = (await r.body()).length;
          scripts.push({ url: r.url(), wire: sizes.responseBodySize + sizes.responseHeadersSize, raw });
        })(),
      );
    };
    page.on('response', onResponse);
    // the moment the app first puts something in its root: the first render a visitor sees
    await page.addInitScript(() => {
      const w = window as unknown as { __firstRender?: number };
      new MutationObserver((_, observer) => {
        if (document.getElementById('root')?.querySelector('header, main, footer')) {
          w.__firstRender = performance.now();
          observer.disconnect();
        }
      }).observe(document, { childList: true, subtree: true });
    });
    await page.goto('/', { waitUntil: 'networkidle' });
    page.off('response', onResponse);
    await Promise.all(pending);
    const paint = await page.evaluate(() => {
      const entries = performance.getEntriesByType('paint');
      const at = (name: string) => entries.find((e) => e.name === name)?.startTime ?? null;
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
      const render = (window as unknown as { __firstRender?: number }).__firstRender ?? null;
      return { fcp: at('first-contentful-paint'), render, dcl: nav?.domContentLoadedEventEnd ?? null };
    });
    return {
      viewport: viewport.width,
      scripts,
      wire: scripts.reduce((s, x) => s + x.wire, 0),
      raw: scripts.reduce((s, x) => s + x.raw, 0),
      ...paint,
    };
  } finally {
    await context.close();
  }
}

/** One line of figures, as the browser suite and bench/home-page.ts print them. */
export function describeFigures(f: HomePageFigures): string {
  const ms = (v: number | null) => (v === null ? 'not reported' : `${v.toFixed(0)} ms`);
  return (
    `${f.viewport} px: ${f.scripts.length} scripts, ${(f.wire / 1024).toFixed(1)} KB transferred ` +
    `(${(f.raw / 1024).toFixed(1)} KB uncompressed); first render ${ms(f.render)}, ` +
    `first contentful paint ${ms(f.fcp)}, DOMContentLoaded ${ms(f.dcl)}`
  );
}
