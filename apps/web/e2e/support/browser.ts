import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { ERROR_CODES } from '@kameng/contracts';
import { expect } from 'vitest';
import { zhCN as buyerZh } from '../../src/buyer/messages.ts';
import { enUS } from '../../src/i18n/en-US.ts';
import { zhCN } from '../../src/i18n/zh-CN.ts';
import { ROOT } from './server.ts';

export const SCREENSHOT_DIR = join(ROOT, 'apps/web/e2e/screenshots');
export const PHONE = { width: 375, height: 812 };
export const DESKTOP = { width: 1280, height: 900 };

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Chromium headless; `extraArgs` adds switches (e.g. `--host-resolver-rules` to open a 分站's subdomain). */
export function launch(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
      ...extraArgs,
    ],
  });
}

export interface Visitor {
  context: BrowserContext;
  page: Page;
  /** uncaught exceptions and console errors of our own pages; a journey ends with none */
  errors: string[];
}

export async function newVisitor(browser: Browser, baseURL: string, viewport = PHONE): Promise<Visitor> {
  const context = await browser.newContext({ baseURL, viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const page = await context.newPage();
  const errors: string[] = [];
  const watch = (p: Page) => {
    p.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
    p.on('console', (msg) => {
      // a failed request shows as a console error too; the pages show those to the person, which is tested
      if (msg.type() === 'error' && !/Failed to load resource/.test(msg.text())) errors.push(`console: ${msg.text()}`);
    });
  };
  watch(page);
  context.on('page', watch);
  return { context, page, errors };
}

const KEYS = [...Object.keys(zhCN), ...Object.keys(buyerZh)].filter((k) => k.includes('.'));
const SERVER_MESSAGES = [
  /Sign in first/,
  /The request is not valid/,
  /No route for/,
  /Something went wrong on our side; quote/,
];

/**
 * What no page may show: an untranslated key, a raw error code or server message, NaN/undefined/null,
 * or a price that is not ¥ with exactly two decimals.
 */
export async function expectClean(page: Page, where: string): Promise<void> {
  const text = await page.locator('body').innerText();
  const problems: string[] = [];
  for (const key of KEYS) if (text.includes(key)) problems.push(`untranslated key ${key}`);
  for (const code of [...ERROR_CODES, 'NETWORK'])
    if (new RegExp(`\\b${code}\\b`).test(text)) problems.push(`raw error code ${code}`);
  for (const re of SERVER_MESSAGES) if (re.test(text)) problems.push(`raw server message ${re}`);
  if (text.includes('{"error"')) problems.push('raw JSON error');
  for (const word of ['NaN', 'undefined', 'null', '[object Object]', 'Infinity']) {
    if (new RegExp(`(^|[^A-Za-z])${word.replace(/[[\]]/g, '\\$&')}([^A-Za-z]|$)`).test(text))
      problems.push(`shows ${word}`);
  }
  for (const m of text.matchAll(/¥\s?-?[\d.,]+/g)) {
    if (!/^¥-?\d{1,3}(,\d{3})*\.\d{2}$/.test(m[0])) problems.push(`badly formatted price ${m[0]}`);
  }
  // a stray {placeholder} means a message was used without its values
  for (const m of text.matchAll(/\{[a-z]+\}/gi)) problems.push(`unfilled placeholder ${m[0]}`);
  expect(problems, `${where}: ${page.url()}`).toEqual([]);
}

let shots = 0;
/** Saves the page at phone and desktop width (full page), then returns to the width the journey runs at. */
export async function shoot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const original = page.viewportSize() ?? PHONE;
  shots += 1;
  const prefix = String(shots).padStart(2, '0');
  for (const size of [PHONE, DESKTOP]) {
    await page.setViewportSize(size);
    // a full-page shot of a scrolled page paints the sticky header mid-page
    await page.evaluate(() => window.scrollTo(0, 0));
    // antd's responsive grid re-renders on the media query change; wait for that and for the images
    await page.waitForTimeout(200);
    await page.waitForFunction(() => [...document.images].every((img) => img.complete));
    await page.screenshot({ path: join(SCREENSHOT_DIR, `${prefix}-${name}-${size.width}.png`), fullPage: true });
    // nothing may push the page sideways on a phone (a wide table, a long unbroken title)
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, `${name} is wider than ${size.width} px`).toBeLessThanOrEqual(0);
  }
  await page.setViewportSize(original);
  await page.waitForTimeout(150);
  await expectClean(page, name);
}

/**
 * The page at its own width as it is now (`<name>-<width>.png`), once a dialog or drawer has finished moving in,
 * checked for what no page may show.
 */
export async function shootAsIs(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.waitForLoadState('networkidle');
  // a drawer or dialog still sliding or zooming in (or a toast fading) is painted half-way: wait for it to end
  await page.waitForFunction(() =>
    document.getAnimations().every((a) => a.playState !== 'running' || a.effect?.getTiming().iterations === Infinity),
  );
  // a full-page shot of a scrolled page paints the sticky header mid-page
  await page.evaluate(() => window.scrollTo(0, 0));
  const width = page.viewportSize()?.width ?? 0;
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}-${width}.png`), fullPage: true });
  await expectClean(page, `${name} at ${width}`);
}

export const messages = { zhCN, enUS };
