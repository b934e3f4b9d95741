import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { zhCN as adminZh } from '../../src/admin/messages.ts';
import { commonZhCN } from '../../src/console/messages.ts';
import { zhCN as supplierZh } from '../../src/supplier/messages.ts';
import { expectClean, messages, SCREENSHOT_DIR } from './browser.ts';
import {
  adminFactor,
  enrolTwoFactor,
  type Http,
  loginAdmin,
  PASSWORD,
  type SecondFactor,
  uniqueEmail,
} from './seed.ts';

// Consoles are used at a desk and on a tablet: their screenshots are taken at those widths.
export const TABLET = { width: 768, height: 1024 };
export const LAPTOP = { width: 1280, height: 900 };

const CONSOLE_KEYS = [...Object.keys(commonZhCN), ...Object.keys(supplierZh), ...Object.keys(adminZh)].filter((k) =>
  k.includes('.'),
);

/** What no console page may show (the storefront's checks, plus the consoles' own keys left untranslated). */
export async function expectConsoleClean(page: Page, where: string): Promise<void> {
  await expectClean(page, where);
  const text = await page.locator('body').innerText();
  const leaked = CONSOLE_KEYS.filter((k) => new RegExp(`(^|\\s)${k.replace(/\./g, '\\.')}(\\s|$)`).test(text));
  expect(leaked, `${where}: untranslated console keys`).toEqual([]);
}

let shots = 0;
/** Saves the page at tablet and laptop width (full page) and checks what it shows. */
export async function shootConsole(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const original = page.viewportSize() ?? LAPTOP;
  shots += 1;
  const prefix = `console-${String(shots).padStart(2, '0')}`;
  for (const size of [TABLET, LAPTOP]) {
    await page.setViewportSize(size);
    await page.waitForTimeout(300);
    await page.waitForLoadState('networkidle').catch(() => {});
    await page.screenshot({ path: join(SCREENSHOT_DIR, `${prefix}-${name}-${size.width}.png`), fullPage: true });
    // wide tables scroll inside their card; the page itself never scrolls sideways on a tablet (an open
    // drawer is left out: antd's scroll lock pads the body by a scrollbar's width while it is open)
    const overflow = await page.evaluate(() =>
      document.querySelector('.ant-drawer-open') ? 0 : document.documentElement.scrollWidth - window.innerWidth,
    );
    expect(overflow, `${name} is wider than ${size.width} px`).toBeLessThanOrEqual(0);
  }
  await page.setViewportSize(original);
  await page.waitForTimeout(150);
  await expectConsoleClean(page, name);
}

/** Signs in through the login page; `secondFactor` answers the 2FA prompt when the account has one. */
export async function signIn(page: Page, login: string, password: string, next: string, secondFactor?: string) {
  const m = messages.zhCN;
  await page.goto(`/login?next=${encodeURIComponent(next)}`);
  await page.getByLabel(m.account).fill(login);
  await page.getByLabel(m.password, { exact: true }).fill(password);
  await page.getByLabel(m.password, { exact: true }).press('Enter');
  if (secondFactor) {
    await page.getByLabel(m.totp).fill(secondFactor);
    await page.getByLabel(m.totp).press('Enter');
  }
  await expect.poll(() => page.getByRole('button', { name: m.logout }).isVisible()).toBe(true);
  // the login page goes to ?next= when it knows it; otherwise this gets there
  if (new URL(page.url()).pathname !== next) await page.goto(next);
}

export interface Supplier {
  email: string;
  token: string;
  userId: string;
}

/** A registered supplier whose application `admin` approved, signed in, with 2FA still off. */
export async function supplierWithout2fa(http: Http, admin: string, shopName: string): Promise<Supplier> {
  const email = uniqueEmail('console-supplier');
  const reg = await http.call<{ user: { id: string } }>('POST', '/api/v1/auth/register', {
    body: { email, password: PASSWORD },
  });
  const token = await http.login(email, PASSWORD);
  const application = await http.call<{ id: string }>('POST', '/api/v1/supplier/applications', {
    token,
    body: { shopName, contact: 'QQ 20002', realName: '李四' },
  });
  await http.call('POST', `/api/v1/admin/supplier-applications/${application.id}/approve`, { token: admin });
  return { email, token, userId: reg.user.id };
}

/** An approved supplier with TOTP two-factor sign-in on (the console requires it); `factor` answers its prompts. */
export async function approvedSupplier(
  http: Http,
  admin: string,
  shopName: string,
): Promise<Supplier & { factor: SecondFactor }> {
  const supplier = await supplierWithout2fa(http, admin, shopName);
  return { ...supplier, factor: await enrolTwoFactor(http, supplier.token) };
}

/** An operator account (no admin rights) with 2FA on, signed in through the API. */
export async function operator(
  http: Http,
  admin: string,
): Promise<{ email: string; token: string; factor: SecondFactor }> {
  const email = uniqueEmail('console-operator');
  const reg = await http.call<{ user: { id: string } }>('POST', '/api/v1/auth/register', {
    body: { email, password: PASSWORD },
  });
  const factor = await enrolTwoFactor(http, await http.login(email, PASSWORD));
  await http.call('PUT', `/api/v1/admin/users/${reg.user.id}/roles`, { token: admin, body: { roles: ['operator'] } });
  // a role change ends the sessions
  return { email, token: await http.login(email, PASSWORD, factor), factor };
}

export { adminFactor, loginAdmin as adminToken };

/** Polls `read` until `done` holds (the in-process workers deliver and settle asynchronously). */
export async function waitFor<T>(read: () => Promise<T>, done: (v: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const v = await read();
    if (done(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
