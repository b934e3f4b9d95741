/**
 * What an after-sales case does to its order, in the case's transaction: the order enters `disputed` and its
 * escrow freezes (so neither the buyer's confirmation, the auto-complete job nor settlement can pay the
 * supplier while the case runs), a refund comes out of that escrow, and the order resumes when the case ends.
 * The disputes module calls these; the order row is locked first, like every refund of an order.
 */
import type { Executor } from '../../platform/db/database.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/http/errors.ts';
import { freezeHold, getHold, releaseHoldPart, unfreezeHold } from '../ledger/ledger.service.ts';
import { recordRefund, refundedCents, refundedCentsFor } from '../payments/payments.service.ts';
import * as q from './orders.queries.ts';
import { paymentOf, refundAccounts, refundOrder, unspend } from './orders.refunds.ts';
import { move } from './orders.state.ts';

export interface DisputableOrder {
  id: string;
  buyerId: string | null;
  supplierId: string;
  status: q.OrderRow['status'];
  amountCents: number;
  deliveredAt: number | null;
  items: {
    id: string;
    productId: string;
    categoryId: string;
    title: string;
    deliveryMode: 'auto' | 'manual' | 'direct';
    quantity: number;
    unitPriceCents: number;
    amountCents: number;
  }[];
}

/** The order and its items, its row locked until the caller's transaction ends (PostgreSQL). */
export async function lockOrderForDispute(tx: Executor, deps: Deps, orderId: string): Promise<DisputableOrder | null> {
  const order = await q.findOrderForUpdate(tx, deps.dialect, orderId);
  if (!order) return null;
  const items = await q.itemsOf(tx, orderId);
  return {
    id: order.id,
    buyerId: order.buyer_id,
    supplierId: order.supplier_id,
    status: order.status,
    amountCents: order.amount_cents,
    deliveredAt: order.delivered_at,
    items: items.map((i) => ({
      id: i.id,
      productId: i.product_id,
      categoryId: i.category_id,
      title: i.title,
      deliveryMode: i.delivery_mode,
      quantity: i.quantity,
      unitPriceCents: i.unit_price_cents,
      amountCents: i.amount_cents,
    })),
  };
}

/**
 * delivered → disputed, and the escrow pending → frozen, holding back the part of it worth `frozenCents` of
 * what the buyer paid (the disputed item's); the rest settles on time. Refused once the escrow has settled.
 */
export async function disputeOrder(
  tx: Executor,
  deps: Deps,
  orderId: string,
  cause: string,
  frozenCents: number,
): Promise<void> {
  const order = await q.findOrder(tx, orderId);
  if (!order) throw new AppError('NOT_FOUND', 'No such order');
  const hold = await getHold(tx, orderId);
  if (hold?.status !== 'pending') {
    throw new AppError('INVALID_STATE', 'The money of this order has already gone to the supplier');
  }
  if (!(await move(tx, deps, order, ['delivered'], 'disputed', cause))) {
    throw new AppError('INVALID_STATE', `An order that is ${order.status} cannot be disputed`);
  }
  if (!(await freezeHold(tx, deps, orderId, frozenCents))) {
    throw new Error(`hold of order ${orderId} changed under a lock`);
  }
}

/**
 * disputed → delivered and the escrow frozen → pending, when a case ends with money left in escrow. The
 * order's confirmation window grows by `openMs`, the time the case was open: what it held back never settles
 * sooner than delivery + window + the time cases kept it open.
 */
export async function resumeDisputedOrder(
  tx: Executor,
  deps: Deps,
  orderId: string,
  cause: string,
  openMs: number,
): Promise<void> {
  const order = await q.findOrder(tx, orderId);
  if (order?.status !== 'disputed') return;
  await move(tx, deps, order, ['disputed'], 'delivered', cause);
  await q.extendWindow(tx, orderId, Math.max(0, Math.round(openMs)));
  await unfreezeHold(tx, deps, orderId);
}

/** What of an order's payment is still in escrow: never more than is left of the order. */
async function escrowLeft(tx: Executor, order: q.OrderRow, paymentId: string): Promise<number> {
  const hold = await getHold(tx, order.id);
  const inEscrow = hold?.status === 'pending' || hold?.status === 'frozen';
  const held = inEscrow ? hold.heldCents : 0;
  return Math.min(order.amount_cents - (await refundedCents(tx, paymentId)), held);
}

/**
 * What is left to refund of an order out of its escrow (less than what is left of the order once a part
 * settled on time while a case ran), what is left of the order, and what operators have given back of it in
 * part (not tied to an item), its row locked until the caller's transaction ends.
 */
export async function refundLeftOfOrder(
  tx: Executor,
  deps: Deps,
  orderId: string,
): Promise<{ leftCents: number; paidLeftCents: number; operatorPartialCents: number }> {
  const order = await q.findOrderForUpdate(tx, deps.dialect, orderId);
  if (!order) throw new AppError('NOT_FOUND', 'No such order');
  const payment = await paymentOf(tx, orderId);
  return {
    leftCents: await escrowLeft(tx, order, payment.id),
    paidLeftCents: order.amount_cents - (await refundedCents(tx, payment.id)),
    operatorPartialCents: await refundedCentsFor(tx, payment.id, 'operator_partial_refund'),
  };
}

/**
 * Gives `amountCents` of a disputed order (or a delivered one returning unrevealed keys) back out of its
 * escrow, to the buyer's wallet or the channel
 * paid with, with the commission on that part reversed. All that is left voids the hold and the order is
 * refunded; less takes that part out of the hold. `refundId` is the idempotency key: the same refund twice
 * moves money once. More than is left is refused.
 */
export async function refundDisputedOrder(
  tx: Executor,
  deps: Deps,
  r: { orderId: string; amountCents: number; refundId: string; to: 'wallet' | 'original'; reason: string },
): Promise<{ full: boolean }> {
  const order = await q.findOrderForUpdate(tx, deps.dialect, r.orderId);
  if (!order) throw new AppError('NOT_FOUND', 'No such order');
  const payment = await paymentOf(tx, r.orderId);
  const hold = await getHold(tx, r.orderId);
  // frozen for a case, or pending for a return of unrevealed keys; settled money is the supplier's
  if (hold?.status !== 'frozen' && hold?.status !== 'pending') {
    throw new AppError('INVALID_STATE', 'The money of this order has already gone to the supplier');
  }
  const left = await escrowLeft(tx, order, payment.id);
  if (!Number.isSafeInteger(r.amountCents) || r.amountCents <= 0 || r.amountCents > left) {
    throw new AppError('UNPROCESSABLE', 'More than what is left to refund', { refundableCents: left });
  }
  // all that is left of the order: refunded; all that is left in escrow when the rest has settled: a part
  if (r.amountCents === order.amount_cents - (await refundedCents(tx, payment.id))) {
    await refundOrder(tx, deps, order, payment, r.reason, { fromHold: true, to: r.to, amountCents: left });
    return { full: true };
  }
  const { destination, kind } = refundAccounts(order, payment, r.to);
  const fresh = await recordRefund(tx, deps, {
    refundId: r.refundId,
    paymentId: payment.id,
    orderId: r.orderId,
    amountCents: r.amountCents,
    destination: kind,
    reason: r.reason,
  });
  if (!fresh) return { full: false };
  const released = await releaseHoldPart(tx, deps, {
    orderId: r.orderId,
    amountCents: r.amountCents,
    refundTo: destination,
    entryId: `refund:${r.refundId}`,
    fromFrozen: hold.status === 'frozen',
  });
  if (!released) throw new Error(`escrow of order ${r.orderId} cannot give ${r.amountCents} back`);
  await unspend(tx, deps, order, r.refundId, r.amountCents);
  return { full: false };
}

/**
 * A buyer's devices (keyed hashes of the ones he ordered from, at most 50) and the other buyers who ordered
 * from them: accounts that share a device, for the serial-claimer score.
 */
export async function sharedDevicesOf(
  db: Executor,
  buyerId: string,
  extraDevices: string[] = [],
): Promise<{ devices: string[]; otherBuyers: string[] }> {
  const devices = [...new Set([...(await q.devicesOfBuyer(db, buyerId, 50)), ...extraDevices])];
  return { devices, otherBuyers: await q.buyersOnDevices(db, devices, buyerId) };
}

/** Orders ever delivered to a buyer or by a supplier: the denominator of after-sales rates. */
export async function deliveredOrderCount(db: Executor, who: { buyerId?: string; supplierId?: string }) {
  let query = db.selectFrom('orders').where('delivered_at', 'is not', null);
  if (who.buyerId) query = query.where('buyer_id', '=', who.buyerId);
  if (who.supplierId) query = query.where('supplier_id', '=', who.supplierId);
  const r = await query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Orders delivered since `since`, per supplier and per category: the denominators of dispute rates. */
export async function deliveredCountsSince(db: Executor, since: number) {
  const [bySupplier, byCategory] = await Promise.all([
    db
      .selectFrom('orders')
      .select(['supplier_id as key', (eb) => eb.fn.countAll<number>().as('n')])
      .where('delivered_at', '>=', since)
      .groupBy('supplier_id')
      .execute(),
    db
      .selectFrom('orders as o')
      .innerJoin('order_items as i', 'i.order_id', 'o.id')
      .select(['i.category_id as key', (eb) => eb.fn.count<number>('o.id').distinct().as('n')])
      .where('o.delivered_at', '>=', since)
      .groupBy('i.category_id')
      .execute(),
  ]);
  const toMap = (rows: { key: string; n: unknown }[]) => new Map(rows.map((r) => [r.key, Number(r.n)]));
  return { bySupplier: toMap(bySupplier), byCategory: toMap(byCategory) };
}
