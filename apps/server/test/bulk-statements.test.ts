import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, registerAndLogin, type Session } from './support/client.ts';
import { createTestApp, dialectName, ManualClock, type TestApp } from './support/harness.ts';
import { drainJobs } from './support/jobs.ts';
import { expectBalanced, openShop, type Shop, topUp } from './support/trade.ts';

const DAY = 86_400_000;
const CST = 8 * 3_600_000;

/**
 * 批量采购与对账 (issue #17): a quantity bought at once comes as a key file as well as on the page, and a
 * month's statement lists the buyer's wallet postings of that month with a total equal to their sum.
 */
describe(`bulk buying: key files and monthly statements (${dialectName})`, () => {
  // 2026-11-10 12:00 in China Standard Time
  const clock = new ManualClock(Date.UTC(2026, 10, 10, 4));
  let t: TestApp;
  let shop: Shop;
  let buyer: Session;

  beforeAll(async () => {
    t = await createTestApp({ clock, env: { KAMENG_SANDBOX: 'on' } });
    shop = await openShop(t, { keyCount: 40, priceCents: 1000 });
    buyer = await registerAndLogin(t.app);
    await topUp(t, buyer.token, 30_000);
  });
  afterAll(async () => {
    await t.close();
  });

  async function download(url: string, token?: string) {
    const res = await t.app.inject({
      method: 'GET',
      url,
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
    return { status: res.statusCode, headers: res.headers, bytes: res.rawPayload, text: res.body };
  }
  // the files here hold no quoted cells: a line is its cells split on commas
  const csvRows = (text: string) =>
    text
      .replace(/^\uFEFF/, '')
      .split('\r\n')
      .filter((l) => l.length > 0)
      .map((l) => l.split(','));
  const buy = async (quantity: number, token = buyer.token) => {
    const r = await call(t.app, 'POST', '/api/v1/orders', {
      token,
      body: { items: [{ productId: shop.productId, quantity }], paymentMethod: 'balance' },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.status).toBe('delivered');
    return r.body.id as string;
  };
  const audits = async (orderId: string) =>
    (
      await t.deps.db
        .selectFrom('audit_log')
        .select('id')
        .where('action', '=', 'order.keys_download')
        .where('object_id', '=', orderId)
        .execute()
    ).length;

  it('a bulk order’s keys download as txt and csv, owner only, each download recorded as a reveal and audited', async () => {
    const id = await buy(12);
    const txt = await download(`/api/v1/orders/${id}/keys/file`, buyer.token);
    expect(txt.status).toBe(200);
    expect(txt.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(txt.headers['content-disposition']).toBe(`attachment; filename="keys-${id}.txt"`);
    expect(txt.headers['cache-control']).toBe('no-store');
    const fileKeys = txt.text.split('\r\n').filter((l) => l.length > 0);
    expect(fileKeys).toHaveLength(12);
    // the reveal was recorded: the keys can no longer be returned unseen
    const reveals = await t.deps.db
      .selectFrom('card_key_reveals')
      .select('key_id')
      .where('order_id', '=', id)
      .execute();
    expect(reveals).toHaveLength(12);
    const page = await call(t.app, 'GET', `/api/v1/orders/${id}`, { token: buyer.token });
    expect([...page.body.cardKeys].sort()).toEqual([...fileKeys].sort());
    expect(fileKeys.every((k) => shop.keys.includes(k))).toBe(true);

    const csv = await download(`/api/v1/orders/${id}/keys/file?format=csv`, buyer.token);
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    const rows = csvRows(csv.text);
    expect(rows[0]).toEqual(['序号 No.', '商品 Product', '卡密 Key']);
    expect(rows.slice(1).map((r) => r[2])).toEqual(fileKeys);
    expect(rows.slice(1).map((r) => r[0])).toEqual(Array.from({ length: 12 }, (_, i) => String(i + 1)));
    expect(await audits(id)).toBe(2);

    // not his order, no session, a format it does not make, an extra parameter: nothing leaks, nothing recorded
    const stranger = await registerAndLogin(t.app);
    expect((await download(`/api/v1/orders/${id}/keys/file`, stranger.token)).status).toBe(404);
    expect((await download(`/api/v1/orders/${id}/keys/file`)).status).toBe(401);
    expect((await download(`/api/v1/orders/ord_nope/keys/file`, buyer.token)).status).toBe(404);
    expect((await download(`/api/v1/orders/${id}/keys/file?format=xlsx`, buyer.token)).status).toBe(400);
    expect((await download(`/api/v1/orders/${id}/keys/file?format=txt&buyerId=x`, buyer.token)).status).toBe(400);
    expect(await audits(id)).toBe(2);

    // an unpaid order has no keys to download
    const unpaid = await call(t.app, 'POST', '/api/v1/orders', {
      token: buyer.token,
      body: { items: [{ productId: shop.productId, quantity: 2 }], paymentMethod: 'sandbox' },
    });
    expect((await download(`/api/v1/orders/${unpaid.body.id}/keys/file`, buyer.token)).status).toBe(409);
    await call(t.app, 'POST', `/api/v1/orders/${unpaid.body.id}/cancel`, { token: buyer.token });
  });

  it('a monthly statement (csv and xlsx) lists the month’s wallet entries and totals to their sum', async () => {
    const other = await registerAndLogin(t.app);
    await topUp(t, other.token, 5000);
    await buy(2, other.token);
    await buy(3);
    const single = await buy(1);
    // next month (December in CST): a purchase that November's statement must not list
    clock.advance(25 * DAY);
    await drainJobs(t);
    const december = await buy(1);

    const month = '2026-11';
    const from = Date.UTC(2026, 10, 1) - CST;
    const to = Date.UTC(2026, 11, 1) - CST;
    const postings = await t.deps.db
      .selectFrom('postings')
      .innerJoin('journal_entries as e', 'e.id', 'postings.entry_id')
      .select(['postings.amount_cents', 'postings.entry_id'])
      .where('postings.account_id', '=', `wallet:${buyer.userId}`)
      .where('postings.created_at', '>=', from)
      .where('postings.created_at', '<', to)
      .execute();
    const sum = postings.reduce((s, p) => s + Number(p.amount_cents), 0);
    const yuan = (c: number) =>
      `${c < 0 ? '-' : ''}${Math.floor(Math.abs(c) / 100)}.${String(Math.abs(c) % 100).padStart(2, '0')}`;

    const csv = await download(`/api/v1/me/statements?month=${month}&format=csv`, buyer.token);
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).toMatch(
      /^attachment; filename="statement-2026-11-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    const rows = csvRows(csv.text);
    const [header, ...body] = rows;
    expect(header).toEqual([
      '时间 Time (CST)',
      '类型 Kind',
      '关联单号 Ref',
      '商品 Items',
      '收入(元) In (CNY)',
      '支出(元) Out (CNY)',
      '金额(元) Amount (CNY)',
      '备注 Memo',
    ]);
    const total = body.at(-1)!;
    const lines = body.slice(0, -1);
    const entries = new Set(postings.map((p) => p.entry_id));
    expect(lines).toHaveLength(entries.size);
    expect(total[1]).toBe('合计 Total');
    expect(total[6]).toBe(yuan(sum));
    // each line is one entry of the wallet; the purchases name what they bought; December's and the other buyer's are not here
    const cents = (s: string) => Math.round(Number(s) * 100);
    expect(lines.reduce((s, r) => s + cents(r[6]!), 0)).toBe(sum);
    expect(cents(total[4]!) - cents(total[5]!)).toBe(sum);
    expect(lines.map((r) => r[2])).toContain(single);
    expect(lines.map((r) => r[2])).not.toContain(december);
    expect(lines.find((r) => r[2] === single)![3]).toBe('腾讯Q币 10元 ×1');
    expect(lines.every((r) => r[0]!.startsWith('2026-11-'))).toBe(true);
    // the month's wallet change: a 30 000 top-up less 12 + 3 + 1 keys at 1000
    expect(sum).toBe(30_000 - 16_000);

    const xlsx = await download(`/api/v1/me/statements?month=${month}&format=xlsx`, buyer.token);
    expect(xlsx.status).toBe(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.bytes as unknown as ArrayBuffer);
    const sheet = book.worksheets[0]!;
    const last = sheet.getRow(sheet.rowCount);
    expect(last.getCell(2).value).toBe('合计 Total');
    expect(Math.round(Number(last.getCell(7).value) * 100)).toBe(sum);
    expect(sheet.rowCount).toBe(entries.size + 2);

    // December holds only what was bought there; a bad month or an extra field is refused
    const dec = csvRows((await download('/api/v1/me/statements?month=2026-12', buyer.token)).text);
    expect(dec.slice(1, -1).map((r) => r[2])).toEqual([december]);
    for (const q of ['month=2026-13', 'month=2026-1', 'month=2026-11&format=pdf', 'month=2026-11&userId=x']) {
      expect((await download(`/api/v1/me/statements?${q}`, buyer.token)).status, q).toBe(400);
    }
    expect((await download(`/api/v1/me/statements?month=${month}`)).status).toBe(401);
    await expectBalanced(t, shop.admin);
  });
});
