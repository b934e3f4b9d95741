import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importStep } from '../src/modules/vault/vault.import-steps.ts';
import { runImport, sweepOrphanUploads } from '../src/modules/vault/vault.service.ts';
import { call, registerAndLogin } from './support/client.ts';
import { createTestApp, dialectName, type TestApp } from './support/harness.ts';
import { drainJobs } from './support/jobs.ts';
import { openShop, type Shop, topUp } from './support/trade.ts';

function multipart(boundary: string, fields: { name: string; filename?: string; content: string }[]): string {
  const parts = fields.map(
    (f) =>
      `--${boundary}\r\nContent-Disposition: form-data; name="${f.name}"${f.filename ? `; filename="${f.filename}"` : ''}\r\n` +
      `Content-Type: ${f.filename ? 'text/plain' : 'text/plain; charset=utf-8'}\r\n\r\n${f.content}\r\n`,
  );
  return `${parts.join('')}--${boundary}--\r\n`;
}

async function importText(t: TestApp, shop: Shop, body: string, contentType = 'text/plain; charset=utf-8') {
  return call(t.app, 'POST', `/api/v1/supplier/products/${shop.productId}/card-keys`, {
    token: shop.supplier.token,
    raw: body,
    headers: { 'content-type': contentType },
  });
}

async function importOf(t: TestApp, shop: Shop, jobId: string) {
  return call(t.app, 'GET', `/api/v1/supplier/imports/${jobId}`, { token: shop.supplier.token });
}

async function keyCount(t: TestApp, shop: Shop, status = 'available'): Promise<number> {
  const r = await call(
    t.app,
    'GET',
    `/api/v1/supplier/products/${shop.productId}/card-keys?status=${status}&pageSize=1`,
    {
      token: shop.supplier.token,
    },
  );
  expect(r.status).toBe(200);
  return r.body.total;
}

const SYNC_LINES = 10_000;
const bigFile = (n: number, tag: string) =>
  Array.from({ length: n }, (_, i) => `${tag}-${String(i).padStart(7, '0')},PW${i}`).join('\r\n');

describe(`card-key imports (${dialectName})`, () => {
  let t: TestApp;
  let shop: Shop;
  beforeAll(async () => {
    t = await createTestApp({ env: { KAMENG_SANDBOX: 'on' } });
    shop = await openShop(t, { keyCount: 3 });
  });
  afterAll(async () => {
    await t.close();
  });

  it('imports a small text body at once: pairs, CRLF, blanks, duplicates and bad lines counted', async () => {
    const body = [
      'AAA-1,pw1',
      'AAA-2，pw2',
      '',
      '  AAA-3\tpw3  ',
      'AAA-1 pw1',
      'bad\u0007line',
      'x'.repeat(600),
      shop.keys[0],
    ].join('\r\n');
    const r = await importText(t, shop, body);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ imported: 3, duplicates: 2, rejected: 2 });
    expect(await keyCount(t, shop)).toBe(6);
    // the list shows keys masked, never in full
    const list = await call(t.app, 'GET', `/api/v1/supplier/products/${shop.productId}/card-keys`, {
      token: shop.supplier.token,
    });
    expect(JSON.stringify(list.body)).not.toContain('AAA-1 pw1');
  });

  it('imports a multipart file upload and ignores the other fields', async () => {
    const boundary = '----kameng7e3';
    const body = multipart(boundary, [
      { name: 'note', content: 'NOT-A-KEY-FIELD' },
      { name: 'file', filename: 'keys.txt', content: 'FILE-1\nFILE-2\nFILE-2\n' },
    ]);
    const r = await importText(t, shop, body, `multipart/form-data; boundary=${boundary}`);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ imported: 2, duplicates: 1, rejected: 0 });
  });

  it('refuses malformed uploads with a clear 4xx and writes nothing', async () => {
    const before = await keyCount(t, shop);
    const noFile = multipart('b1', [{ name: 'note', content: 'x' }]);
    const r1 = await importText(t, shop, noFile, 'multipart/form-data; boundary=b1');
    expect(r1.status).toBe(400);
    expect(r1.body.error.code).toBe('BAD_REQUEST');
    const cut = await importText(
      t,
      shop,
      '--b2\r\nContent-Disposition: form-data; name="file"; filename="k"\r\n\r\nK-1',
      'multipart/form-data; boundary=b2',
    );
    expect(cut.status).toBe(400);
    const noBoundary = await importText(t, shop, 'x', 'multipart/form-data');
    expect(noBoundary.status).toBe(400);
    const wrongType = await importText(t, shop, 'K-1', 'application/octet-stream');
    expect(wrongType.status).toBe(415);
    const empty = await call(t.app, 'POST', `/api/v1/supplier/products/${shop.productId}/card-keys`, {
      token: shop.supplier.token,
      body: { keys: [] },
    });
    expect(empty.status).toBe(400);
    expect(await keyCount(t, shop)).toBe(before);
  });

  it('hides other suppliers’ products and imports, and refuses buyers', async () => {
    const other = await openShop(t, { keyCount: 1 });
    const r = await call(t.app, 'POST', `/api/v1/supplier/products/${shop.productId}/card-keys`, {
      token: other.supplier.token,
      raw: 'STEAL-1',
      headers: { 'content-type': 'text/plain' },
    });
    expect(r.status).toBe(404);
    const buyer = await registerAndLogin(t.app);
    const b = await call(t.app, 'POST', `/api/v1/supplier/products/${shop.productId}/card-keys`, {
      token: buyer.token,
      body: { keys: ['X-1'] },
    });
    expect(b.status).toBe(403);
  });

  it('queues a large upload as a job with progress, then imports it exactly once', async () => {
    const n = 25_000;
    const file = `${bigFile(n, 'BIG')}\r\nBIG-0000007,PW7\r\n${shop.keys[1]}\r\n`;
    const r = await importText(t, shop, file);
    expect(r.status).toBe(202);
    expect(r.body).toEqual({ jobId: expect.stringMatching(/^imp_/), status: 'queued', total: n + 2 });
    const queued = await importOf(t, shop, r.body.jobId);
    expect(queued.body).toMatchObject({ status: 'queued', processed: 0, imported: 0, total: n + 2 });
    const before = await keyCount(t, shop);
    await drainJobs(t);
    const done = await importOf(t, shop, r.body.jobId);
    expect(done.body).toMatchObject({ status: 'done', processed: n + 2, imported: n, duplicates: 2, rejected: 0 });
    expect(await keyCount(t, shop)).toBe(before + n);
    // the staged upload is gone once imported
    const chunks = await t.deps.db
      .selectFrom('import_upload_chunks')
      .select('seq')
      .where('import_id', '=', r.body.jobId)
      .execute();
    expect(chunks).toHaveLength(0);
    const other = await openShop(t, { keyCount: 1 });
    expect((await importOf(t, other, r.body.jobId)).status).toBe(404);
  });

  it('resumes an interrupted import after its last committed step, and two workers never import twice', async () => {
    const n = 25_000;
    const r = await importText(t, shop, bigFile(n, 'RES'));
    expect(r.status).toBe(202);
    const jobId: string = r.body.jobId;
    // a worker told to stop after two steps (as on shutdown) leaves the import part-way
    let checks = 0;
    const stopping = {
      get aborted() {
        return ++checks > 2;
      },
    } as AbortSignal;
    const err = await runImport(t.deps, jobId, { jobId: 'j1', attempt: 1, signal: stopping }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    const mid = await importOf(t, shop, jobId);
    expect(mid.body.status).toBe('running');
    const two = 2 * importStep(t.deps.dialect);
    expect(two).toBeLessThan(n);
    expect(mid.body).toMatchObject({ processed: two, imported: two });
    // two workers take it over at once (a lease ran out): the result is still exact
    const ctx = (id: string) => ({ jobId: id, attempt: 2, signal: new AbortController().signal });
    await Promise.all([runImport(t.deps, jobId, ctx('j2')), runImport(t.deps, jobId, ctx('j3'))]);
    const done = await importOf(t, shop, jobId);
    expect(done.body).toMatchObject({ status: 'done', processed: n, imported: n, duplicates: 0 });
    const stored = await t.deps.db
      .selectFrom('card_keys')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where(
        'batch_id',
        '=',
        (await t.deps.db.selectFrom('import_jobs').select('batch_id').where('id', '=', jobId).executeTakeFirstOrThrow())
          .batch_id,
      )
      .executeTakeFirstOrThrow();
    expect(Number(stored.n)).toBe(n);
  });

  it('generates unique one-time codes of the chosen format and sells them', async () => {
    const gen = await openShop(t, { keyCount: 1 });
    const weak = await call(t.app, 'POST', `/api/v1/supplier/products/${gen.productId}/card-keys/generate`, {
      token: gen.supplier.token,
      body: { count: 10, format: { length: 8, alphabet: 'digits' } },
    });
    expect(weak.status).toBe(422);
    const r = await call(t.app, 'POST', `/api/v1/supplier/products/${gen.productId}/card-keys/generate`, {
      token: gen.supplier.token,
      body: { count: 3000, format: { prefix: 'VIP-', length: 16, alphabet: 'upper', groupSize: 4 } },
    });
    expect(r.status).toBe(202);
    await drainJobs(t);
    const done = await importOf(t, gen, r.body.jobId);
    expect(done.body).toMatchObject({ status: 'done', kind: 'generate', imported: 3000, total: 3000 });
    expect(await keyCount(t, gen)).toBe(3001);

    const buyer = await registerAndLogin(t.app);
    await topUp(t, buyer.token, 100_000);
    const order = await call(t.app, 'POST', '/api/v1/orders', {
      token: buyer.token,
      body: { items: [{ productId: gen.productId, quantity: 2 }], paymentMethod: 'balance' },
    });
    expect(order.status).toBe(201);
    await drainJobs(t);
    const got = await call(t.app, 'GET', `/api/v1/orders/${order.body.id}`, { token: buyer.token });
    expect(got.body.cardKeys).toHaveLength(2);
    // the openShop key is the oldest and goes first; the next is a generated code
    expect(got.body.cardKeys[1]).toMatch(/^VIP-[A-Z]{4}-[A-Z]{4}-[A-Z]{4}-[A-Z]{4}$/);
  });

  it('tells the supplier once when stock falls to the threshold, and again after a restock', async () => {
    const low = await openShop(t, { keyCount: 4 });
    const patched = await call(t.app, 'PATCH', `/api/v1/supplier/products/${low.productId}`, {
      token: low.supplier.token,
      body: { lowStockThreshold: 2 },
    });
    expect(patched.status).toBe(200);
    const buyer = await registerAndLogin(t.app);
    await topUp(t, buyer.token, 100_000);
    const buy = async (quantity: number) => {
      const o = await call(t.app, 'POST', '/api/v1/orders', {
        token: buyer.token,
        body: { items: [{ productId: low.productId, quantity }], paymentMethod: 'balance' },
      });
      expect(o.status).toBe(201);
      await drainJobs(t);
    };
    const notices = async () =>
      (await call(t.app, 'GET', '/api/v1/notices', { token: low.supplier.token })).body as {
        total: number;
        unread: number;
        items: { id: string; kind: string; body: string; read: boolean }[];
      };
    await buy(1);
    expect((await notices()).total).toBe(0);
    await buy(1);
    const first = await notices();
    expect(first).toMatchObject({ total: 1, unread: 1, items: [{ kind: 'low_stock', read: false }] });
    expect(first.items[0]?.body).toContain('2');
    expect(t.sender.last(low.supplier.email)?.subject).toContain('Low stock');
    await buy(1);
    expect((await notices()).total).toBe(1);

    const restock = await call(t.app, 'POST', `/api/v1/supplier/products/${low.productId}/card-keys`, {
      token: low.supplier.token,
      body: { keys: ['R-1', 'R-2', 'R-3', 'R-4'] },
    });
    expect(restock.body.imported).toBe(4);
    await buy(3);
    expect((await notices()).total).toBe(2);

    const read = await call(t.app, 'POST', '/api/v1/notices/read', { token: low.supplier.token, body: {} });
    expect(read.body.updated).toBe(2);
    expect((await notices()).unread).toBe(0);
    // another user sees none of them
    expect((await call(t.app, 'GET', '/api/v1/notices', { token: buyer.token })).body.total).toBe(0);
  });

  it('sweeps staged pieces of uploads that never became an import, and keeps those of queued imports', async () => {
    const old = Date.now() - 7 * 3_600_000;
    const put = (importId: string, created: number) =>
      t.deps.db
        .insertInto('import_upload_chunks')
        .values({ import_id: importId, seq: 0, data_enc: 'v1.x', created_at: created })
        .execute();
    await put('imp_orphan_old', old);
    await put('imp_orphan_new', Date.now());
    const queued = await importText(t, shop, bigFile(SYNC_LINES + 1, 'SWP'));
    expect(queued.status).toBe(202);
    await t.deps.db
      .updateTable('import_upload_chunks')
      .set({ created_at: old })
      .where('import_id', '=', queued.body.jobId)
      .execute();
    expect(await sweepOrphanUploads(t.deps)).toBe(1);
    const left = await t.deps.db.selectFrom('import_upload_chunks').select('import_id').distinct().execute();
    expect(left.map((r) => r.import_id).sort()).toEqual(['imp_orphan_new', queued.body.jobId].sort());
    await drainJobs(t);
    expect((await importOf(t, shop, queued.body.jobId)).body).toMatchObject({
      status: 'done',
      imported: SYNC_LINES + 1,
    });
  });
});
