import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, registerAndLogin, staffUser } from './support/client.ts';
import { createTestApp, dialectName, type TestApp } from './support/harness.ts';
import { drainJobs } from './support/jobs.ts';
import { expectBalanced, openShop, type Shop, topUp } from './support/trade.ts';

/** A download: its status, headers and bytes. */
async function download(t: TestApp, url: string, token?: string) {
  const res = await t.app.inject({
    method: 'GET',
    url,
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  return { status: res.statusCode, headers: res.headers, bytes: res.rawPayload, json: () => res.json() };
}

/** RFC 4180 CSV, as a spreadsheet reads it. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += ch;
  }
  if (cell || row.length) rows.push([...row, cell]);
  return rows;
}

export async function readXlsx(bytes: Buffer): Promise<unknown[][]> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(bytes as unknown as ArrayBuffer);
  const sheet = book.worksheets[0]!;
  const out: unknown[][] = [];
  sheet.eachRow((r) => {
    out.push((r.values as unknown[]).slice(1));
  });
  return out;
}

describe(`exports (${dialectName})`, () => {
  let t: TestApp;
  let shop: Shop;
  let other: Shop;
  const paidOrders: string[] = [];
  let pendingOrder: string;

  beforeAll(async () => {
    t = await createTestApp({ env: { KAMENG_SANDBOX: 'on' } });
    shop = await openShop(t, { keyCount: 10, priceCents: 1234 });
    other = await openShop(t, { keyCount: 3, priceCents: 500 });
    const buyer = await registerAndLogin(t.app);
    await topUp(t, buyer.token, 20_000);
    for (const quantity of [1, 2, 3]) {
      const o = await call(t.app, 'POST', '/api/v1/orders', {
        token: buyer.token,
        body: { items: [{ productId: shop.productId, quantity }], paymentMethod: 'balance' },
      });
      expect(o.status).toBe(201);
      paidOrders.push(o.body.id);
    }
    const pending = await call(t.app, 'POST', '/api/v1/orders', {
      token: buyer.token,
      body: { items: [{ productId: shop.productId, quantity: 1 }], paymentMethod: 'sandbox' },
    });
    pendingOrder = pending.body.id;
    const elsewhere = await call(t.app, 'POST', '/api/v1/orders', {
      token: buyer.token,
      body: { items: [{ productId: other.productId, quantity: 1 }], paymentMethod: 'balance' },
    });
    expect(elsewhere.status).toBe(201);
    await drainJobs(t);
  });
  afterAll(async () => {
    await expectBalanced(t, shop.admin);
    await t.close();
  });

  it('GET /admin/orders/export?format=csv: UTF-8 with a BOM, the list’s filters, the right rows', async () => {
    const res = await download(t, '/api/v1/admin/orders/export?format=csv&status=delivered', shop.admin);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="orders-\d{4}-\d{2}-\d{2}\.csv"$/);
    expect([...res.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parseCsv(res.bytes.toString('utf8').slice(1));
    expect(rows[0]).toContain('订单号 Order');
    const body = rows.slice(1);
    const id = rows[0]!.indexOf('订单号 Order');
    const amount = rows[0]!.indexOf('金额(元) Amount (CNY)');
    const items = rows[0]!.indexOf('商品 Items');
    expect(body.map((r) => r[id]).sort()).toEqual(
      [...paidOrders, ...(await deliveredOf(other.supplier.userId))].sort(),
    );
    const third = body.find((r) => r[id] === paidOrders[2])!;
    expect(third[amount]).toBe('37.02');
    expect(third[items]).toBe('腾讯Q币 10元 ×3');
    expect(body.map((r) => r[id])).not.toContain(pendingOrder);
  });

  async function deliveredOf(supplierId: string): Promise<string[]> {
    const rows = await t.deps.db
      .selectFrom('orders')
      .select('id')
      .where('supplier_id', '=', supplierId)
      .where('status', '=', 'delivered')
      .execute();
    return rows.map((r) => r.id);
  }

  it('GET /admin/orders/export?format=xlsx: a real workbook with the same rows', async () => {
    const res = await download(t, '/api/v1/admin/orders/export?format=xlsx', shop.admin);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.bytes.subarray(0, 2).toString()).toBe('PK');
    const rows = await readXlsx(res.bytes);
    const head = rows[0] as string[];
    const id = head.indexOf('订单号 Order');
    const amount = head.indexOf('金额(元) Amount (CNY)');
    const ids = rows.slice(1).map((r) => r[id]);
    expect(ids).toHaveLength(5);
    expect(ids).toEqual(expect.arrayContaining([...paidOrders, pendingOrder]));
    expect(rows.slice(1).find((r) => r[id] === paidOrders[1])![amount]).toBe(24.68);
  });

  it('a supplier exports only his own orders; a buyer and a stranger cannot export', async () => {
    const res = await download(t, '/api/v1/supplier/orders/export?format=csv', other.supplier.token);
    expect(res.status).toBe(200);
    const rows = parseCsv(res.bytes.toString('utf8').slice(1));
    expect(rows.slice(1).map((r) => r[0])).toEqual(await deliveredOf(other.supplier.userId));
    expect(rows[0]).not.toContain('买家 Buyer');
    // the operators' export is theirs alone
    expect((await download(t, '/api/v1/admin/orders/export', other.supplier.token)).status).toBe(403);
    const buyer = await registerAndLogin(t.app);
    expect((await download(t, '/api/v1/supplier/orders/export', buyer.token)).status).toBe(403);
    expect((await download(t, '/api/v1/admin/orders/export')).status).toBe(401);
    // an arbitrator is staff but not an operator
    const arbitrator = await staffUser(t, shop.admin, ['arbitrator']);
    expect((await download(t, '/api/v1/admin/orders/export', arbitrator.token)).status).toBe(403);
  });

  it('bad input is a clear 400, never a half-written file', async () => {
    const bad = await download(t, '/api/v1/admin/orders/export?format=pdf', shop.admin);
    expect(bad.status).toBe(400);
    expect(bad.json().error.code).toBe('VALIDATION_FAILED');
    const extra = await download(t, '/api/v1/supplier/orders/export?supplierId=someone-else', other.supplier.token);
    expect(extra.status).toBe(400);
  });
});
