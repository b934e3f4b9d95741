import { type SecondFactor, secondFactor } from '../../../server/test/support/second-factor.ts';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from './server.ts';

export type { SecondFactor };

// Sets the shop up through the HTTP API, as the supplier and operator consoles would.

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export class Http {
  readonly baseUrl: string;
  constructor(baseUrl: string) {
    this.baseUrl = baseUrl;
  }
  async call<T = unknown>(method: Method, path: string, opts: { token?: string; body?: unknown } = {}): Promise<T> {
    const headers: Record<string, string> = {};
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(this.baseUrl + path, {
      method,
      headers,
      ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text}`);
    return (text ? JSON.parse(text) : null) as T;
  }
  /** Signs in through the API; `factor` answers the 2FA prompt when the account has one. */
  async login(login: string, password: string, factor?: SecondFactor): Promise<string> {
    const body = { login, password, ...(factor ? { totp: factor.next() } : {}) };
    return (await this.call<{ token: string }>('POST', '/api/v1/auth/login', { body })).token;
  }
}

/** Turns TOTP on for an account signed in just now (its password proved within the last minutes). */
export async function enrolTwoFactor(http: Http, token: string): Promise<SecondFactor> {
  const enroll = await http.call<{ secret: string }>('POST', '/api/v1/me/2fa/enroll', { token });
  const factor = secondFactor(enroll.secret);
  const confirmed = await http.call<{ recoveryCodes: string[] }>('POST', '/api/v1/me/2fa/confirm', {
    token,
    body: { code: factor.next() },
  });
  factor.recoveryCodes.push(...confirmed.recoveryCodes);
  return factor;
}

const adminFactors = new Map<string, SecondFactor>();

/**
 * The bootstrap admin signed in through the API. The operator console needs 2FA, so the first sign-in
 * on a server enrols it, as the admin does at first start; `adminFactor` then answers its prompts.
 */
export async function loginAdmin(http: Http): Promise<string> {
  const factor = adminFactors.get(http.baseUrl);
  const token = await http.login(ADMIN_EMAIL, ADMIN_PASSWORD, factor);
  if (!factor) adminFactors.set(http.baseUrl, await enrolTwoFactor(http, token));
  return token;
}

export function adminFactor(http: Http): SecondFactor {
  const factor = adminFactors.get(http.baseUrl);
  if (!factor) throw new Error('the admin has not signed in on this server yet: call loginAdmin first');
  return factor;
}

export const PASSWORD = 'Kameng-E2e-Passw0rd!';
let counter = 0;
export function uniqueEmail(tag: string): string {
  counter += 1;
  return `${tag}.${Date.now().toString(36)}.${counter}@example.cn`;
}

export interface SeededShop {
  admin: string;
  supplierToken: string;
  categoryId: string;
  product: { id: string; title: string; priceCents: number; keys: string[] };
  direct: { id: string; title: string; recipientField: string };
  xss: { id: string; title: string };
}

export const CAROUSEL_HEADLINE = '新人专享 · Q币限时热卖';
export const XSS_TITLE = '<img src=x onerror="window.__xss=1">卡密 <script>window.__xss=2</script>';
const XSS_DESCRIPTION =
  '<p>正常说明</p><script>window.__xss=3</script><img src="x" onerror="window.__xss=4"><a href="javascript:window.__xss=5">点我</a>';

/** An approved supplier (2FA on) with an approved card-key product (keys imported), a direct top-up product and a hostile one. */
export async function seedShop(http: Http, keyCount = 20): Promise<SeededShop> {
  const admin = await loginAdmin(http);
  const supplierEmail = uniqueEmail('supplier');
  await http.call('POST', '/api/v1/auth/register', { body: { email: supplierEmail, password: PASSWORD } });
  const supplierToken = await http.login(supplierEmail, PASSWORD);
  await enrolTwoFactor(http, supplierToken);
  const application = await http.call<{ id: string }>('POST', '/api/v1/supplier/applications', {
    token: supplierToken,
    body: { shopName: '星辰点卡', contact: 'QQ 10001', realName: '王五' },
  });
  await http.call('POST', `/api/v1/admin/supplier-applications/${application.id}/approve`, { token: admin });

  const top = await http.call<{ id: string }>('POST', '/api/v1/admin/categories', {
    token: admin,
    body: { name: '游戏点卡', goodsType: 'card_key', game: '腾讯' },
  });
  const qb = await http.call<{ id: string }>('POST', '/api/v1/admin/categories', {
    token: admin,
    body: { name: 'Q币', parentId: top.id, goodsType: 'card_key', game: '腾讯', denomination: '10元' },
  });
  const topUps = await http.call<{ id: string }>('POST', '/api/v1/admin/categories', {
    token: admin,
    body: { name: '话费直充', goodsType: 'direct', game: '中国移动' },
  });

  const title = '腾讯Q币 10元 自动发货';
  const product = await http.call<{ id: string }>('POST', '/api/v1/supplier/products', {
    token: supplierToken,
    body: {
      categoryId: qb.id,
      title,
      description:
        '<p>付款后<strong>自动发货</strong>，卡密可在订单页查看。</p><ul><li>官方正品</li><li>24 小时发货</li></ul>',
      priceCents: 1000,
      priceTiers: [{ minQuantity: 5, priceCents: 950 }],
      deliveryMode: 'auto',
    },
  });
  const keys = Array.from({ length: keyCount }, (_, i) => `QB10-${product.id.slice(-4)}-${String(i).padStart(6, '0')}`);
  await http.call('POST', `/api/v1/supplier/products/${product.id}/card-keys`, {
    token: supplierToken,
    body: { keys },
  });
  await http.call('POST', `/api/v1/admin/products/${product.id}/approve`, { token: admin });

  const recipientField = '充值手机号';
  const direct = await http.call<{ id: string }>('POST', '/api/v1/supplier/products', {
    token: supplierToken,
    body: {
      categoryId: topUps.id,
      title: '中国移动话费 50元 直充',
      description: '<p>输入手机号，付款后直接到账。</p>',
      priceCents: 4980,
      deliveryMode: 'direct',
      recipientField,
      stock: 100,
    },
  });
  await http.call('POST', `/api/v1/admin/products/${direct.id}/approve`, { token: admin });

  const xss = await http.call<{ id: string }>('POST', '/api/v1/supplier/products', {
    token: supplierToken,
    body: { categoryId: qb.id, title: XSS_TITLE, description: XSS_DESCRIPTION, priceCents: 500, deliveryMode: 'auto' },
  });
  await http.call('POST', `/api/v1/supplier/products/${xss.id}/card-keys`, {
    token: supplierToken,
    body: { keys: [`XSS-${xss.id.slice(-6)}-1`] },
  });
  await http.call('POST', `/api/v1/admin/products/${xss.id}/approve`, { token: admin });

  await http.call('PUT', '/api/v1/admin/carousel', {
    token: admin,
    body: { slots: [{ productId: product.id, headline: CAROUSEL_HEADLINE }, { productId: direct.id }] },
  });

  return {
    admin,
    supplierToken,
    categoryId: qb.id,
    product: { id: product.id, title, priceCents: 1000, keys },
    direct: { id: direct.id, title: '中国移动话费 50元 直充', recipientField },
    xss: { id: xss.id, title: XSS_TITLE },
  };
}
