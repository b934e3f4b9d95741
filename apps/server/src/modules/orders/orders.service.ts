import type { DailySalesDto } from '@kameng/contracts';
import { hash as bcryptHash, verify as bcryptVerify } from '@node-rs/bcrypt';
import { writeAudit } from '../../platform/audit.ts';
import { newId } from '../../platform/clock.ts';
import { decrypt, deriveKey, encrypt, sha256Hex } from '../../platform/crypto.ts';
import type { Executor } from '../../platform/db/database.ts';
import { transactionWithHotRowsLast } from '../../platform/db/hot-rows.ts';
import { isUniqueViolation } from '../../platform/db/dialect.ts';
import { fillDays, lastCstDays } from '../../platform/days.ts';
import type { Deps } from '../../platform/deps.ts';
import type { AuthContext } from '../../platform/http/auth.ts';
import { AppError } from '../../platform/http/errors.ts';
import { enqueue } from '../../platform/jobs/jobs.ts';
import { HOUR, MINUTE } from '../../platform/rate-limit.ts';
import { getSetting } from '../../platform/settings.ts';
import { emailOf } from '../accounts/accounts.service.ts';
import {
  categoryPath,
  getProductsForOrder,
  invalidateCatalogCache,
  invalidateCatalogProducts,
  type ProductForOrder,
  recordSale,
  returnManualStock,
  takeManualStock,
  unitPriceCents,
} from '../catalog/catalog.service.ts';
import {
  commissionRateBps,
  getHold,
  openHold,
  postEntry,
  releaseHoldPart,
  settleHold,
  splitCommission,
  voidHold,
} from '../ledger/ledger.service.ts';
import type { Provider } from '../payments/payments.tables.ts';
import {
  applyPaid,
  assertMethodAvailable,
  closePendingPayments,
  createPayment,
  type PaymentView,
  paidPaymentForOrder,
  recordRefund,
  refundedCents,
  toPaymentView,
} from '../payments/payments.service.ts';
import { markKeysSold, releaseKeys, reserveKeys, revealKeysForOrder } from '../vault/vault.service.ts';
import { expireOrderJob, notifyDeliveredJob } from './orders.jobs-spec.ts';
import * as q from './orders.queries.ts';
import type { OrderStatus } from './orders.tables.ts';

export interface OrderItemInput {
  productId: string;
  quantity: number;
}

export interface CreateOrderInput {
  items: OrderItemInput[];
  paymentMethod: Provider;
  recipientAccount?: string | undefined;
  guest?: { email: string; lookupPassword: string } | undefined;
}

export interface OrderView {
  id: string;
  status: OrderStatus;
  amountCents: number;
  paymentMethod: string;
  supplierId: string;
  guest: boolean;
  recipientAccount: string | null;
  reservedUntil: number;
  createdAt: number;
  paidAt: number | null;
  deliveredAt: number | null;
  completedAt: number | null;
  items: {
    productId: string;
    title: string;
    quantity: number;
    unitPriceCents: number;
    amountCents: number;
    deliveryMode: string;
  }[];
  cardKeys?: string[];
  deliveryContent?: string;
}

function deliveryKey(deps: Deps): Buffer {
  return deriveKey(deps.config.masterKey, 'order-delivery');
}

function toView(o: q.OrderRow, items: q.OrderItemRow[]): OrderView {
  return {
    id: o.id,
    status: o.status,
    amountCents: o.amount_cents,
    paymentMethod: o.payment_method,
    supplierId: o.supplier_id,
    guest: o.buyer_id === null,
    recipientAccount: o.recipient_account,
    reservedUntil: o.reserved_until,
    createdAt: o.created_at,
    paidAt: o.paid_at,
    deliveredAt: o.delivered_at,
    completedAt: o.completed_at,
    items: items.map((i) => ({
      productId: i.product_id,
      title: i.title,
      quantity: i.quantity,
      unitPriceCents: i.unit_price_cents,
      amountCents: i.amount_cents,
      deliveryMode: i.delivery_mode,
    })),
  };
}

async function move(
  tx: Executor,
  deps: Deps,
  order: Pick<q.OrderRow, 'id' | 'status'>,
  from: OrderStatus[],
  to: OrderStatus,
  cause: string,
  patch: Parameters<typeof q.transition>[4] = {},
): Promise<boolean> {
  const now = deps.clock.now();
  const moved = await q.transition(tx, order.id, from, to, patch, now);
  if (moved) {
    await q.insertEvent(tx, {
      id: newId('oev', deps.clock, deps.random),
      order_id: order.id,
      from_status: order.status,
      to_status: to,
      cause,
      created_at: now,
    });
  }
  return moved;
}

function requestHash(input: CreateOrderInput): string {
  return sha256Hex(
    JSON.stringify({
      items: input.items.map((i) => [i.productId, i.quantity]),
      paymentMethod: input.paymentMethod,
      recipientAccount: input.recipientAccount ?? null,
      guest: input.guest?.email ?? null,
    }),
  );
}

/**
 * Creates an order priced from the database, reserving its keys or stock. Paying from the wallet
 * happens in the same transaction: either the order is paid and its keys delivered, or nothing is written.
 */
export async function createOrder(
  deps: Deps,
  auth: AuthContext | null,
  input: CreateOrderInput,
  idempotencyKey: string | undefined,
  ip: string,
): Promise<{ order: OrderView; payment: PaymentView; replayed: boolean }> {
  if (!auth && !input.guest)
    throw new AppError('UNAUTHENTICATED', 'Sign in, or give an email and a lookup password to buy as a guest');
  if (!auth && input.paymentMethod === 'balance') {
    throw new AppError('UNPROCESSABLE', 'Guests cannot pay from a wallet', {
      issues: [{ path: ['paymentMethod'], message: 'guests cannot use balance' }],
    });
  }
  await deps.limiter.consume(
    `order:${auth ? `u:${auth.userId}` : `ip:${ip}`}`,
    { max: 30, windowMs: MINUTE },
    'orders',
  );
  await assertMethodAvailable(deps, input.paymentMethod);
  const hash = requestHash(input);
  if (auth && idempotencyKey) {
    const existing = await q.findByIdempotencyKey(deps.db, auth.userId, idempotencyKey);
    if (existing) return replay(deps, existing, hash);
  }

  const productIds = [...new Set(input.items.map((i) => i.productId))];
  if (productIds.length !== input.items.length) {
    throw new AppError('VALIDATION_FAILED', 'Each product may appear once per order', {
      issues: [{ path: ['items'], message: 'duplicate productId' }],
    });
  }
  const guestHash = input.guest ? await bcryptHash(input.guest.lookupPassword, deps.config.bcryptCost) : null;
  const reservationMinutes = await getSetting(deps.db, 'orders.reservationMinutes');

  try {
    const created = await transactionWithHotRowsLast(deps.db, async (tx) => {
      const products = await getProductsForOrder(tx, productIds);
      const now = deps.clock.now();
      const orderId = newId('ord', deps.clock, deps.random);
      const items: q.OrderItemRow[] = [];
      let supplierId: string | null = null;
      let mode: 'auto' | 'manual' | 'direct' | null = null;
      for (const [index, it] of input.items.entries()) {
        const p = products.get(it.productId);
        if (p?.status !== 'approved' || !p.onSale) {
          throw new AppError('NOT_FOUND', `Product ${it.productId} is not for sale`, {
            issues: [{ path: ['items', index, 'productId'], message: 'not for sale' }],
          });
        }
        if (it.quantity < p.minPerOrder || (p.maxPerOrder !== null && it.quantity > p.maxPerOrder)) {
          throw new AppError(
            'UNPROCESSABLE',
            `Quantity for ${p.title} must be between ${p.minPerOrder} and ${p.maxPerOrder ?? '∞'}`,
            {
              issues: [{ path: ['items', index, 'quantity'], message: 'out of range' }],
            },
          );
        }
        if (supplierId !== null && supplierId !== p.supplierId) {
          throw new AppError('UNPROCESSABLE', 'An order holds goods of one supplier; check out each shop separately');
        }
        if (mode !== null && mode !== p.deliveryMode) {
          throw new AppError('UNPROCESSABLE', 'An order holds goods of one delivery mode; check them out separately');
        }
        supplierId = p.supplierId;
        mode = p.deliveryMode;
        const unit = unitPriceCents(p, it.quantity);
        items.push({
          id: newId('oit', deps.clock, deps.random),
          order_id: orderId,
          product_id: p.id,
          category_id: p.categoryId,
          title: p.title,
          delivery_mode: p.deliveryMode,
          quantity: it.quantity,
          unit_price_cents: unit,
          amount_cents: unit * it.quantity,
        });
      }
      if (!supplierId || !mode) throw new AppError('VALIDATION_FAILED', 'An order needs at least one item');
      if (mode === 'direct' && !input.recipientAccount) {
        throw new AppError('VALIDATION_FAILED', 'Direct top-up goods need the account to top up', {
          issues: [{ path: ['recipientAccount'], message: 'required' }],
        });
      }
      if (auth && supplierId === auth.userId) throw new AppError('UNPROCESSABLE', 'You cannot buy your own goods');
      const amount = items.reduce((s, i) => s + i.amount_cents, 0);
      if (!Number.isSafeInteger(amount) || amount <= 0)
        throw new AppError('UNPROCESSABLE', 'The order total must be positive');

      const reservedUntil = now + reservationMinutes * MINUTE;
      await q.insertOrder(
        tx,
        {
          id: orderId,
          buyer_id: auth?.userId ?? null,
          guest_email: input.guest?.email ?? null,
          guest_lookup_hash: guestHash,
          supplier_id: supplierId,
          status: 'pending_payment',
          amount_cents: amount,
          payment_method: input.paymentMethod,
          recipient_account: input.recipientAccount ?? null,
          idempotency_key: auth ? (idempotencyKey ?? null) : null,
          request_hash: hash,
          reserved_until: reservedUntil,
          paid_at: null,
          delivered_at: null,
          completed_at: null,
          closed_at: null,
          needs_attention: 0,
          created_at: now,
          updated_at: now,
        },
        items,
      );
      await q.insertEvent(tx, {
        id: newId('oev', deps.clock, deps.random),
        order_id: orderId,
        from_status: null,
        to_status: 'pending_payment',
        cause: 'created',
        created_at: now,
      });
      if (!(await reserveItems(tx, deps, orderId, items, products))) {
        throw new AppError('OUT_OF_STOCK', 'Not enough stock for this order', {
          productIds: items.map((i) => i.product_id),
        });
      }
      // a wallet order is paid below, in this transaction, or not made at all: it has nothing to expire
      if (input.paymentMethod !== 'balance') {
        await enqueue(tx, deps, expireOrderJob, { orderId }, { runAt: reservedUntil });
      }
      const payment = await createPayment(tx, deps, {
        purpose: 'order',
        orderId,
        userId: auth?.userId ?? null,
        provider: input.paymentMethod,
        amountCents: amount,
        expiresAt: reservedUntil,
      });
      if (input.paymentMethod === 'balance') await applyPaid(tx, deps, payment, payment.id);
      if (auth) await q.removeCartItems(tx, auth.userId, productIds);
      const order = (await q.findOrder(tx, orderId))!;
      const paid = input.paymentMethod === 'balance' ? { ...payment, status: 'paid' as const } : payment;
      return { order: toView(order, items), payment: toPaymentView(paid), replayed: false };
    });
    // stock is shown from the cache; after the commit it must show the reservation (and a wallet sale's count)
    await invalidateCatalogProducts(deps, productIds, { sold: input.paymentMethod === 'balance' });
    return created;
  } catch (err) {
    // two requests with one idempotency key raced: the loser answers with the winner's order
    if (auth && idempotencyKey && isUniqueViolation(err)) {
      const existing = await q.findByIdempotencyKey(deps.db, auth.userId, idempotencyKey);
      if (existing) return replay(deps, existing, hash);
    }
    throw err;
  }
}

async function replay(deps: Deps, existing: q.OrderRow, hash: string) {
  if (existing.request_hash !== hash) {
    throw new AppError('IDEMPOTENCY_MISMATCH', 'This Idempotency-Key was used for a different order request');
  }
  const items = await q.itemsOf(deps.db, existing.id);
  const { paymentsForOrder } = await import('../payments/payments.queries.ts');
  const payments = await paymentsForOrder(deps.db, existing.id);
  const payment = payments.at(-1);
  if (!payment) throw new Error(`order ${existing.id} has no payment`);
  return { order: toView(existing, items), payment: toPaymentView(payment), replayed: true };
}

async function reserveItems(
  tx: Executor,
  deps: Deps,
  orderId: string,
  items: q.OrderItemRow[],
  products?: Map<string, ProductForOrder>,
): Promise<boolean> {
  for (const it of items) {
    if (it.delivery_mode === 'auto') {
      const r = await reserveKeys(tx, deps, {
        productId: it.product_id,
        orderId,
        quantity: it.quantity,
        ...(products ? { lowStockThreshold: products.get(it.product_id)?.lowStockThreshold ?? null } : {}),
      });
      if (!r.ok) return false;
    } else if (!(await takeManualStock(tx, it.product_id, it.quantity))) {
      return false;
    }
  }
  return true;
}

async function releaseItems(tx: Executor, deps: Deps, orderId: string, items: q.OrderItemRow[]): Promise<void> {
  await releaseKeys(tx, deps, orderId);
  for (const it of items) if (it.delivery_mode !== 'auto') await returnManualStock(tx, it.product_id, it.quantity);
}

/**
 * Called once per payment, inside the transaction that marks it paid. Books the sale into escrow and
 * queues delivery; a payment that arrives after the order expired is delivered if stock remains and
 * refunded otherwise.
 */
export async function onOrderPaid(
  tx: Executor,
  deps: Deps,
  orderId: string,
  p: { paymentId: string; payer: string; provider: Provider },
): Promise<void> {
  const order = await q.findOrder(tx, orderId);
  if (!order) throw new Error(`paid order ${orderId} not found`);
  const items = await q.itemsOf(tx, orderId);
  const now = deps.clock.now();
  let cause = 'payment_confirmed';
  if (order.status === 'cancelled') {
    if (!(await reserveItems(tx, deps, orderId, items))) {
      await refund(tx, deps, order, { id: p.paymentId, provider: p.provider }, 'late_payment_out_of_stock', {
        fromHold: false,
      });
      return;
    }
    cause = 'late_payment_confirmed';
  } else if (order.status !== 'pending_payment') {
    // paid twice through two payments of one order: the second is returned to the buyer
    await refund(tx, deps, order, { id: p.paymentId, provider: p.provider }, `duplicate_payment_${p.paymentId}`, {
      fromHold: false,
      keepStatus: true,
    });
    return;
  }
  if (!(await move(tx, deps, order, ['pending_payment', 'cancelled'], 'paid', cause, { paid_at: now }))) {
    throw new Error(`order ${orderId} changed state while being paid`);
  }
  const first = items[0]!;
  const bps = await commissionRateBps(tx, {
    supplierId: order.supplier_id,
    categoryIds: await categoryPath(tx, first.category_id),
  });
  const split = splitCommission(order.amount_cents, bps);
  const window = await getSetting(tx, 'orders.confirmationWindowHours');
  const held = await openHold(tx, deps, {
    orderId,
    supplierId: order.supplier_id,
    supplierShareCents: split.supplierShareCents,
    commissionCents: split.commissionCents,
    payer: p.payer,
    releaseAt: now + window * HOUR,
  });
  if (held.status === 'insufficient_funds') {
    throw new AppError('INSUFFICIENT_FUNDS', 'Your wallet balance is not enough for this order', {
      accountId: held.accountId,
    });
  }
  for (const it of items) await recordSale(tx, deps, it.product_id, it.quantity);
  // card keys were reserved when the order was made: they are handed over in this same transaction,
  // so a committed payment is a delivered order and no queue sits between paying and seeing the keys
  if (first.delivery_mode === 'auto') {
    await deliverReservedKeys(tx, deps, { ...order, status: 'paid' }, items, { id: p.paymentId, provider: p.provider });
  }
}

/**
 * Gives an order's money back: registered buyers to their wallet, guests through the channel they paid
 * with. From escrow when the sale was booked (the hold is voided), otherwise straight from the payer.
 */
async function refund(
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

/** Where a refund's money comes from and goes: registered buyers' wallets unless sent back through the channel. */
function refundAccounts(order: q.OrderRow, payment: { provider: Provider }, to?: 'wallet' | 'original') {
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
    if (body.amountCents > left) {
      throw new AppError('UNPROCESSABLE', 'More than what is left to refund', { refundableCents: left });
    }
    if (body.amountCents === left) {
      if (order.status === 'paid') await releaseItems(tx, deps, orderId, await q.itemsOf(tx, orderId));
      await refund(tx, deps, order, payment, 'operator_refund', {
        fromHold: true,
        to: body.destination,
        amountCents: left,
      });
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
    }
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

async function paymentOf(tx: Executor, orderId: string): Promise<{ id: string; provider: Provider }> {
  const payment = await paidPaymentForOrder(tx, orderId);
  if (!payment) throw new Error(`order ${orderId} has no paid payment`);
  return payment;
}

/**
 * Hands a paid order its reserved keys, in the caller's transaction. A paid order whose reserved keys are
 * not all there is refunded instead.
 */
async function deliverReservedKeys(
  tx: Executor,
  deps: Deps,
  order: q.OrderRow,
  items: q.OrderItemRow[],
  payment: { id: string; provider: Provider },
): Promise<void> {
  const expected = items.filter((i) => i.delivery_mode === 'auto').reduce((s, i) => s + i.quantity, 0);
  if (expected === 0) return;
  const sold = await markKeysSold(tx, deps, order.id);
  if (sold !== expected) {
    deps.log.error({ orderId: order.id, expected, sold }, 'delivery found fewer reserved keys than ordered; refunding');
    await releaseKeys(tx, deps, order.id);
    await refund(tx, deps, order, payment, 'delivery_failed', { fromHold: true });
    return;
  }
  await move(tx, deps, order, ['paid'], 'delivered', 'keys_delivered', { delivered_at: deps.clock.now() });
  if (order.guest_email || order.buyer_id) await enqueue(tx, deps, notifyDeliveredJob, { orderId: order.id });
}

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

/** Tells the buyer the order is delivered. The keys themselves stay on the site: a mail server is no vault. */
export async function notifyDelivered(deps: Deps, orderId: string): Promise<void> {
  const order = await q.findOrder(deps.db, orderId);
  if (!order) return;
  let email = order.guest_email;
  if (!email && order.buyer_id) email = await emailOf(deps.db, order.buyer_id);
  if (!email) return;
  await deps.sender.send({
    channel: 'email',
    to: email,
    subject: `卡盟订单 ${order.id} 已发货 / Your Kameng order is delivered`,
    text: `您的订单 ${order.id} 已发货，请登录卡盟或用订单号和查询密码查看卡密。\nYour order ${order.id} is delivered: sign in (or look it up with its lookup password) to see your keys.`,
  });
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
  if (!(await settleHold(tx, deps, order.id))) throw new Error(`hold of order ${order.id} was not pending`);
}

/** Recurring: delivered orders past the confirmation window complete on their own. */
export async function autoCompleteOrders(deps: Deps): Promise<number> {
  const window = await getSetting(deps.db, 'orders.confirmationWindowHours');
  const ids = await q.dueForCompletion(deps.db, deps.clock.now() - window * HOUR, 200);
  let done = 0;
  for (const id of ids) {
    await deps.db.transaction().execute(async (tx) => {
      const order = await q.findOrder(tx, id);
      if (order?.status !== 'delivered') return;
      await complete(tx, deps, order, 'confirmation_window_elapsed');
      done++;
    });
  }
  return done;
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
      await refund(tx, deps, order, await paymentOf(tx, orderId), 'manual_delivery_overdue', { fromHold: true });
    } else {
      throw new AppError('INVALID_STATE', `An order that is ${order.status} cannot be cancelled`);
    }
    return toView((await q.findOrder(tx, orderId))!, items);
  });
  await invalidateCatalogCache(deps);
  return view;
}

async function withSecrets(deps: Deps, order: q.OrderRow, view: OrderView): Promise<OrderView> {
  if (!['delivered', 'completed', 'disputed'].includes(order.status)) return view;
  const keys = await revealKeysForOrder(deps.db, deps, order.id);
  const delivery = await q.findDelivery(deps.db, order.id);
  return {
    ...view,
    ...(keys.length > 0 ? { cardKeys: keys } : {}),
    ...(delivery
      ? { deliveryContent: decrypt(deliveryKey(deps), delivery.content_enc, order.id).toString('utf8') }
      : {}),
  };
}

/** Only the buyer sees an order (and its keys); anyone else gets 404, never 403, so ids reveal nothing. */
export async function getOrderForBuyer(deps: Deps, auth: AuthContext, orderId: string): Promise<OrderView> {
  const order = await q.findOrder(deps.db, orderId);
  if (!order || order.buyer_id !== auth.userId) throw new AppError('NOT_FOUND', 'No such order');
  return withSecrets(deps, order, toView(order, await q.itemsOf(deps.db, orderId)));
}

export async function lookupGuestOrder(
  deps: Deps,
  orderId: string,
  lookupPassword: string,
  ip: string,
): Promise<OrderView> {
  await deps.limiter.consume(`lookup:ip:${ip}`, { max: 10, windowMs: MINUTE }, 'order lookups');
  await deps.limiter.consume(`lookup:order:${orderId}`, { max: 10, windowMs: 15 * MINUTE }, 'lookups of this order');
  const order = await q.findOrder(deps.db, orderId);
  const ok = order?.guest_lookup_hash ? await bcryptVerify(lookupPassword, order.guest_lookup_hash) : false;
  if (!order || !ok) throw new AppError('NOT_FOUND', 'No order matches that number and lookup password');
  return withSecrets(deps, order, toView(order, await q.itemsOf(deps.db, orderId)));
}

export async function listBuyerOrders(
  deps: Deps,
  auth: AuthContext,
  f: Omit<q.OrderFilter, 'buyerId' | 'supplierId' | 'q'>,
) {
  const { rows, total } = await q.listOrders(deps.db, { ...f, buyerId: auth.userId });
  const items = await q.itemsOfMany(
    deps.db,
    rows.map((r) => r.id),
  );
  return { items: rows.map((r) => toView(r, items.get(r.id) ?? [])), total };
}

export async function listSupplierOrders(
  deps: Deps,
  auth: AuthContext,
  f: Omit<q.OrderFilter, 'buyerId' | 'supplierId' | 'q'>,
) {
  const { rows, total } = await q.listOrders(deps.db, { ...f, supplierId: auth.userId });
  const items = await q.itemsOfMany(
    deps.db,
    rows.map((r) => r.id),
  );
  return { items: rows.map((r) => toView(r, items.get(r.id) ?? [])), total };
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

export async function getOrderForOperator(deps: Deps, orderId: string) {
  const order = await q.findOrder(deps.db, orderId);
  if (!order) throw new AppError('NOT_FOUND', 'No such order');
  const events = await q.eventsOf(deps.db, orderId);
  return {
    ...toView(order, await q.itemsOf(deps.db, orderId)),
    buyerId: order.buyer_id,
    guestEmail: order.guest_email,
    needsAttention: order.needs_attention === 1,
    events: events.map((e) => ({ from: e.from_status, to: e.to_status, cause: e.cause, at: e.created_at })),
  };
}

export async function searchOrders(deps: Deps, f: Omit<q.OrderFilter, 'buyerId' | 'supplierId'>) {
  const { rows, total } = await q.listOrders(deps.db, f);
  const items = await q.itemsOfMany(
    deps.db,
    rows.map((r) => r.id),
  );
  return { items: rows.map((r) => toView(r, items.get(r.id) ?? [])), total };
}

// cart

export async function getCart(deps: Deps, auth: AuthContext) {
  const rows = await q.cartOf(deps.db, auth.userId);
  const products = await getProductsForOrder(
    deps.db,
    rows.map((r) => r.product_id),
  );
  return {
    items: rows.map((r) => {
      const p = products.get(r.product_id);
      const available = p !== undefined && p.status === 'approved' && p.onSale;
      return {
        productId: r.product_id,
        quantity: r.quantity,
        title: p?.title ?? null,
        supplierId: p?.supplierId ?? null,
        available,
        unitPriceCents: available ? unitPriceCents(p, r.quantity) : null,
      };
    }),
  };
}

export async function setCartQuantity(deps: Deps, auth: AuthContext, productId: string, quantity: number) {
  if (quantity === 0) {
    await q.removeCartItems(deps.db, auth.userId, [productId]);
  } else {
    const p = (await getProductsForOrder(deps.db, [productId])).get(productId);
    if (p?.status !== 'approved' || !p.onSale) throw new AppError('NOT_FOUND', 'That product is not for sale');
    await q.setCartItem(deps.db, auth.userId, productId, quantity, deps.clock.now());
  }
  return getCart(deps, auth);
}

// dashboards

/** A supplier's own paid orders and their amount per CST day over the last `days` days. */
export async function supplierSalesPerDay(deps: Deps, auth: AuthContext, days: number): Promise<DailySalesDto> {
  return salesPerDay(deps, days, auth.userId);
}

/** The whole platform's paid orders per CST day: for operators (the route's guard). */
export async function platformSalesPerDay(deps: Deps, days: number): Promise<DailySalesDto> {
  return salesPerDay(deps, days);
}

async function salesPerDay(deps: Deps, days: number, supplierId?: string): Promise<DailySalesDto> {
  const range = lastCstDays(deps.clock.now(), days);
  const rows = await q.paidPerDay(deps.db, { from: range.from, to: range.to, ...(supplierId ? { supplierId } : {}) });
  return { items: fillDays(range, rows, { orders: 0, amountCents: 0 }) };
}
