/**
 * Every way an order's money goes back, in one place: a late payment with no stock left, a second payment,
 * keys missing at delivery, a manual order not delivered in time (all through `refundOrder`, inside the
 * caller's transaction), and an operator's refund of an order's payment (the paymentRefund hook).
 */
import { writeAudit } from '../../platform/audit.ts';
import { newId } from '../../platform/clock.ts';
import type { Executor } from '../../platform/db/database.ts';
import type { Deps } from '../../platform/deps.ts';
import type { AuthContext } from '../../platform/http/auth.ts';
import { AppError } from '../../platform/http/errors.ts';
import type { Remember } from '../../platform/idempotency.ts';
import { invalidateCatalogCache } from '../catalog/catalog.service.ts';
import { getHold, postEntry, releaseHoldPart, voidHold } from '../ledger/ledger.service.ts';
import { recordSpend } from '../members/members.service.ts';
import type { OperatorRefund } from '../payments/payments.hooks.ts';
import { paidPaymentForOrder, recordRefund, refundedCents } from '../payments/payments.service.ts';
import type { PaymentsTable, Provider } from '../payments/payments.tables.ts';
import { disputedOrderRefunded } from './orders.hooks.ts';
import * as q from './orders.queries.ts';
import { move } from './orders.state.ts';
import { releaseItems } from './orders.stock.ts';

/**
 * Gives an order's money back: registered buyers to their wallet, guests through the channel they paid
 * with. From escrow when the sale was booked (the hold is voided), otherwise straight from the payer.
 */
export async function refundOrder(
  tx: Executor,
  deps: Deps,
  order: q.OrderRow,
  payment: { id: string; provider: Provider },
  reason: string,
  opts: { fromHold: boolean; keepStatus?: boolean; to?: 'wallet' | 'original'; amountCents?: number },
): Promise<void> {
  const refundId = `rfd_${order.id}_${reason}`;
  const { payer, destination, kind } = refundAccounts(order, payment, opts.to);
  const amountCents = opts.amountCents ?? order.amount_cents;
  const fresh = await recordRefund(tx, deps, {
    refundId,
    paymentId: payment.id,
    orderId: order.id,
    amountCents,
    destination: kind,
    reason,
  });
  if (fresh) {
    if (opts.fromHold) {
      if (!(await voidHold(tx, deps, order.id, destination)))
        throw new Error(`hold of order ${order.id} was not pending`);
    } else if (destination !== payer) {
      await postEntry(tx, deps, {
        id: `refund:${refundId}`,
        kind: 'refund',
        refType: 'order',
        refId: order.id,
        transfers: [{ from: payer, to: destination, amountCents }],
      });
    }
    // a second payment given back leaves the order (and what it counted) as it was
    if (!opts.keepStatus) await unspend(tx, deps, order, refundId, amountCents);
  }
  if (!opts.keepStatus) {
    await move(
      tx,
      deps,
      order,
      ['pending_payment', 'cancelled', 'paid', 'delivered', 'delivery_failed', 'disputed'],
      'refunded',
      reason,
      {
        closed_at: deps.clock.now(),
        needs_attention: reason === 'delivery_failed' ? 1 : 0,
      },
    );
  }
}

/** What goes back to a buyer no longer counts towards his member level (members.recordSpend). */
export async function unspend(
  tx: Executor,
  deps: Deps,
  order: q.OrderRow,
  refundId: string,
  amountCents: number,
): Promise<void> {
  if (!order.buyer_id) return;
  await recordSpend(tx, deps, {
    userId: order.buyer_id,
    orderId: order.id,
    id: `refund:${refundId}`,
    deltaCents: -amountCents,
  });
}

/** Where a refund's money comes from and goes: registered buyers' wallets unless sent back through the channel. */
export function refundAccounts(order: q.OrderRow, payment: { provider: Provider }, to?: 'wallet' | 'original') {
  const wallet = order.buyer_id ? `wallet:${order.buyer_id}` : null;
  const channel = `clearing:${payment.provider}`;
  const payer = payment.provider === 'balance' && wallet ? wallet : channel;
  // an operator may send a registered buyer's money back through the channel instead of the wallet
  const destination = to === 'original' && payment.provider !== 'balance' ? channel : (wallet ?? channel);
  return { payer, destination, kind: destination === wallet ? ('wallet' as const) : ('original' as const) };
}

/**
 * An operator refunds a paid order while its money is still in escrow (the hold is pending or frozen), to
 * the buyer's wallet or back through the channel the buyer paid with. What is left in full voids the hold
 * and closes the order as refunded; less takes that part out of the hold and the order goes on. Once the
 * hold has settled to the supplier, the money is the supplier's and a refund needs a dispute.
 */
export async function refundOrderByOperator(
  deps: Deps,
  auth: AuthContext,
  orderId: string,
  body: { amountCents: number; destination: 'wallet' | 'original'; reason: string },
  ip: string,
  remember: Remember,
): Promise<{ refundId: string }> {
  let refundId = `rfd_${orderId}_operator_refund`;
  await deps.db.transaction().execute(async (tx) => {
    // locked: two refunds at once must not both count what is left before either is booked
    const order = await q.findOrderForUpdate(tx, deps.dialect, orderId);
    if (!order) throw new AppError('NOT_FOUND', 'No such order');
    if (!['paid', 'delivered', 'delivery_failed', 'disputed'].includes(order.status)) {
      throw new AppError('INVALID_STATE', `An order that is ${order.status} cannot be refunded`);
    }
    if (body.destination === 'wallet' && !order.buyer_id) {
      throw new AppError('UNPROCESSABLE', 'A guest has no wallet; refund to the original channel', {
        issues: [{ path: ['destination'], message: 'guests have no wallet' }],
      });
    }
    const hold = await getHold(tx, orderId);
    if (hold?.status !== 'pending' && hold?.status !== 'frozen') {
      throw new AppError('INVALID_STATE', 'The escrow has already settled to the supplier');
    }
    const payment = await paymentOf(tx, orderId);
    const left = order.amount_cents - (await refundedCents(tx, payment.id));
    // what is still in escrow: less than what is left once a part settled on time during an after-sales case
    const inEscrow = Math.min(left, hold.heldCents);
    if (body.amountCents > inEscrow) {
      throw new AppError('UNPROCESSABLE', 'More than what is left to refund', { refundableCents: inEscrow });
    }
    if (body.amountCents === left) {
      if (order.status === 'paid') await releaseItems(tx, deps, orderId, await q.itemsOf(tx, orderId));
      await refundOrder(tx, deps, order, payment, 'operator_refund', {
        fromHold: true,
        to: body.destination,
        amountCents: left,
      });
      if (order.status === 'disputed' && deps.hooks.has(disputedOrderRefunded)) {
        await deps.hooks.get(disputedOrderRefunded)(tx, deps, orderId, auth.userId);
      }
    } else {
      refundId = newId('rfd', deps.clock, deps.random);
      const { destination, kind } = refundAccounts(order, payment, body.destination);
      const released = await releaseHoldPart(tx, deps, {
        orderId,
        amountCents: body.amountCents,
        refundTo: destination,
        entryId: `refund:${refundId}`,
      });
      if (!released) throw new AppError('INVALID_STATE', 'The escrow cannot give that part back');
      await recordRefund(tx, deps, {
        refundId,
        paymentId: payment.id,
        orderId,
        amountCents: body.amountCents,
        destination: kind,
        reason: 'operator_partial_refund',
      });
      await unspend(tx, deps, order, refundId, body.amountCents);
    }
    await remember(tx, refundId);
    await writeAudit(tx, deps, {
      actorId: auth.userId,
      action: 'order.refund',
      objectType: 'order',
      objectId: orderId,
      ip,
      details: { refundId, amountCents: body.amountCents, destination: body.destination, reason: body.reason },
    });
  });
  await invalidateCatalogCache(deps);
  return { refundId };
}

/**
 * The paymentRefund hook for "order" (orders.module.ts): an operator refunds an order's payment, fully or
 * in part, through its order, whose escrow pays it back.
 */
export async function refundOrderPayment(
  deps: Deps,
  auth: AuthContext,
  payment: PaymentsTable,
  body: OperatorRefund,
  ip: string,
  remember: Remember,
): Promise<{ refundId: string }> {
  if (!payment.order_id) throw new Error(`order payment ${payment.id} has no order`);
  if (payment.status !== 'paid')
    throw new AppError('INVALID_STATE', `A payment that is ${payment.status} has nothing to refund`);
  // an order paid twice keeps the first payment; the second was already given back as a duplicate
  if ((await paidPaymentForOrder(deps.db, payment.order_id))?.id !== payment.id) {
    throw new AppError('INVALID_STATE', 'This payment was a duplicate and has been refunded already');
  }
  return refundOrderByOperator(deps, auth, payment.order_id, body, ip, remember);
}

/** The payment that paid an order: what its refunds go back through. */
export async function paymentOf(tx: Executor, orderId: string): Promise<{ id: string; provider: Provider }> {
  const payment = await paidPaymentForOrder(tx, orderId);
  if (!payment) throw new Error(`order ${orderId} has no paid payment`);
  return payment;
}
