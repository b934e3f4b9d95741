/**
 * What payments asks of the modules whose money it takes. A payment has a purpose (an order, a wallet
 * top-up); payments knows when it is paid and how to give money back to a channel, but what a paid or
 * refunded payment means belongs to the owner of its purpose, which provides these hooks keyed by it
 * (orders for "order", payments.top-ups.ts for "top_up", members for "level_upgrade", agents for "agent_opening").
 */
import type { Executor } from '../../platform/db/database.ts';
import type { Deps } from '../../platform/deps.ts';
import type { AuthContext } from '../../platform/http/auth.ts';
import { defineHook } from '../../platform/hooks.ts';
import type { Remember } from '../../platform/idempotency.ts';
import type { PaymentsTable } from './payments.tables.ts';

/**
 * A payment has just moved to paid, once: called inside that transaction (hot rows last), so what the
 * purpose's owner books commits with the transition or not at all. `payment` is the row as it was before
 * the transition; `payer` is the ledger account the money came from (the buyer's wallet for the balance
 * provider, the channel's clearing account otherwise, already net of the channel's fee).
 */
export const paymentPaid =
  defineHook<(tx: Executor, deps: Deps, payment: PaymentsTable, payer: string) => Promise<void>>('payments.paid');

export interface OperatorRefund {
  amountCents: number;
  destination: 'original' | 'wallet';
  reason: string;
}

/**
 * An operator refunds a payment (`POST /admin/payments/:id/refunds`): the purpose's owner checks what may
 * be given back, books it and records the refund (`recordRefund`) in its own transaction, in which it also
 * calls `remember` with the refund's id (the request's Idempotency-Key), and answers the refund's id.
 */
export const paymentRefund =
  defineHook<
    (
      deps: Deps,
      auth: AuthContext,
      payment: PaymentsTable,
      body: OperatorRefund,
      ip: string,
      remember: Remember,
    ) => Promise<{ refundId: string }>
  >('payments.refund');
