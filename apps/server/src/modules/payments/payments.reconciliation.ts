import { newId } from '../../platform/clock.ts';
import type { Deps } from '../../platform/deps.ts';
import type { AuthContext } from '../../platform/http/auth.ts';
import { AppError } from '../../platform/http/errors.ts';
import { type ExportColumn, type ExportSpec, keysetPages } from '../../platform/http/export.ts';
import { enqueue } from '../../platform/jobs/jobs.ts';
import { cstDayRange } from '../ledger/ledger.service.ts';
import { adapters, CHANNEL_PROVIDERS, loadChannel, missingFor } from './payments.channels.ts';
import { reconcileDayJob } from './payments.jobs-spec.ts';
import * as q from './payments.queries.ts';
import { paymentRef, recorder, settlePaid } from './payments.service.ts';
import type { ChannelProvider } from './payments.tables.ts';
import type { TradeQuery } from './providers/provider.ts';

export interface Difference {
  kind: 'missing_ours' | 'missing_theirs' | 'amount_mismatch' | 'status_mismatch';
  paymentId: string;
  refundId: string | null;
  tradeNo: string | null;
  oursCents: number | null;
  theirsCents: number | null;
  repaired: boolean;
  note: string;
}

const CST_OFFSET_MS = 8 * 3_600_000;

/** The China Standard Time calendar day (YYYY-MM-DD) an instant falls on. */
export function cstDay(ms: number): string {
  return new Date(ms + CST_OFFSET_MS).toISOString().slice(0, 10);
}

/**
 * Compares one channel's day with the channel's own records: its statement of the day where it offers one
 * (WeChat Pay's trade bill), otherwise a trade query for every payment we started that day (Alipay, 易支付;
 * Alipay's zipped GBK bill is not read yet). A payment the channel has as paid and we do not is repaired
 * through the normal paid transition (so the orders' late-payment rule applies); every other difference is
 * reported for an operator.
 */
export async function reconcileDay(deps: Deps, provider: ChannelProvider, day: string, actorId: string | null) {
  const { from, to } = cstDayRange(day);
  const channel = await loadChannel(deps, provider);
  if (!channel || missingFor(deps, channel).length > 0) throw new Error(`the ${provider} channel is not configured`);
  const adapter = adapters(deps)[provider];
  const payments = await q.paymentsCreatedBetween(deps.db, provider, from, to);
  // with the channel's statement of the day, only payments we have as paid but it does not list are asked about
  const bill = adapter.tradesOfDay ? await adapter.tradesOfDay(channel, day) : null;
  const differences: Difference[] = [];
  let matched = 0;
  const record = recorder(deps, provider, deps.clock.now());
  const theirsFor = async (p: q.PaymentRow): Promise<TradeQuery> => {
    const listed = bill?.get(p.id);
    if (listed) return { status: 'paid', tradeNo: listed.tradeNo, amountCents: listed.amountCents };
    if (bill && p.status !== 'paid') return { status: 'pending', tradeNo: null, amountCents: p.amount_cents };
    return adapter.query(channel, paymentRef(p));
  };
  const compare = async (p: q.PaymentRow) => {
    const theirs = await theirsFor(p);
    const theyPaid = theirs.status === 'paid';
    const weHave = p.status === 'paid';
    const theirCents = theirs.status === 'not_found' ? null : theirs.amountCents;
    const tradeNo = theirs.status === 'not_found' ? null : theirs.tradeNo;
    const diff = (kind: Difference['kind'], note: string, repaired = false) =>
      differences.push({
        paymentId: p.id,
        refundId: null,
        kind,
        tradeNo: tradeNo ?? p.provider_trade_id,
        oursCents: p.amount_cents,
        theirsCents: theirCents,
        repaired,
        note,
      });
    if (weHave && theyPaid) {
      if (theirCents !== p.amount_cents) diff('amount_mismatch', 'both paid, for different amounts');
      else if (tradeNo !== null && tradeNo !== p.provider_trade_id)
        diff('status_mismatch', 'paid under another trade number');
      else matched++;
    } else if (weHave) {
      diff('missing_theirs', `we have it paid; the channel says ${theirs.status}`);
    } else if (theyPaid) {
      if (theirCents === p.amount_cents && tradeNo) {
        const outcome = await settlePaid(deps, p.id, tradeNo);
        await record(p.id, outcome.transitioned ? 'paid' : 'duplicate', 'by reconciliation');
        diff('missing_ours', 'paid at the channel, missing here: repaired by query', outcome.transitioned);
      } else {
        diff('amount_mismatch', 'paid at the channel for a different amount; not applied');
      }
    } else {
      matched++;
    }
  };
  for (const p of payments) {
    // never launched at the channel: there is nothing there to compare with
    if (p.scene === null && p.status !== 'paid') continue;
    await compare(p);
  }
  // the statement also lists trades of payments started on another day (paid after midnight)
  const ours = new Set(payments.map((p) => p.id));
  for (const [outTradeNo, listed] of bill ?? []) {
    if (ours.has(outTradeNo)) continue;
    const p = await q.findPaymentForProvider(deps.db, outTradeNo, provider);
    if (!p) {
      differences.push({
        paymentId: outTradeNo,
        refundId: null,
        kind: 'missing_ours',
        tradeNo: listed.tradeNo,
        oursCents: null,
        theirsCents: listed.amountCents,
        repaired: false,
        note: 'the channel lists a trade we have no payment for',
      });
    } else if (p.status !== 'paid') {
      await compare(p);
    }
  }
  matched += await reconcileRefunds(deps, provider, { from, to }, differences);
  const count = (k: Difference['kind']) => differences.filter((d) => d.kind === k).length;
  const row: q.ReportRow = {
    id: newId('rec', deps.clock, deps.random),
    provider,
    day,
    matched,
    missing_ours: count('missing_ours'),
    missing_theirs: count('missing_theirs'),
    amount_mismatches: count('amount_mismatch'),
    repaired: differences.filter((d) => d.repaired).length,
    differences: JSON.stringify(differences),
    created_by: actorId,
    created_at: deps.clock.now(),
  };
  await q.insertReport(deps.db, row);
  if (differences.length > 0)
    deps.log.warn({ provider, day, differences: differences.length }, 'reconciliation found differences');
  return toReportView(row);
}

/**
 * Our channel refunds of the day against the channel's refund records. A refund the channel completed that
 * we still hold pending or failed is marked succeeded (the money already left our books when it was made).
 */
async function reconcileRefunds(
  deps: Deps,
  provider: ChannelProvider,
  range: { from: number; to: number },
  differences: Difference[],
): Promise<number> {
  const channel = await loadChannel(deps, provider);
  if (!channel) return 0;
  const adapter = adapters(deps)[provider];
  let matched = 0;
  for (const r of await q.channelRefundsCreatedBetween(deps.db, provider, range.from, range.to)) {
    const payment = await q.findPayment(deps.db, r.payment_id);
    if (!payment || !r.channel_refund_no) continue;
    const theirs = await adapter.queryRefund(channel, paymentRef(payment), r.channel_refund_no, r.created_at);
    if (theirs.status === 'unsupported') continue;
    const theirCents = 'amountCents' in theirs ? theirs.amountCents : null;
    const diff = (kind: Difference['kind'], note: string, repaired = false) =>
      differences.push({
        paymentId: payment.id,
        refundId: r.id,
        kind,
        tradeNo: r.channel_refund_no,
        oursCents: r.amount_cents,
        theirsCents: theirCents,
        repaired,
        note,
      });
    const theyDid = theirs.status === 'succeeded';
    if (theyDid && theirCents !== null && theirCents !== r.amount_cents) {
      diff('amount_mismatch', 'refund of a different amount at the channel');
    } else if (r.status === 'succeeded' && theirs.status === 'pending') {
      diff('status_mismatch', 'refund succeeded here; the channel is still processing it');
    } else if (r.status === 'succeeded' && !theyDid) {
      diff('missing_theirs', `refund succeeded here; the channel says ${theirs.status}`);
    } else if (r.status !== 'succeeded' && theyDid) {
      const repaired = await q.settleRefund(deps.db, r.id, 'succeeded', {}, deps.clock.now());
      diff('missing_ours', `refund ${r.status} here, done at the channel: marked succeeded`, repaired);
    } else {
      matched++;
    }
  }
  return matched;
}

function toReportView(r: q.ReportRow) {
  return {
    id: r.id,
    provider: r.provider,
    day: r.day,
    matched: r.matched,
    missingOurs: r.missing_ours,
    missingTheirs: r.missing_theirs,
    amountMismatches: r.amount_mismatches,
    repaired: r.repaired,
    differences: JSON.parse(r.differences) as Difference[],
    createdBy: r.created_by,
    createdAt: r.created_at,
  };
}

async function configuredProviders(deps: Deps): Promise<ChannelProvider[]> {
  const out: ChannelProvider[] = [];
  for (const p of CHANNEL_PROVIDERS) {
    const c = await loadChannel(deps, p);
    if (c && missingFor(deps, c).length === 0) out.push(p);
  }
  return out;
}

/** The daily run: yesterday (China Standard Time) for every configured channel, each its own job. */
export async function scheduleDailyReconciliation(deps: Deps): Promise<void> {
  const day = cstDay(deps.clock.now() - 24 * 3_600_000);
  for (const provider of await configuredProviders(deps)) {
    await enqueue(
      deps.db,
      deps,
      reconcileDayJob,
      { provider, day },
      { uniqueKey: `reconcile:${provider}:${day}:daily` },
    );
  }
}

/** An operator re-runs a day; each run writes a new report, the earlier ones stay. */
export async function requestReconciliation(
  deps: Deps,
  _auth: AuthContext,
  body: { day: string; provider?: ChannelProvider | undefined },
) {
  cstDayRange(body.day);
  if (body.day > cstDay(deps.clock.now())) throw new AppError('UNPROCESSABLE', 'That day has not happened yet');
  const providers = body.provider ? [body.provider] : await configuredProviders(deps);
  for (const provider of providers) {
    const c = await loadChannel(deps, provider);
    if (!c || missingFor(deps, c).length > 0) {
      throw new AppError('UNPROCESSABLE', `The ${provider} channel is not configured`);
    }
  }
  for (const provider of providers) await enqueue(deps.db, deps, reconcileDayJob, { provider, day: body.day });
  return { queued: providers.map((provider) => ({ provider, day: body.day })) };
}

export async function listReports(
  deps: Deps,
  f: { day?: string | undefined; provider?: string | undefined; page: number; pageSize: number },
) {
  const { rows, total } = await q.listReports(deps.db, {
    day: f.day,
    provider: f.provider,
    limit: f.pageSize,
    offset: (f.page - 1) * f.pageSize,
  });
  return { items: rows.map(toReportView), total };
}

type ReportDifferenceRow = { report: q.ReportRow; difference: Difference | null };

const REPORT_COLUMNS: ExportColumn<ReportDifferenceRow>[] = [
  { header: '对账日 Day', kind: 'text', value: (r) => r.report.day, width: 12 },
  { header: '渠道 Channel', kind: 'text', value: (r) => r.report.provider, width: 10 },
  { header: '报告 Report', kind: 'text', value: (r) => r.report.id, width: 32 },
  { header: '生成时间 Run (CST)', kind: 'time', value: (r) => r.report.created_at },
  { header: '一致 Matched', kind: 'int', value: (r) => r.report.matched },
  { header: '差异 Difference', kind: 'text', value: (r) => r.difference?.kind ?? 'none', width: 16 },
  { header: '支付单 Payment', kind: 'text', value: (r) => r.difference?.paymentId, width: 32 },
  { header: '退款单 Refund', kind: 'text', value: (r) => r.difference?.refundId, width: 32 },
  { header: '渠道流水 Trade no', kind: 'text', value: (r) => r.difference?.tradeNo, width: 32 },
  { header: '我方(元) Ours (CNY)', kind: 'money', value: (r) => r.difference?.oursCents },
  { header: '渠道(元) Theirs (CNY)', kind: 'money', value: (r) => r.difference?.theirsCents },
  { header: '已修复 Repaired', kind: 'int', value: (r) => (r.difference ? Number(r.difference.repaired) : null) },
  { header: '说明 Note', kind: 'text', value: (r) => r.difference?.note, width: 40 },
];

/** Reconciliation reports, one row per difference (a clean report is one row, "none"), with the list's filters. */
export function exportReports(
  deps: Deps,
  f: { day?: string | undefined; provider?: string | undefined },
): ExportSpec<ReportDifferenceRow> {
  const PAGE = 200;
  async function* rows(): AsyncGenerator<ReportDifferenceRow> {
    const reports = keysetPages<q.ReportRow>(PAGE, (after) =>
      q.reportsAfter(deps.db, f, after && { at: after.created_at, id: after.id }, PAGE),
    );
    for await (const report of reports) {
      const differences = JSON.parse(report.differences) as Difference[];
      if (differences.length === 0) yield { report, difference: null };
      for (const difference of differences) yield { report, difference };
    }
  }
  return { name: 'reconciliation', columns: REPORT_COLUMNS, rows: rows() };
}
