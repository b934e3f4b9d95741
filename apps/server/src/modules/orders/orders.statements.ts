/**
 * 批量采购与对账: a buyer (or an agent buying for his customers) takes an order's keys as a file, and
 * downloads a month's statement of his wallet: every entry of that month (China Standard Time) with what
 * each order bought, and a total that is the sum of those postings, so it reconciles with his wallet.
 */
import { writeAudit } from '../../platform/audit.ts';
import { CST_OFFSET_MS } from '../../platform/days.ts';
import type { Deps } from '../../platform/deps.ts';
import type { AuthContext } from '../../platform/http/auth.ts';
import { AppError } from '../../platform/http/errors.ts';
import type { ExportColumn, ExportSpec } from '../../platform/http/export.ts';
import { type PostingListRow, walletPostingPages } from '../ledger/ledger.service.ts';
import type { RequestMeta } from '../accounts/accounts.service.ts';
import * as q from './orders.queries.ts';
import { revealUnderLock } from './orders.views.ts';

const SHOWN = ['delivered', 'completed', 'disputed'];

/**
 * The keys of the caller's own order, for a file: revealed (and their first reveal recorded) exactly as on
 * the page, and the download audited. Anyone else's order is not found.
 */
export async function orderKeysForFile(
  deps: Deps,
  auth: AuthContext,
  orderId: string,
  format: 'txt' | 'csv',
  meta: RequestMeta,
): Promise<{ keys: KeyRow[] }> {
  const order = await q.findOrder(deps.db, orderId);
  if (!order || order.buyer_id !== auth.userId) throw new AppError('NOT_FOUND', 'No such order');
  if (!SHOWN.includes(order.status)) {
    throw new AppError('INVALID_STATE', `An order that is ${order.status} has no keys to download`);
  }
  const keys = await revealUnderLock(deps, orderId);
  const items = await q.itemsOf(deps.db, orderId);
  const title = items.length === 1 ? items[0]!.title : '';
  await writeAudit(deps.db, deps, {
    actorId: auth.userId,
    action: 'order.keys_download',
    objectType: 'order',
    objectId: orderId,
    ip: meta.ip,
    details: { format, count: keys.length },
  });
  return { keys: keys.map((key, i) => ({ index: i + 1, title, key })) };
}

/** The keys as plain text, one a line: exactly the keys, nothing a spreadsheet could rewrite. */
export function keysAsText(keys: ReadonlyArray<{ key: string }>): string {
  return keys.map((k) => `${k.key}\r\n`).join('');
}

type KeyRow = { index: number; title: string; key: string };

const KEY_COLUMNS: ExportColumn<KeyRow>[] = [
  { header: '序号 No.', kind: 'int', value: (k) => k.index },
  { header: '商品 Product', kind: 'text', value: (k) => k.title, width: 30 },
  { header: '卡密 Key', kind: 'text', value: (k) => k.key, width: 40 },
];

/** The keys as CSV rows (the export writer's quoting and formula guard apply; the .txt is the exact keys). */
export function keysCsv(orderId: string, keys: readonly KeyRow[]): ExportSpec<KeyRow> {
  return {
    name: `keys-${orderId}`,
    columns: KEY_COLUMNS,
    rows: (async function* () {
      yield* keys;
    })(),
  };
}

/** [from, to) of a calendar month in China Standard Time, from "YYYY-MM". */
export function cstMonthRange(month: string): { from: number; to: number } {
  const m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(month);
  if (!m) throw new AppError('VALIDATION_FAILED', 'month must be YYYY-MM');
  const y = Number(m[1]);
  const mo = Number(m[2]);
  return { from: Date.UTC(y, mo - 1, 1) - CST_OFFSET_MS, to: Date.UTC(y, mo, 1) - CST_OFFSET_MS };
}

interface StatementRow {
  at: number | null;
  kind: string;
  ref: string | null;
  items: string;
  inCents: number;
  outCents: number;
  amountCents: number;
  memo: string | null;
}

const STATEMENT_COLUMNS: ExportColumn<StatementRow>[] = [
  { header: '时间 Time (CST)', kind: 'time', value: (r) => r.at },
  { header: '类型 Kind', kind: 'text', value: (r) => r.kind, width: 16 },
  { header: '关联单号 Ref', kind: 'text', value: (r) => r.ref, width: 32 },
  { header: '商品 Items', kind: 'text', value: (r) => r.items, width: 40 },
  { header: '收入(元) In (CNY)', kind: 'money', value: (r) => r.inCents },
  { header: '支出(元) Out (CNY)', kind: 'money', value: (r) => r.outCents },
  { header: '金额(元) Amount (CNY)', kind: 'money', value: (r) => r.amountCents },
  { header: '备注 Memo', kind: 'text', value: (r) => r.memo },
];

/**
 * One line per journal entry of the wallet (an order's payment may post to it in parts: the supplier's
 * share and the commission), newest first. Entries are gathered per page of postings: an entry whose
 * postings straddle two pages shows as two lines, each with its own part, so the total is the same.
 */
async function* statementRows(deps: Deps, userId: string, range: { from: number; to: number }) {
  let inCents = 0;
  let outCents = 0;
  for await (const page of walletPostingPages(deps, userId, range)) {
    const orderIds = [...new Set(page.flatMap((p) => (p.ref_type === 'order' && p.ref_id ? [p.ref_id] : [])))];
    const items = await q.itemsOfMany(deps.db, orderIds);
    const lines = new Map<string, StatementRow>();
    for (const p of page as PostingListRow[]) {
      const amount = Number(p.amount_cents);
      if (amount >= 0) inCents += amount;
      else outCents -= amount;
      const line = lines.get(p.entry_id);
      if (line) {
        line.amountCents += amount;
        continue;
      }
      const bought = p.ref_type === 'order' && p.ref_id ? (items.get(p.ref_id) ?? []) : [];
      lines.set(p.entry_id, {
        at: p.created_at,
        kind: p.kind,
        ref: p.ref_id,
        items: bought.map((i) => `${i.title} ×${i.quantity}`).join('; '),
        inCents: 0,
        outCents: 0,
        amountCents: amount,
        memo: p.memo,
      });
    }
    for (const line of lines.values()) yield settle(line);
  }
  // the month's total: what came in, what went out, and the change of the wallet over the month
  yield {
    at: null,
    kind: '合计 Total',
    ref: null,
    items: '',
    inCents,
    outCents,
    amountCents: inCents - outCents,
    memo: null,
  } satisfies StatementRow;
}

function settle(row: StatementRow): StatementRow {
  return {
    ...row,
    inCents: Math.max(0, row.amountCents),
    outCents: Math.max(0, -row.amountCents),
  };
}

/** The caller's statement of one month: his wallet's postings and what his orders bought, with a total. */
export function myMonthlyStatement(deps: Deps, auth: AuthContext, month: string): ExportSpec<StatementRow> {
  const range = cstMonthRange(month);
  return { name: `statement-${month}`, columns: STATEMENT_COLUMNS, rows: statementRows(deps, auth.userId, range) };
}
