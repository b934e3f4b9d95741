import { randomBytes } from 'node:crypto';
import { type SecondFactor, secondFactor } from '../../apps/server/test/support/second-factor.ts';
import { type Api, pool, until } from './http.ts';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from './server.ts';

export const PASSWORD = 'Bench-Buyer-Passw0rd!';
/** the largest single sandbox top-up the API accepts */
export const TOP_UP_CENTS = 5_000_000;

export interface Account {
  token: string;
  userId: string;
  email: string;
}

export interface Shop {
  admin: string;
  supplier: Account;
  categoryId: string;
}

const runTag = randomBytes(3).toString('hex');
let seq = 0;
const email = (tag: string) => `${tag}.${runTag}.${++seq}@bench.kameng.local`;

export async function login(api: Api, login: string, password: string, factor?: SecondFactor): Promise<Account> {
  const body = { login, password, ...(factor ? { totp: factor.next() } : {}) };
  const r = await api.call('POST', '/api/v1/auth/login', { body, expect: [200] });
  return { token: r.body.token, userId: r.body.user.id, email: login };
}

/** Turns TOTP on for an account signed in just now (suppliers and operators need it). */
export async function enrolTwoFactor(api: Api, token: string): Promise<SecondFactor> {
  const enroll = await api.call('POST', '/api/v1/me/2fa/enroll', { token, expect: [200] });
  const factor = secondFactor(enroll.body.secret);
  const confirmed = await api.call('POST', '/api/v1/me/2fa/confirm', {
    token,
    body: { code: factor.next() },
    expect: [200],
  });
  factor.recoveryCodes.push(...confirmed.body.recoveryCodes);
  return factor;
}

const adminFactors = new Map<string, SecondFactor>();

/** The bootstrap admin, signed in; its first sign-in on a server enrols 2FA, as the operator console requires. */
export async function loginAdmin(api: Api): Promise<string> {
  const factor = adminFactors.get(api.base);
  const admin = await login(api, ADMIN_EMAIL, ADMIN_PASSWORD, factor);
  if (!factor) adminFactors.set(api.base, await enrolTwoFactor(api, admin.token));
  return admin.token;
}

export async function register(api: Api, tag: string): Promise<Account> {
  const address = email(tag);
  await api.call('POST', '/api/v1/auth/register', { body: { email: address, password: PASSWORD }, expect: [201] });
  return login(api, address, PASSWORD);
}

/** An approved supplier with 2FA on, and a category to list goods in. */
export async function openShop(api: Api): Promise<Shop> {
  const admin = await loginAdmin(api);
  const supplier = await register(api, 'supplier');
  await enrolTwoFactor(api, supplier.token);
  const applied = await api.call('POST', '/api/v1/supplier/applications', {
    token: supplier.token,
    body: { shopName: `压测卡行 ${runTag}`, contact: 'QQ 10001', realName: '王五' },
    expect: [201],
  });
  await api.call('POST', `/api/v1/admin/supplier-applications/${applied.body.id}/approve`, {
    token: admin,
    expect: [200],
  });
  const cat = await api.call('POST', '/api/v1/admin/categories', {
    token: admin,
    body: { name: `点卡 ${runTag}` },
    expect: [201],
  });
  return { admin, supplier, categoryId: cat.body.id };
}

/** `count` distinct key lines for one product. */
export function keyLines(tag: string, count: number): string {
  const lines: string[] = new Array(count);
  for (let i = 0; i < count; i++) lines[i] = `BK-${tag}-${i.toString(36).padStart(7, '0')}`;
  return lines.join('\n');
}

/**
 * Uploads card keys as one text/plain body (the endpoint takes up to 128 MiB): a small upload is imported in
 * the request (200), a large one is staged and run as a job (202 {jobId}) whose progress is polled here.
 */
export async function importKeys(api: Api, shop: Shop, productId: string, count: number): Promise<number> {
  const r = await api.call('POST', `/api/v1/supplier/products/${productId}/card-keys`, {
    token: shop.supplier.token,
    text: keyLines(productId.slice(-8), count),
    expect: [200, 202],
  });
  if (r.status === 200) return Number(r.body.imported);
  const jobId = r.body.jobId as string;
  return until(`import job ${jobId}`, 600_000, async () => {
    const j = await api.call('GET', `/api/v1/supplier/imports/${jobId}`, { token: shop.supplier.token, expect: [200] });
    if (j.body.status === 'failed') throw new Error(`import ${jobId} failed: ${j.body.error}`);
    return j.body.status === 'done' ? Number(j.body.imported) : undefined;
  });
}

export async function supplierStock(api: Api, shop: Shop, productId: string): Promise<number> {
  const r = await api.call('GET', `/api/v1/supplier/products/${productId}`, {
    token: shop.supplier.token,
    expect: [200],
  });
  return Number(r.body.stock);
}

/** A card-key product with `keys` keys, approved and visible in the catalog with its stock. */
export async function addProduct(
  api: Api,
  shop: Shop,
  opts: { title: string; keys: number; priceCents: number },
): Promise<string> {
  const product = await api.call('POST', '/api/v1/supplier/products', {
    token: shop.supplier.token,
    body: {
      categoryId: shop.categoryId,
      title: opts.title,
      description: '<p>自动发货 · 压测商品</p>',
      priceCents: opts.priceCents,
      deliveryMode: 'auto',
    },
    expect: [201],
  });
  const id = product.body.id as string;
  if (opts.keys > 0) await importKeys(api, shop, id, opts.keys);
  await api.call('POST', `/api/v1/admin/products/${id}/approve`, { token: shop.admin, expect: [200] });
  await until(`${opts.keys} keys in stock for ${id}`, 300_000, async () => {
    const r = await api.call('GET', `/api/v1/products/${id}`);
    return r.status === 200 && Number(r.body.stock) >= opts.keys ? true : undefined;
  });
  return id;
}

export async function walletCents(api: Api, token: string): Promise<number> {
  const r = await api.call('GET', '/api/v1/wallet', { token, expect: [200] });
  return Number(r.body.balanceCents);
}

/** Registered, signed-in buyers, each topped up through the sandbox gateway with `fundCents`. */
export async function buyers(api: Api, n: number, fundCents: number, concurrency = 32): Promise<Account[]> {
  const out = await pool(Array.from({ length: n }), concurrency, async () => {
    const b = await register(api, 'buyer');
    for (let left = fundCents; left > 0; left -= TOP_UP_CENTS) {
      const r = await api.call('POST', '/api/v1/wallet/top-ups', {
        token: b.token,
        body: { amountCents: Math.min(left, TOP_UP_CENTS), paymentMethod: 'sandbox' },
        expect: [201],
      });
      await api.call('POST', `/sandbox/payments/${r.body.payment.id}/complete`, { body: {}, expect: [200] });
    }
    return b;
  });
  // the sandbox notifies asynchronously: wait until every wallet shows the money
  await pool(out, concurrency, (b) =>
    until(`top-up of ${b.email}`, 120_000, async () =>
      (await walletCents(api, b.token)) >= fundCents ? true : undefined,
    ),
  );
  return out;
}
