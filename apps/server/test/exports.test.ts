import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, registerAndLogin, staffUser } from './support/client.ts';
import { postEntry } from '../src/modules/ledger/ledger.service.ts';
import { createTestApp, dialectName, ManualClock, type TestApp } from './support/harness.ts';
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
  const clock = new ManualClock(Date.now());
  let t: TestApp;
  let shop: Shop;
  let buyerId: string;
  let other: Shop;
  const paidOrders: string[] = [];
  let pendingOrder: string;

  beforeAll(async () => {
    t = await createTestApp({ clock, env: { KAMENG_SANDBOX: 'on' } });
    shop = await openShop(t, { keyCount: 10, priceCents: 1234 });
    other = await openShop(t, { keyCount: 3, priceCents: 500 });
    const buyer = await registerAndLogin(t.app);
    buyerId = buyer.userId;
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

  const csvRows = (bytes: Buffer) => parseCsv(bytes.toString('utf8').slice(1));
  const column = (rows: string[][], header: string) => {
    const i = rows[0]!.indexOf(header);
    expect(i, header).toBeGreaterThanOrEqual(0);
    return rows.slice(1).map((r) => r[i]);
  };

  it('card keys: unsold only, masked; in full only after a fresh password check, and audited', async () => {
    const url = `/api/v1/supplier/products/${shop.productId}/card-keys/export`;
    const masked = await download(t, `${url}?format=csv`, shop.supplier.token);
    expect(masked.status).toBe(200);
    const rows = csvRows(masked.bytes);
    const available = await t.deps.db
      .selectFrom('card_keys')
      .select(['id', 'masked'])
      .where('product_id', '=', shop.productId)
      .where('status', '=', 'available')
      .execute();
    expect(available.length).toBe(3);
    expect(column(rows, '编号 Key id').sort()).toEqual(available.map((k) => k.id).sort());
    for (const key of shop.keys) expect(masked.bytes.toString('utf8')).not.toContain(key);

    const revealed = await download(t, `${url}?format=xlsx&reveal=true`, shop.supplier.token);
    expect(revealed.status).toBe(200);
    const sheet = await readXlsx(revealed.bytes);
    const secrets = sheet.slice(1).map((r) => r[0] as string);
    expect(secrets).toHaveLength(3);
    for (const s of secrets) expect(shop.keys).toContain(s);
    const audit = await t.deps.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'card_keys.export_reveal')
      .where('object_id', '=', shop.productId)
      .execute();
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]!.details!)).toMatchObject({ status: 'available', keys: 3 });

    // sold keys are the buyers'; another supplier's product is not found; a stale session must confirm again
    expect((await download(t, `${url}?status=sold`, shop.supplier.token)).status).toBe(400);
    expect((await download(t, url, other.supplier.token)).status).toBe(404);
    clock.advance(11 * 60_000);
    const stale = await download(t, `${url}?reveal=true`, shop.supplier.token);
    expect(stale.status).toBe(403);
    expect(stale.json().error.code).toBe('REAUTH_REQUIRED');
    expect((await download(t, url, shop.supplier.token)).status).toBe(200);
  });

  it('ledger postings: one account’s, the whole book’s, a supplier’s own', async () => {
    const wallet = await download(
      t,
      `/api/v1/admin/ledger/postings/export?accountId=wallet:${buyerId}&format=csv`,
      shop.admin,
    );
    expect(wallet.status).toBe(200);
    const rows = csvRows(wallet.bytes);
    // a wallet payment is one posting to the supplier's share and one to the commission: the sum tells
    const amounts = column(rows, '金额(元) Amount (CNY)');
    expect(amounts).toContain('200.00');
    const fen = (vs: (string | undefined)[]) => vs.reduce((n, v) => n + Math.round(Number(v) * 100), 0);
    expect(fen(amounts)).toBe(20_000 - 1234 * 6 - 500);
    const book = csvRows((await download(t, '/api/v1/admin/ledger/postings/export?kind=sale_hold', shop.admin)).bytes);
    expect(fen(column(book, '金额(元) Amount (CNY)'))).toBe(0);
    expect(book.length).toBeGreaterThan(1);
    const mine = csvRows((await download(t, '/api/v1/supplier/postings/export', other.supplier.token)).bytes);
    expect(new Set(column(mine, '账户 Account'))).toEqual(new Set([`supplier_held:${other.supplier.userId}`]));
    expect((await download(t, '/api/v1/admin/ledger/postings/export', other.supplier.token)).status).toBe(403);
  });

  it('withdrawals: operators see every one, a supplier his own, payout accounts masked', async () => {
    const s = other.supplier;
    const funded = await t.deps.db.transaction().execute((tx) =>
      postEntry(tx, t.deps, {
        id: `test-fund:${s.userId}`,
        kind: 'test_funding',
        transfers: [{ from: 'clearing:test', to: `supplier_available:${s.userId}`, amountCents: 10_000 }],
      }),
    );
    expect(funded.status).toBe('posted');
    await call(t.app, 'POST', '/api/v1/auth/reauth', {
      token: s.token,
      body: { password: 'Hunter-2-Kameng!', totp: s.factor.next() },
    });
    const account = await call(t.app, 'POST', '/api/v1/supplier/payout-accounts', {
      token: s.token,
      body: { kind: 'bank', holderName: '王五', bankName: '招商银行', account: '6225 8801 2345 6789' },
    });
    expect(account.status).toBe(201);
    const w = await call(t.app, 'POST', '/api/v1/supplier/withdrawals', {
      token: s.token,
      body: { amountCents: 4321, payoutAccountId: account.body.id },
    });
    expect(w.status).toBe(201);
    for (const [url, token] of [
      ['/api/v1/admin/withdrawals/export?status=pending', shop.admin],
      ['/api/v1/supplier/withdrawals/export', s.token],
    ] as const) {
      const res = await download(t, url, token);
      expect(res.status).toBe(200);
      const rows = csvRows(res.bytes);
      expect(column(rows, '提现单号 Withdrawal')).toEqual([w.body.id]);
      expect(column(rows, '金额(元) Amount (CNY)')).toEqual(['43.21']);
      expect(column(rows, '收款账号 Account')).toEqual(['****6789']);
      expect(res.bytes.toString('utf8')).not.toContain('6225');
    }
    const theirs = csvRows((await download(t, '/api/v1/supplier/withdrawals/export', shop.supplier.token)).bytes);
    expect(theirs).toHaveLength(1);
    expect((await download(t, '/api/v1/admin/withdrawals/export', s.token)).status).toBe(403);
  });

  it('reconciliation reports: one row per difference, a clean day one row', async () => {
    const report = (id: string, day: string, differences: unknown[]) => ({
      id,
      provider: 'alipay',
      day,
      matched: 7,
      missing_ours: differences.length,
      missing_theirs: 0,
      amount_mismatches: 0,
      repaired: 0,
      differences: JSON.stringify(differences),
      created_by: null,
      created_at: clock.now(),
    });
    const difference = {
      kind: 'missing_ours',
      paymentId: 'pay_x',
      refundId: null,
      tradeNo: '2026120322001',
      oursCents: null,
      theirsCents: 990,
      repaired: false,
      note: '渠道有，我方无',
    };
    await t.deps.db
      .insertInto('reconciliation_reports')
      .values([
        report('rec_a', '2026-12-01', []),
        report('rec_b', '2026-12-02', [difference, { ...difference, paymentId: 'pay_y' }]),
      ])
      .execute();
    const all = csvRows((await download(t, '/api/v1/admin/reconciliation/reports/export', shop.admin)).bytes);
    expect(column(all, '差异 Difference').sort()).toEqual(['missing_ours', 'missing_ours', 'none']);
    const day = await download(t, '/api/v1/admin/reconciliation/reports/export?day=2026-12-02&format=xlsx', shop.admin);
    const sheet = await readXlsx(day.bytes);
    expect(sheet.slice(1).map((r) => r[6])).toEqual(['pay_x', 'pay_y']);
    expect(sheet[1]![10]).toBe(9.9);
    expect((await download(t, '/api/v1/admin/reconciliation/reports/export', other.supplier.token)).status).toBe(403);
  });

  it('a script looping on an export is held back (20 a minute per person)', async () => {
    const operator = await staffUser(t, shop.admin, ['operator']);
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) {
      statuses.push((await download(t, '/api/v1/admin/reconciliation/reports/export', operator.token)).status);
    }
    expect(statuses.slice(0, 20).every((s) => s === 200)).toBe(true);
    expect(statuses[20]).toBe(429);
  });

  it('reads every page: 2,500 orders, some sharing a millisecond, each exactly once, newest first', async () => {
    const supplierId = 'usr_export_pages';
    const at = clock.now() - 86_400_000;
    const orders = Array.from({ length: 2500 }, (_, i) => ({
      id: `ord_page_${String(i).padStart(5, '0')}`,
      buyer_id: null,
      guest_email: 'pages@example.cn',
      guest_lookup_hash: null,
      supplier_id: supplierId,
      status: 'cancelled' as const,
      amount_cents: 100 + i,
      payment_method: 'sandbox',
      recipient_account: null,
      idempotency_key: null,
      request_hash: null,
      reserved_until: at,
      paid_at: null,
      delivered_at: null,
      completed_at: null,
      closed_at: at,
      needs_attention: 0,
      window_extension_ms: 0,
      device_hash: null,
      // three orders a millisecond: the page boundary falls inside a tie
      created_at: at + Math.floor((i + 1) / 3),
      updated_at: at,
    }));
    for (let i = 0; i < orders.length; i += 500) {
      await t.deps.db
        .insertInto('orders')
        .values(orders.slice(i, i + 500))
        .execute();
    }
    const res = await download(t, '/api/v1/admin/orders/export?status=cancelled&q=pages@example.cn', shop.admin);
    const ids = column(csvRows(res.bytes), '订单号 Order');
    expect(ids).toHaveLength(2500);
    expect(new Set(ids).size).toBe(2500);
    expect(ids).toEqual(orders.map((o) => o.id).reverse());
  });
});
