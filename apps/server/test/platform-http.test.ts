import { existsSync } from 'node:fs';
import { ERROR_CODES } from '@kameng/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_WEB_DIST } from '../src/app.ts';
import { call, registerAndLogin } from './support/client.ts';
import { createTestApp, dialectName, type TestApp } from './support/harness.ts';

describe(`HTTP platform (${dialectName})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('healthz and readyz answer', async () => {
    expect((await call(t.app, 'GET', '/healthz')).body).toEqual({ status: 'ok' });
    const ready = await call(t.app, 'GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body.database).toBe(dialectName);
  });

  it('serves OpenAPI 3.1 with tags, schemas and error responses for every API route', async () => {
    const res = await call(t.app, 'GET', '/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    const paths = res.body.paths as Record<
      string,
      Record<string, { tags?: string[]; responses: Record<string, unknown> }>
    >;
    for (const p of ['/api/v1/auth/register', '/api/v1/auth/login', '/api/v1/auth/logout', '/api/v1/me']) {
      expect(paths[p], p).toBeDefined();
    }
    expect(paths['/api/v1/admin/supplier-applications/{id}/approve']?.post).toBeDefined();
    for (const [path, ops] of Object.entries(paths)) {
      if (!path.startsWith('/api/')) continue;
      for (const [method, op] of Object.entries(ops)) {
        expect(op.tags?.length, `${method} ${path} tags`).toBeGreaterThan(0);
        expect(op.responses['400'], `${method} ${path} 400`).toBeDefined();
      }
    }
    // every $ref points at a schema that is really there
    const refs = [...JSON.stringify(res.body).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]);
    expect(refs.length).toBeGreaterThan(0);
    for (const name of new Set(refs)) expect(res.body.components.schemas[name!], name).toBeDefined();
    const docs = await call(t.app, 'GET', '/docs/');
    expect([200, 302]).toContain(docs.status);
  });

  it('OpenAPI: a unique operationId, security from the auth guard and a description for every response', async () => {
    const doc = (await call(t.app, 'GET', '/openapi.json')).body;
    type Op = {
      operationId?: string;
      security?: Record<string, string[]>[];
      'x-roles'?: string[];
      responses: Record<string, { description: string }>;
    };
    const ops: [string, string, Op][] = Object.entries(doc.paths as Record<string, Record<string, Op>>).flatMap(
      ([path, byMethod]) => Object.entries(byMethod).map(([method, op]): [string, string, Op] => [path, method, op]),
    );
    const ids = ops.map(([, , op]) => op.operationId);
    expect(ids.every((id) => typeof id === 'string' && /^[a-z][A-Za-z0-9]+$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ops.length);
    for (const [path, method, op] of ops) {
      for (const [status, r] of Object.entries(op.responses)) {
        expect(r.description, `${method} ${path} ${status}`).not.toBe('Default Response');
      }
      if (path.startsWith('/api/')) expect(op.security, `${method} ${path}`).toBeDefined();
    }
    const byId = new Map(ops.map(([, , op]) => [op.operationId, op]));
    expect(byId.get('postAuthLogin')?.security).toEqual([]);
    expect(byId.get('getMe')?.security).toEqual([{ bearer: [] }, { cookie: [] }]);
    expect(byId.get('getAdminOrdersExport')?.['x-roles']).toEqual(['operator', 'admin']);
    expect(byId.get('getAdminOrdersById')?.responses['404']?.description).toBe('Not Found: Error');
    expect(byId.get('postWalletTopUps')?.responses['201']?.description).toBe('Created: TopUp');
    // the error code is the contracts' closed list; list totals are integers
    expect(doc.components.schemas.Error.properties.error.properties.code.enum).toEqual([...ERROR_CODES]);
    const orders = doc.paths['/api/v1/admin/orders'].get.responses['200'];
    expect(orders.description).toBe('OK: OrdersPage');
    expect(orders.content['application/json'].schema.$ref).toBe('#/components/schemas/OrdersPage');
    expect(doc.components.schemas.OrdersPage.properties.total.type).toBe('integer');
  });

  it('sends security headers and a request id on every answer', async () => {
    const res = await call(t.app, 'GET', '/healthz');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBeDefined();
    expect(res.headers['x-request-id']).toMatch(/^[A-Za-z0-9_-]{16}$/);
  });

  it('answers unknown API routes with a JSON 404', async () => {
    const res = await call(t.app, 'GET', '/api/v1/nothing-here');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: { code: 'NOT_FOUND', message: expect.any(String), details: null } });
  });

  it('a 5xx hides internals and carries the request id', async () => {
    const t2 = await createTestApp();
    try {
      const { token } = await registerAndLogin(t2.app);
      await t2.db.database.close();
      const res = await call(t2.app, 'GET', '/api/v1/me', { token });
      expect(res.status).toBe(500);
      expect(res.body.error.code).toBe('INTERNAL');
      expect(res.body.error.details.requestId).toBe(res.headers['x-request-id']);
      expect(JSON.stringify(res.body)).not.toMatch(/sqlite|postgres|stack|at /i);
    } finally {
      await t2.close();
    }
  });

  it.skipIf(!existsSync(DEFAULT_WEB_DIST))('serves the web app at / and deep links fall back to it', async () => {
    const home = await call(t.app, 'GET', '/');
    expect(home.status).toBe(200);
    expect(String(home.headers['content-type'])).toContain('text/html');
    expect(home.body).toContain('<div id="root">');
    const deep = await call(t.app, 'GET', '/cart');
    expect(deep.status).toBe(200);
    expect(deep.body).toContain('<div id="root">');
    // a page of something that does not exist is the app's "not found", with the status to match
    const missing = await call(t.app, 'GET', '/products/prd_123');
    expect(missing.status).toBe(404);
    expect(missing.body).toContain('<div id="root">');
  });
});

describe(`rate limits (${dialectName})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { RATE_LIMIT_PER_MINUTE: '100' } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('with RATE_LIMIT_PER_MINUTE=100 the 101st request from one IP in a minute gets 429 with Retry-After', async () => {
    const ip = '203.0.113.7';
    for (let i = 0; i < 100; i++) {
      const res = await call(t.app, 'GET', '/api/v1/me', { ip });
      expect(res.status).toBe(401);
    }
    const over = await call(t.app, 'GET', '/api/v1/me', { ip });
    expect(over.status).toBe(429);
    expect(over.body.error.code).toBe('RATE_LIMITED');
    expect(Number(over.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // another address is not affected
    expect((await call(t.app, 'GET', '/api/v1/me', { ip: '203.0.113.8' })).status).toBe(401);
  });

  it('payment notifications are not held to the per-IP ceiling: a gateway sends every shop’s from a few addresses', async () => {
    const ip = '203.0.113.10';
    for (let i = 0; i < 100; i++) expect((await call(t.app, 'GET', '/api/v1/me', { ip })).status).toBe(401);
    expect((await call(t.app, 'GET', '/api/v1/me', { ip })).status).toBe(429);
    // the gateway's address is over the API ceiling, yet its notifications are still read (and refused, unsigned)
    const notify = await call(t.app, 'POST', '/api/v1/payments/notify/epay', {
      ip,
      raw: 'pid=1&trade_no=2',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(notify.status).toBe(400);
    expect(notify.body).toBe('fail');
  });

  it('login has a tighter per-IP limit', async () => {
    const ip = '203.0.113.9';
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) {
      const res = await call(t.app, 'POST', '/api/v1/auth/login', {
        ip,
        body: { login: `nobody${i}@example.cn`, password: 'whatever-1234' },
      });
      statuses.push(res.status);
    }
    expect(statuses.slice(0, 20).every((s) => s === 401)).toBe(true);
    expect(statuses[20]).toBe(429);
  });

  it('RATE_LIMIT_PER_MINUTE=0 turns every limit off', async () => {
    const t0 = await createTestApp({ env: { RATE_LIMIT_PER_MINUTE: '0' } });
    try {
      for (let i = 0; i < 150; i++) {
        const res = await call(t0.app, 'GET', '/api/v1/me', { ip: '203.0.113.10' });
        expect(res.status).toBe(401);
      }
    } finally {
      await t0.close();
    }
  });

  it('ignores X-Forwarded-For unless TRUST_PROXY names the proxy', async () => {
    const ip = '203.0.113.11';
    for (let i = 0; i < 100; i++) {
      await call(t.app, 'GET', '/api/v1/me', { ip, headers: { 'x-forwarded-for': `198.51.100.${i}` } });
    }
    const over = await call(t.app, 'GET', '/api/v1/me', { ip, headers: { 'x-forwarded-for': '198.51.100.200' } });
    expect(over.status).toBe(429);

    const proxied = await createTestApp({ env: { RATE_LIMIT_PER_MINUTE: '100', TRUST_PROXY: '203.0.113.12' } });
    try {
      for (let i = 0; i < 120; i++) {
        const res = await call(proxied.app, 'GET', '/api/v1/me', {
          ip: '203.0.113.12',
          headers: { 'x-forwarded-for': `198.51.100.${i}` },
        });
        expect(res.status).toBe(401);
      }
    } finally {
      await proxied.close();
    }
  });
});
