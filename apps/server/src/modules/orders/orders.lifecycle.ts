/** An order after it is paid: delivery, the buyer's notice, expiry, confirmation, completion, cancellation. */
import { writeAudit } from '../../platform/audit.ts';
import { encrypt } from '../../platform/crypto.ts';
import type { Executor } from '../../platform/db/database.ts';
import type { Deps } from '../../platform/deps.ts';
import type { AuthContext } from '../../platform/http/auth.ts';
import { AppError } from '../../platform/http/errors.ts';
import { enqueue } from '../../platform/jobs/jobs.ts';
import { HOUR } from '../../platform/rate-limit.ts';
import { getSetting } from '../../platform/settings.ts';
import { emailOf } from '../accounts/accounts.service.ts';
import { invalidateCatalogCache, invalidateCatalogProducts, returnManualStock } from '../catalog/catalog.service.ts';
import { getHold, settleHold, settleUnfrozen } from '../ledger/ledger.service.ts';
import { closePendingPayments } from '../payments/payments.service.ts';
import { deliverReservedKeys } from './orders.checkout.ts';
import { settlementDelayed } from './orders.hooks.ts';
import { notifyDeliveredJob } from './orders.jobs-spec.ts';
import * as q from './orders.queries.ts';
import { paymentOf, refundOrder } from './orders.refunds.ts';
import { move } from './orders.state.ts';
import { releaseItems } from './orders.stock.ts';
import { deliveryKey, type OrderView, toView } from './orders.views.ts';

/**
 * Delivery job, for paid orders whose delivery was queued (orders paid before delivery moved into the
 * paying transaction): the same hand-over in a transaction of its own.
 */
export async function deliverOrder(deps: Deps, orderId: string): Promise<void> {
  await deps.db.transaction().execute(async (tx) => {
    const order = await q.findOrder(tx, orderId);
    if (order?.status !== 'paid') return;
    await deliverReservedKeys(tx, deps, order, await q.itemsOf(tx, orderId), await paymentOf(tx, orderId));
  });
}

/**
 * Tells the buyer the order is delivered, with a link to it: a member's to the order page, a guest's to the
 * lookup page with the order number filled in (the lookup password stays with the guest). The keys themselves
 * stay on the site: a mail server is no vault.
 */
export async function notifyDelivered(deps: Deps, orderId: string): Promise<void> {
  const order = await q.findOrder(deps.db, orderId);
  if (!order) return;
  let email = order.guest_email;
  if (!email && order.buyer_id) email = await emailOf(deps.db, order.buyer_id);
  if (!email) return;
  const link = orderLink(deps, order);
  const how = order.buyer_id ? '登录后查看卡密' : '输入查询密码查看卡密';
  const howEn = order.buyer_id ? 'sign in to see your keys' : 'enter its lookup password to see your keys';
  await deps.sender.send({
    channel: 'email',
    to: email,
    subject: `卡盟订单 ${order.id} 已发货 / Your Kameng order is delivered`,
    text: `您的订单 ${order.id} 已发货，打开下面的链接，${how}：\n${link}\n\nYour order ${order.id} is delivered: open the link and ${howEn}.\n${link}\n`,
  });
}

/**
 * Where an email sends the buyer for an order: PUBLIC_URL (the address visitors use) and the app's page; with
 * no PUBLIC_URL configured the path alone, which the buyer opens on the site he bought from.
 */
export function orderLink(deps: Deps, order: { id: string; buyer_id: string | null }): string {
  const path = order.buyer_id
    ? `/orders/${encodeURIComponent(order.id)}`
    : `/order-lookup?order=${encodeURIComponent(order.id)}`;
  return `${deps.config.publicUrl ?? ''}${path}`;
}

/** Expiry job: an unpaid order past its reservation is cancelled and its keys or stock released. */
export async function expireOrder(deps: Deps, orderId: string): Promise<void> {
  const released: string[] = [];
  await deps.db.transaction().execute(async (tx) => {
    const order = await q.findOrder(tx, orderId);
    if (order?.status !== 'pending_payment') return;
    if (order.reserved_until > deps.clock.now()) throw new Error('not yet expired');
    if (
      !(await move(tx, deps, order, ['pending_payment'], 'cancelled', 'reservation_expired', {
        closed_at: deps.clock.now(),
      }))
    )
      return;
    const items = await q.itemsOf(tx, orderId);
    await releaseItems(tx, deps, orderId, items);
    await closePendingPayments(tx, deps, orderId);
    released.push(...items.map((i) => i.product_id));
  });
  if (released.length > 0) await invalidateCatalogProducts(deps, released);
}

/** The buyer confirms receipt: the order completes and the escrow settles to the supplier. */
export async function confirmOrder(deps: Deps, auth: AuthContext, orderId: string): Promise<OrderView> {
  return deps.db.transaction().execute(async (tx) => {
    const order = await q.findOrder(tx, orderId);
    if (!order || order.buyer_id !== auth.userId) throw new AppError('NOT_FOUND', 'No such order');
    await complete(tx, deps, order, 'buyer_confirmed');
    return toView((await q.findOrder(tx, orderId))!, await q.itemsOf(tx, orderId));
  });
}

async function complete(tx: Executor, deps: Deps, order: q.OrderRow, cause: string): Promise<void> {
  if (!(await move(tx, deps, order, ['delivered'], 'completed', cause, { completed_at: deps.clock.now() }))) {
    throw new AppError('INVALID_STATE', `An order that is ${order.status} cannot be completed`);
  }
  // an after-sales refund may have given back all the escrow held (the rest had settled on time)
  if (!(await settleHold(tx, deps, order.id)) && (await getHold(tx, order.id))?.status !== 'voided') {
    throw new Error(`hold of order ${order.id} was not pending`);
  }
}

/**
 * Recurring: settles delivered orders past the confirmation window (plus the time after-sales cases kept
 * them open), oldest first, `pageSize` at a time; a disputed order past it settles all but the part its
 * case holds back. Orders of a supplier whose settlement is delayed are skipped and paged past (by delivery
 * time and id), so however many of them are due they never hold back anyone else's; at most `pageSize`
 * orders settle per run.
 */
export async function autoCompleteOrders(deps: Deps, pageSize = 200): Promise<number> {
  const window = await getSetting(deps.db, 'orders.confirmationWindowHours');
  const before = deps.clock.now() - window * HOUR;
  const delayed = new Map<string, boolean>();
  const isDelayed = async (supplierId: string): Promise<boolean> => {
    if (!deps.hooks.has(settlementDelayed)) return false;
    let d = delayed.get(supplierId);
    if (d === undefined) {
      d = await deps.hooks.get(settlementDelayed)(deps.db, supplierId);
      delayed.set(supplierId, d);
    }
    return d;
  };
  let done = 0;
  let after: { deliveredAt: number; id: string } | null = null;
  for (;;) {
    const page = await q.dueForCompletion(deps.db, before, pageSize, after);
    for (const due of page) {
      if (done >= pageSize) return done;
      if (await isDelayed(due.supplierId)) continue;
      await deps.db.transaction().execute(async (tx) => {
        // locked: a case's refund or ending takes this row first too, so the two run one after the other
        const order = await q.findOrderForUpdate(tx, deps.dialect, due.id);
        // read again under the lock: a case that ended meanwhile has pushed the window on
        if (!order || (order.delivered_at ?? 0) + order.window_extension_ms > before) return;
        if (order.status === 'delivered') {
          await complete(tx, deps, order, 'confirmation_window_elapsed');
          done++;
        } else if (order.status === 'disputed' && (await settleUnfrozen(tx, deps, order.id)) > 0) {
          done++;
        }
      });
    }
    const last = page.at(-1);
    if (page.length < pageSize || !last) return done;
    after = { deliveredAt: last.deliveredAt, id: last.id };
  }
}

/** The buyer cancels: an unpaid order at once; a paid manual order after its delivery deadline, with a refund. */
export async function cancelOrder(deps: Deps, auth: AuthContext, orderId: string): Promise<OrderView> {
  const deadlineHours = await getSetting(deps.db, 'orders.manualDeliveryHours');
  const view = await deps.db.transaction().execute(async (tx) => {
    const order = await q.findOrder(tx, orderId);
    if (!order || order.buyer_id !== auth.userId) throw new AppError('NOT_FOUND', 'No such order');
    const items = await q.itemsOf(tx, orderId);
    if (order.status === 'pending_payment') {
      await move(tx, deps, order, ['pending_payment'], 'cancelled', 'buyer_cancelled', { closed_at: deps.clock.now() });
      await releaseItems(tx, deps, orderId, items);
      await closePendingPayments(tx, deps, orderId);
    } else if (order.status === 'paid' && items[0]?.delivery_mode !== 'auto') {
      if (deps.clock.now() < (order.paid_at ?? 0) + deadlineHours * HOUR) {
        throw new AppError(
          'INVALID_STATE',
          'The supplier still has time to deliver; you can cancel after the deadline',
          {
            deadline: (order.paid_at ?? 0) + deadlineHours * HOUR,
          },
        );
      }
      for (const it of items) await returnManualStock(tx, it.product_id, it.quantity);
      await refundOrder(tx, deps, order, await paymentOf(tx, orderId), 'manual_delivery_overdue', { fromHold: true });
    } else {
      throw new AppError('INVALID_STATE', `An order that is ${order.status} cannot be cancelled`);
    }
    return toView((await q.findOrder(tx, orderId))!, items);
  });
  await invalidateCatalogCache(deps);
  return view;
}

/** The supplier fills a manual order with text (account, code, instructions); it is stored encrypted. */
export async function deliverManually(
  deps: Deps,
  auth: AuthContext,
  orderId: string,
  content: string,
  ip: string,
): Promise<OrderView> {
  return deps.db.transaction().execute(async (tx) => {
    const order = await q.findOrder(tx, orderId);
    if (!order || order.supplier_id !== auth.userId) throw new AppError('NOT_FOUND', 'No such order');
    const items = await q.itemsOf(tx, orderId);
    if (items[0]?.delivery_mode === 'auto')
      throw new AppError('INVALID_STATE', 'This order is delivered automatically');
    const now = deps.clock.now();
    if (!(await move(tx, deps, order, ['paid'], 'delivered', 'supplier_delivered', { delivered_at: now }))) {
      throw new AppError('INVALID_STATE', `An order that is ${order.status} cannot be delivered`);
    }
    await q.insertDelivery(tx, {
      order_id: orderId,
      content_enc: encrypt(deliveryKey(deps), content, orderId),
      delivered_by: auth.userId,
      created_at: now,
    });
    await writeAudit(tx, deps, {
      actorId: auth.userId,
      action: 'order.deliver_manual',
      objectType: 'order',
      objectId: orderId,
      ip,
    });
    if (order.guest_email || order.buyer_id) await enqueue(tx, deps, notifyDeliveredJob, { orderId });
    return toView((await q.findOrder(tx, orderId))!, items);
  });
}

/**
 * The supplier cannot fill a paid manual or direct order (out of stock upstream, a wrong account): the buyer gets
 * the whole amount back from escrow at once, the way an overdue order is refunded, and the units return to stock.
 */
export async function refundBySupplier(
  deps: Deps,
  auth: AuthContext,
  orderId: string,
  reason: string,
  ip: string,
): Promise<OrderView> {
  const view = await deps.db.transaction().execute(async (tx) => {
    const order = await q.findOrder(tx, orderId);
    if (!order || order.supplier_id !== auth.userId) throw new AppError('NOT_FOUND', 'No such order');
    const items = await q.itemsOf(tx, orderId);
    if (items[0]?.delivery_mode === 'auto')
      throw new AppError('INVALID_STATE', 'This order is delivered automatically');
    if (order.status !== 'paid')
      throw new AppError('INVALID_STATE', `An order that is ${order.status} cannot be refunded here`);
    for (const it of items) await returnManualStock(tx, it.product_id, it.quantity);
    await refundOrder(tx, deps, order, await paymentOf(tx, orderId), 'supplier_refunded', { fromHold: true });
    await writeAudit(tx, deps, {
      actorId: auth.userId,
      action: 'order.refund_by_supplier',
      objectType: 'order',
      objectId: orderId,
      ip,
      details: { reason },
    });
    return toView((await q.findOrder(tx, orderId))!, items);
  });
  await invalidateCatalogCache(deps);
  return view;
}

/** An operator sends a delivered order's notice again: the same job as at delivery, audited. */
export async function resendDelivery(deps: Deps, auth: AuthContext, orderId: string, ip: string): Promise<void> {
  await deps.db.transaction().execute(async (tx) => {
    const order = await q.findOrder(tx, orderId);
    if (!order) throw new AppError('NOT_FOUND', 'No such order');
    if (!['delivered', 'completed'].includes(order.status))
      throw new AppError('INVALID_STATE', `An order that is ${order.status} has no delivery to send again`);
    if (!order.guest_email && !order.buyer_id) throw new AppError('INVALID_STATE', 'Nobody to send it to');
    await enqueue(tx, deps, notifyDeliveredJob, { orderId });
    await writeAudit(tx, deps, {
      actorId: auth.userId,
      action: 'order.resend_delivery',
      objectType: 'order',
      objectId: orderId,
      ip,
    });
  });
}
