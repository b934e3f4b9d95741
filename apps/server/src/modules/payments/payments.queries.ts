import { channelProviderSchema } from '@kameng/contracts';
import type { Dialect, Executor } from '../../platform/db/database.ts';
import { forUpdate } from '../../platform/db/dialect.ts';
import { type Cursor, newestFirstAfter } from '../../platform/db/keyset.ts';
import type {
  ChannelProvider,
  PaymentChannelsTable,
  PaymentsTable,
  Provider,
  ReconciliationReportsTable,
  RefundsTable,
} from './payments.tables.ts';

export type PaymentRow = PaymentsTable;

export async function insertPayment(db: Executor, row: PaymentRow): Promise<void> {
  await db.insertInto('payments').values(row).execute();
}

export async function findPayment(db: Executor, id: string): Promise<PaymentRow | undefined> {
  return db.selectFrom('payments').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The payment, locked until the transaction ends (PostgreSQL; SQLite's write lock already serialises). */
export async function findPaymentForUpdate(
  db: Executor,
  dialect: Dialect,
  id: string,
): Promise<PaymentRow | undefined> {
  return forUpdate(dialect, db.selectFrom('payments').selectAll().where('id', '=', id)).executeTakeFirst();
}

export async function findPaymentForProvider(db: Executor, id: string, provider: Provider) {
  return db.selectFrom('payments').selectAll().where('id', '=', id).where('provider', '=', provider).executeTakeFirst();
}

export async function paymentsForOrder(db: Executor, orderId: string): Promise<PaymentRow[]> {
  return db.selectFrom('payments').selectAll().where('order_id', '=', orderId).orderBy('created_at').execute();
}

/**
 * The one paid transition: only a payment not yet paid moves, and the unique (provider, trade id)
 * index stops a second payment claiming the same provider trade.
 */
export async function markPaymentPaid(db: Executor, id: string, tradeId: string, now: number): Promise<boolean> {
  const r = await db
    .updateTable('payments')
    .set({ status: 'paid', provider_trade_id: tradeId, paid_at: now, updated_at: now })
    .where('id', '=', id)
    .where('status', 'in', ['pending', 'closed', 'failed'])
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function markPaymentFailed(db: Executor, id: string, now: number): Promise<boolean> {
  const r = await db
    .updateTable('payments')
    .set({ status: 'failed', updated_at: now })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function closePendingPayments(db: Executor, orderId: string, now: number): Promise<void> {
  await db
    .updateTable('payments')
    .set({ status: 'closed', updated_at: now })
    .where('order_id', '=', orderId)
    .where('status', '=', 'pending')
    .execute();
}

export async function insertNotification(
  db: Executor,
  row: {
    id: string;
    provider: string;
    payment_id: string | null;
    outcome: string;
    detail: string | null;
    received_at: number;
  },
): Promise<void> {
  await db.insertInto('payment_notifications').values(row).execute();
}

export async function notificationsForPayment(db: Executor, paymentId: string, limit: number) {
  return db
    .selectFrom('payment_notifications')
    .selectAll()
    .where('payment_id', '=', paymentId)
    .orderBy('received_at', 'desc')
    .limit(limit)
    .execute();
}

export async function insertRefund(db: Executor, row: RefundsTable): Promise<boolean> {
  const r = await db
    .insertInto('refunds')
    .values(row)
    .onConflict((oc) => oc.column('id').doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
}

export async function refundsForOrder(db: Executor, orderId: string) {
  return db.selectFrom('refunds').selectAll().where('order_id', '=', orderId).orderBy('created_at').execute();
}

// the sandbox gateway's side

export async function upsertSandboxTrade(
  db: Executor,
  row: { payment_id: string; trade_no: string; amount_cents: number; status: 'paid' | 'failed'; created_at: number },
): Promise<void> {
  await db
    .insertInto('sandbox_trades')
    .values({ ...row, acknowledged_at: null })
    .onConflict((oc) => oc.column('payment_id').doNothing())
    .execute();
}

export async function findSandboxTrade(db: Executor, paymentId: string) {
  return db.selectFrom('sandbox_trades').selectAll().where('payment_id', '=', paymentId).executeTakeFirst();
}

export async function ackSandboxTrade(db: Executor, paymentId: string, now: number): Promise<void> {
  await db
    .updateTable('sandbox_trades')
    .set({ acknowledged_at: now })
    .where('payment_id', '=', paymentId)
    .where('acknowledged_at', 'is', null)
    .execute();
}

// channels

export type ChannelRow = PaymentChannelsTable;

export async function findChannel(db: Executor, provider: ChannelProvider): Promise<ChannelRow | undefined> {
  return db.selectFrom('payment_channels').selectAll().where('provider', '=', provider).executeTakeFirst();
}

export async function listChannels(db: Executor): Promise<ChannelRow[]> {
  return db.selectFrom('payment_channels').selectAll().orderBy('provider').execute();
}

export async function upsertChannel(db: Executor, row: ChannelRow): Promise<void> {
  const { provider: _p, created_at: _c, ...patch } = row;
  await db
    .insertInto('payment_channels')
    .values(row)
    .onConflict((oc) => oc.column('provider').doUpdateSet(patch))
    .execute();
}

// launches and polling

export async function setLaunch(
  db: Executor,
  id: string,
  l: { scene: string; payUrl: string | null; qrCode: string | null; nextQueryAt: number; now: number },
): Promise<void> {
  await db
    .updateTable('payments')
    .set({ scene: l.scene, pay_url: l.payUrl, qr_code: l.qrCode, next_query_at: l.nextQueryAt, updated_at: l.now })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .execute();
}

/**
 * Payments to ask the channel about: pending ones whose next query is due, and ones we closed (the order
 * expired) that the channel has not been told about yet.
 */
export async function duePolls(db: Executor, now: number, limit: number): Promise<PaymentRow[]> {
  return db
    .selectFrom('payments')
    .selectAll()
    .where('provider', 'in', channelProviderSchema.options)
    .where('next_query_at', '<=', now)
    .where((eb) =>
      eb.or([
        eb('status', '=', 'pending'),
        eb.and([eb('status', '=', 'closed'), eb('provider_closed_at', 'is', null)]),
      ]),
    )
    .orderBy('next_query_at')
    .limit(limit)
    .execute();
}

export async function reschedulePoll(db: Executor, id: string, nextQueryAt: number | null, now: number) {
  await db
    .updateTable('payments')
    .set((eb) => ({ next_query_at: nextQueryAt, query_attempts: eb('query_attempts', '+', 1), updated_at: now }))
    .where('id', '=', id)
    .execute();
}

export async function markProviderClosed(db: Executor, id: string, now: number): Promise<void> {
  await db
    .updateTable('payments')
    .set({ provider_closed_at: now, next_query_at: null, updated_at: now })
    .where('id', '=', id)
    .execute();
}

export async function closePayment(db: Executor, id: string, now: number): Promise<boolean> {
  const r = await db
    .updateTable('payments')
    .set({ status: 'closed', updated_at: now })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function paymentsCreatedBetween(db: Executor, provider: Provider, from: number, to: number) {
  return db
    .selectFrom('payments')
    .selectAll()
    .where('provider', '=', provider)
    .where('created_at', '>=', from)
    .where('created_at', '<', to)
    .orderBy('created_at')
    .execute();
}

// refunds

export type RefundRow = RefundsTable;

export async function findRefund(db: Executor, id: string): Promise<RefundRow | undefined> {
  return db.selectFrom('refunds').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findRefundByChannelNo(db: Executor, no: string): Promise<RefundRow | undefined> {
  return db.selectFrom('refunds').selectAll().where('channel_refund_no', '=', no).executeTakeFirst();
}

export async function refundsForPayment(db: Executor, paymentId: string): Promise<RefundRow[]> {
  return db.selectFrom('refunds').selectAll().where('payment_id', '=', paymentId).orderBy('created_at').execute();
}

/** Moves a refund on; a settled refund never moves back. */
export async function settleRefund(
  db: Executor,
  id: string,
  to: 'succeeded' | 'failed',
  patch: { providerRefundId?: string | null; lastError?: string | null },
  now: number,
): Promise<boolean> {
  const r = await db
    .updateTable('refunds')
    .set({
      status: to,
      updated_at: now,
      ...(patch.providerRefundId !== undefined ? { provider_refund_id: patch.providerRefundId } : {}),
      ...(patch.lastError !== undefined ? { last_error: patch.lastError } : {}),
    })
    .where('id', '=', id)
    .where('status', 'in', to === 'succeeded' ? ['pending', 'failed'] : ['pending'])
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function noteRefundAttempt(db: Executor, id: string, error: string | null, now: number) {
  await db
    .updateTable('refunds')
    .set((eb) => ({ attempts: eb('attempts', '+', 1), last_error: error, updated_at: now }))
    .where('id', '=', id)
    .execute();
}

export async function reopenRefund(db: Executor, id: string, now: number): Promise<boolean> {
  const r = await db
    .updateTable('refunds')
    .set({ status: 'pending', updated_at: now })
    .where('id', '=', id)
    .where('status', '=', 'failed')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function channelRefundsCreatedBetween(db: Executor, provider: Provider, from: number, to: number) {
  return db
    .selectFrom('refunds')
    .innerJoin('payments', 'payments.id', 'refunds.payment_id')
    .selectAll('refunds')
    .where('payments.provider', '=', provider)
    .where('refunds.channel_refund_no', 'is not', null)
    .where('refunds.created_at', '>=', from)
    .where('refunds.created_at', '<', to)
    .orderBy('refunds.created_at')
    .execute();
}

export async function listRefunds(
  db: Executor,
  f: { status?: RefundRow['status'] | undefined; limit: number; offset: number },
) {
  let qb = db.selectFrom('refunds');
  if (f.status) qb = qb.where('status', '=', f.status);
  const [rows, total] = await Promise.all([
    qb.selectAll().orderBy('created_at', 'desc').limit(f.limit).offset(f.offset).execute(),
    qb.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}

// reconciliation

export type ReportRow = ReconciliationReportsTable;

export async function insertReport(db: Executor, row: ReportRow): Promise<void> {
  await db.insertInto('reconciliation_reports').values(row).execute();
}

type ReportFilter = { day?: string | undefined; provider?: string | undefined };

function filteredReports(db: Executor, f: ReportFilter) {
  let qb = db.selectFrom('reconciliation_reports');
  if (f.day) qb = qb.where('day', '=', f.day);
  if (f.provider) qb = qb.where('provider', '=', f.provider);
  return qb;
}

export async function listReports(db: Executor, f: ReportFilter & { limit: number; offset: number }) {
  const qb = filteredReports(db, f);
  const [rows, total] = await Promise.all([
    qb.selectAll().orderBy('created_at', 'desc').limit(f.limit).offset(f.offset).execute(),
    qb.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}

/** Reports newest first after `after` (keyset, for exports). */
export async function reportsAfter(db: Executor, f: ReportFilter, after: Cursor | undefined, limit: number) {
  return newestFirstAfter(filteredReports(db, f).selectAll(), after).limit(limit).execute();
}

// ─── master-key rotation ───

export function sealedChannels(db: Executor) {
  return db
    .selectFrom('payment_channels')
    .select(['provider', 'secrets_enc'])
    .where('secrets_enc', 'is not', null)
    .execute();
}

export async function setChannelSecrets(db: Executor, provider: ChannelProvider, sealed: string): Promise<void> {
  await db.updateTable('payment_channels').set({ secrets_enc: sealed }).where('provider', '=', provider).execute();
}
