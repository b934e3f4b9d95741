import { existsSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPORT_TTL_MS, exportDir, expireExports, runExport } from '../src/modules/exports/exports.service.ts';
import { call, registerAndLogin, staffUser } from './support/client.ts';
import { createTestApp, dialectName, ManualClock, type TestApp } from './support/harness.ts';
import { drainJobs } from './support/jobs.ts';
import { openShop, type Shop, topUp } from './support/trade.ts';

describe(`exports as jobs: progress, a download link for the requester only, expiry (${dialectName})`, () => {
  const clock = new ManualClock(Date.now());
  let t: TestApp;
  let shop: Shop;
  let buyer: { token: string; userId: string };
  const delivered: string[] = [];
  let pending: string;

  const download = async (id: string, token?: string) => {
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/v1/exports/${id}/download`,
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
    return { status: res.statusCode, headers: res.headers, bytes: res.rawPayload, json: () => res.json() };
  };

  beforeAll(async () => {
    t = await createTestApp({ clock, env: { KAMENG_SANDBOX: 'on' } });
    shop = await openShop(t, { keyCount: 10, priceCents: 800 });
    buyer = await registerAndLogin(t.app);
    await topUp(t, buyer.token, 10_000);
    for (let i = 0; i < 5; i++) {
      const o = await call(t.app, 'POST', '/api/v1/orders', {
        token: buyer.token,
        body: { items: [{ productId: shop.productId, quantity: 1 }], paymentMethod: 'balance' },
      });
      expect(o.status).toBe(201);
      delivered.push(o.body.id);
    }
    const p = await call(t.app, 'POST', '/api/v1/orders', {
      token: buyer.token,
      body: { items: [{ productId: shop.productId, quantity: 1 }], paymentMethod: 'sandbox' },
    });
    pending = p.body.id;
    await drainJobs(t);
  });
  afterAll(() => t.close());

  it('runs as a job: queued, then running with progress, then done with a CSV of the filtered orders', async () => {
    const started = await call(t.app, 'POST', '/api/v1/admin/orders/export-jobs', {
      token: shop.admin,
      body: { format: 'csv', status: 'delivered' },
    });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ kind: 'orders', format: 'csv', status: 'queued', rowsDone: 0 });
    expect(started.body.downloadUrl).toBeNull();
    const id = started.body.id as string;
    expect((await download(id, shop.admin)).status).toBe(404);

    // the requester follows it while it runs: the API shows the rows written so far out of the total
    const seen: unknown[] = [];
    await runExport(t.deps, id, {
      every: 2,
      onProgress: async () => {
        seen.push((await call(t.app, 'GET', `/api/v1/exports/${id}`, { token: shop.admin })).body);
      },
    });
    expect(seen[0]).toMatchObject({ status: 'running', rowsDone: 2, rowsTotal: 5, downloadUrl: null });
    expect(seen[1]).toMatchObject({ status: 'running', rowsDone: 4, rowsTotal: 5 });

    const done = await call(t.app, 'GET', `/api/v1/exports/${id}`, { token: shop.admin });
    expect(done.body).toMatchObject({ status: 'done', rowsDone: 5, rowsTotal: 5 });
    expect(done.body.downloadUrl).toBe(`/api/v1/exports/${id}/download`);
    expect(done.body.expiresAt).toBe(clock.now() + EXPORT_TTL_MS);
    const file = await download(id, shop.admin);
    expect(file.status).toBe(200);
    expect(file.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(file.headers['content-disposition']).toMatch(/^attachment; filename="orders-\d{4}-\d{2}-\d{2}\.csv"$/);
    expect(done.body.fileBytes).toBe(file.bytes.length);
    expect([...file.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = file.bytes.toString('utf8').slice(1).trim().split('\r\n');
    expect(lines[0]).toContain('订单号 Order');
    expect(
      lines
        .slice(1)
        .map((l) => l.split(',')[0])
        .sort(),
    ).toEqual([...delivered].sort());
    expect(file.bytes.toString('utf8')).not.toContain(pending);

    // the job delivered again (a retry, a second worker) does not run a finished export twice
    await runExport(t.deps, id);
    expect((await call(t.app, 'GET', `/api/v1/exports/${id}`, { token: shop.admin })).body).toEqual(done.body);
    // and it is in the requester's list
    const mine = await call(t.app, 'GET', '/api/v1/exports', { token: shop.admin });
    expect(mine.body.items.map((j: { id: string }) => j.id)).toContain(id);
  });

  it('as .xlsx through the workers: a real workbook with the same rows', async () => {
    const started = await call(t.app, 'POST', '/api/v1/admin/orders/export-jobs', {
      token: shop.admin,
      body: { format: 'xlsx', status: 'delivered' },
    });
    expect(started.status).toBe(202);
    await drainJobs(t);
    const file = await download(started.body.id, shop.admin);
    expect(file.status).toBe(200);
    expect(file.bytes.subarray(0, 2).toString()).toBe('PK');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(file.bytes as unknown as ArrayBuffer);
    const ids: string[] = [];
    book.worksheets[0]?.eachRow((r, n) => {
      if (n > 1) ids.push(String((r.values as unknown[])[1]));
    });
    expect(ids.sort()).toEqual([...delivered].sort());
  });

  it('only its requester sees or fetches it; buyers cannot start one; no field beyond the filters is taken', async () => {
    const started = await call(t.app, 'POST', '/api/v1/admin/orders/export-jobs', {
      token: shop.admin,
      body: { format: 'csv' },
    });
    await drainJobs(t);
    const id = started.body.id as string;
    const operator = await staffUser(t, shop.admin, ['operator']);
    // another operator: as if it did not exist
    expect((await call(t.app, 'GET', `/api/v1/exports/${id}`, { token: operator.token })).status).toBe(404);
    const other = await download(id, operator.token);
    expect(other.status).toBe(404);
    expect(other.json().error.code).toBe('NOT_FOUND');
    expect((await call(t.app, 'GET', '/api/v1/exports', { token: operator.token })).body.items).toEqual([]);
    expect((await download(id, buyer.token)).status).toBe(404);
    expect((await download(id)).status).toBe(401);
    // a buyer (or a supplier) may not export the platform's orders
    const asBuyer = await call(t.app, 'POST', '/api/v1/admin/orders/export-jobs', {
      token: buyer.token,
      body: { format: 'csv' },
    });
    expect(asBuyer.status).toBe(403);
    // mass assignment: the requester, status and progress are the server's
    for (const extra of [{ requesterId: buyer.userId }, { rowsDone: 9 }, { id: 'exp_mine' }, { kind: 'ledger' }]) {
      const r = await call(t.app, 'POST', '/api/v1/admin/orders/export-jobs', {
        token: shop.admin,
        body: { format: 'csv', ...extra },
      });
      expect(r.status).toBe(400);
    }
    expect((await call(t.app, 'GET', '/api/v1/exports/exp_nothing', { token: shop.admin })).status).toBe(404);
  });

  it('expires: after a day the link answers 404 and the file is deleted', async () => {
    const started = await call(t.app, 'POST', '/api/v1/admin/orders/export-jobs', {
      token: shop.admin,
      body: { format: 'csv' },
    });
    await drainJobs(t);
    const id = started.body.id as string;
    const path = join(exportDir(t.deps), `${id}.csv`);
    expect(existsSync(path)).toBe(true);
    clock.advance(EXPORT_TTL_MS + 1);
    const view = await call(t.app, 'GET', `/api/v1/exports/${id}`, { token: shop.admin });
    expect(view.body).toMatchObject({ status: 'expired', downloadUrl: null });
    expect((await download(id, shop.admin)).status).toBe(404);
    expect(await expireExports(t.deps)).toBeGreaterThanOrEqual(1);
    expect(existsSync(path)).toBe(false);
    expect((await download(id, shop.admin)).json().error.message).toMatch(/expired/);
  });
});
