import type { Executor } from '../../platform/db/database.ts';
import type { PaymentsTable, Provider, RefundsTable } from './payments.tables.ts';

export type PaymentRow = PaymentsTable;

export async function insertPayment(db: Executor, row: PaymentRow): Promise<void> {
  await db.insertInto('payments').values(row).execute();
}

export async function findPayment(db: Executor, id: string): Promise<PaymentRow | undefined> {
  return db.selectFrom('payments').selectAll().where('id', '=', id).executeTakeFirst();
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
