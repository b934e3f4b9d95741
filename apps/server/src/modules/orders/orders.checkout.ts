/**
 * A purchase, top to bottom. Everything an order's money does on the way in happens here, calling down
 * into catalog, vault, payments and ledger and never back up (refunds: orders.refunds.ts).
 *
 *   createOrder                                      one transaction, hot rows last
 *     1. validate: who buys, a method that is on, a repeated Idempotency-Key answers the first order
 *     2. price every item from the database          catalog.getProductsForOrder, orders.pricing quoteItems
 *     3. write the order and its items
 *     4. reserve its keys or stock                   vault.reserveKeys, catalog.takeManualStock
 *     5. create the payment                          payments.createPayment
 *     6. wallet: the payment is paid right here      payments.markPaid (the payer is the buyer's wallet)
 *        and the paid tail (8–11) follows in the same transaction; too little money undoes it all.
 *        Any other method: an expiry job, and the buyer pays at the channel.
 *
 *   a channel confirms the payment (notification, query, reconciliation), in payments' transaction:
 *     payments.applyPaid → hook paymentPaid["order"] → orderPaid
 *     7. a late payment takes its stock again or is refunded; a second payment is refunded
 *
 *   payOrder, the paid tail
 *     8. pending_payment → paid
 *     9. escrow hold and commission                  ledger.openHold
 *    10. record the sale                             catalog.recordSale
 *    11. hand over the reserved keys                 vault.markKeysSold → delivered, the buyer's notice job
 */
import { hash as bcryptHash } from '@node-rs/bcrypt';
import { newId } from '../../platform/clock.ts';
import type { Executor } from '../../platform/db/database.ts';
import { transactionWithHotRowsLast } from '../../platform/db/hot-rows.ts';
import type { Deps } from '../../platform/deps.ts';
import type { AuthContext } from '../../platform/http/auth.ts';
import { AppError } from '../../platform/http/errors.ts';
import { claimOf, idempotently, type Remember } from '../../platform/idempotency.ts';
import { enqueue } from '../../platform/jobs/jobs.ts';
import { HOUR, MINUTE } from '../../platform/rate-limit.ts';
import { getSetting } from '../../platform/settings.ts';
import {
  isSuspended,
  categoryPath,
  getProductsForOrder,
  invalidateCatalogProducts,
  type ProductForOrder,
  recordSale,
} from '../catalog/catalog.service.ts';
import { openHold, splitCommission } from '../ledger/ledger.service.ts';
import { recordSpend } from '../members/members.service.ts';
import {
  assertMethodAvailable,
  createPayment,
  createPaidWalletPayment,
  latestPaymentForOrder,
  type PaymentView,
  toPaymentView,
} from '../payments/payments.service.ts';
import type { PaymentsTable, Provider } from '../payments/payments.tables.ts';
import { markKeysSold, releaseKeys } from '../vault/vault.service.ts';
import { type AgentSite, orderAgentShares, recordOrderSite } from '../agents/agents.service.ts';
import type { PriceDecision } from '@kameng/contracts';
import { expireOrderJob, notifyDeliveredJob } from './orders.jobs-spec.ts';
import { commissionBpsFor, quoteItems } from './orders.pricing.ts';
import * as q from './orders.queries.ts';
import { refundOrder } from './orders.refunds.ts';
import { moveAt } from './orders.state.ts';
import { reserveItems } from './orders.stock.ts';
import { type OrderView, toView } from './orders.views.ts';

export interface OrderItemInput {
  productId: string;
  quantity: number;
}

export interface CreateOrderInput {
  items: OrderItemInput[];
  paymentMethod: Provider;
  recipientAccount?: string | undefined;
  guest?: { email: string; lookupPassword: string } | undefined;
  /** the buyer's device, hashed (platform/device.ts): a bad-faith signal for after-sales */
  deviceHash?: string | null | undefined;
  /** the 分站 of the request's Host (resolved by the route, never sent by the client); null: the main site */
  site?: AgentSite | null | undefined;
}

/** The payment that paid an order, as the paid tail needs it: the payer is the ledger account the money left. */
interface PaidBy {
  id: string;
  provider: Provider;
  payer: string;
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
  // 1. validate
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
  // a guest's key is theirs by email; the lookup password is part of the request, so only its holder replays
  const owner = auth ? `u:${auth.userId}` : `guest:${input.guest!.email.toLowerCase()}`;
  const claim = claimOf('order', owner, idempotencyKey, requestOf(input));
  const r = await idempotently(
    deps,
    claim,
    (id) => replay(deps, id),
    (remember) => placeOrder(deps, auth, input, remember, ip),
  );
  return { ...r.value, replayed: r.replayed };
}

async function placeOrder(
  deps: Deps,
  auth: AuthContext | null,
  input: CreateOrderInput,
  remember: Remember,
  ip: string,
): Promise<{ order: OrderView; payment: PaymentView }> {
  const productIds = [...new Set(input.items.map((i) => i.productId))];
  if (productIds.length !== input.items.length) {
    throw new AppError('VALIDATION_FAILED', 'Each product may appear once per order', {
      issues: [{ path: ['items'], message: 'duplicate productId' }],
    });
  }
  const guestHash = input.guest ? await bcryptHash(input.guest.lookupPassword, deps.config.bcryptCost) : null;
  const reservationMinutes = await getSetting(deps.db, 'orders.reservationMinutes');
  const wallet = input.paymentMethod === 'balance';

  const created = await transactionWithHotRowsLast(deps.db, async (tx) => {
    // 2. price
    const products = await getProductsForOrder(tx, productIds);
    const now = deps.clock.now();
    const orderId = newId('ord', deps.clock, deps.random);
    const { items, supplierId, amount, quotes } = await priceItems(tx, deps, orderId, input, products, auth);
    // a supplier suspended from sale sells nothing, whatever his products' flags say
    if (await isSuspended(tx, deps, supplierId)) {
      throw new AppError('NOT_FOUND', 'These products are not for sale', {
        issues: [{ path: ['items'], message: 'not for sale' }],
      });
    }

    // 3. write the order
    const reservedUntil = now + reservationMinutes * MINUTE;
    const order: q.OrderRow = {
      id: orderId,
      buyer_id: auth?.userId ?? null,
      guest_email: input.guest?.email ?? null,
      guest_lookup_hash: guestHash,
      supplier_id: supplierId,
      status: 'pending_payment',
      amount_cents: amount,
      payment_method: input.paymentMethod,
      recipient_account: input.recipientAccount ?? null,
      // kept for orders placed before idempotency_keys (0015); new keys live there
      idempotency_key: null,
      request_hash: null,
      reserved_until: reservedUntil,
      paid_at: null,
      delivered_at: null,
      completed_at: null,
      closed_at: null,
      needs_attention: 0,
      window_extension_ms: 0,
      device_hash: input.deviceHash ?? null,
      created_ip: ip,
      created_at: now,
      updated_at: now,
    };
    await q.insertOrder(tx, deps.dialect, order, items, {
      id: newId('oev', deps.clock, deps.random),
      order_id: orderId,
      from_status: null,
      to_status: 'pending_payment',
      cause: 'created',
      created_at: now,
    });
    if (input.site) {
      // a 分站 sale: each agent's share of each item, as priced above (the escrow takes them when paid)
      const shares = items.map((i, n) => ({ itemId: i.id, quantity: i.quantity, shares: quotes[n]!.agentShares }));
      await recordOrderSite(tx, orderId, input.site.userId, shares, now);
    }

    // 4. reserve
    if (!(await reserveItems(tx, deps, orderId, items, products))) {
      throw new AppError('OUT_OF_STOCK', 'Not enough stock for this order', {
        productIds: items.map((i) => i.product_id),
      });
    }
    // a wallet order is paid below, in this transaction, or not made at all: it has nothing to expire
    if (!wallet) await enqueue(tx, deps, expireOrderJob, { orderId }, { runAt: reservedUntil });

    // 5. create the payment; 6. a wallet's is paid as it is written, and the paid tail follows in this transaction
    const newPayment = {
      purpose: 'order' as const,
      orderId,
      userId: auth?.userId ?? null,
      provider: input.paymentMethod,
      amountCents: amount,
      expiresAt: reservedUntil,
    };
    let payment: PaymentsTable;
    // the order as this transaction left it: no need to read back what it just wrote (null: read it)
    let saved: q.OrderRow | null = order;
    if (wallet && auth) {
      const paid = await createPaidWalletPayment(tx, deps, { ...newPayment, userId: auth.userId });
      payment = paid.payment;
      saved = await payOrder(
        tx,
        deps,
        order,
        items,
        { id: payment.id, provider: payment.provider, payer: paid.payer },
        'payment_confirmed',
      );
    } else {
      payment = await createPayment(tx, deps, newPayment);
    }
    if (auth) await q.removeCartItems(tx, auth.userId, productIds);
    await remember(tx, orderId);
    saved ??= (await q.findOrder(tx, orderId))!;
    return { order: toView(saved, items), payment: toPaymentView(payment) };
  });
  // stock is shown from the cache; after the commit it must show the reservation (and a wallet sale's count)
  await invalidateCatalogProducts(deps, productIds, { sold: wallet });
  return created;
}

/**
 * The paymentPaid hook for "order" (orders.module.ts): a channel confirmed an order's payment, inside the
 * transaction that marked it paid. A payment that arrives after the order expired is delivered if its
 * stock is still there and refunded otherwise; a second payment of a paid order is refunded.
 */
export async function orderPaid(tx: Executor, deps: Deps, payment: PaymentsTable, payer: string): Promise<void> {
  if (!payment.order_id) throw new Error(`order payment ${payment.id} has no order`);
  const order = await q.findOrder(tx, payment.order_id);
  if (!order) throw new Error(`paid order ${payment.order_id} not found`);
  const items = await q.itemsOf(tx, order.id);
  const paid: PaidBy = { id: payment.id, provider: payment.provider, payer };
  // 7. late or twice
  if (order.status === 'cancelled') {
    if (!(await reserveItems(tx, deps, order.id, items))) {
      await refundOrder(tx, deps, order, paid, 'late_payment_out_of_stock', { fromHold: false });
      return;
    }
    await payOrder(tx, deps, order, items, paid, 'late_payment_confirmed');
  } else if (order.status === 'pending_payment') {
    await payOrder(tx, deps, order, items, paid, 'payment_confirmed');
  } else {
    // paid twice through two payments of one order: the second is returned to the buyer
    await refundOrder(tx, deps, order, paid, `duplicate_payment_${payment.id}`, { fromHold: false, keepStatus: true });
  }
}

/**
 * The paid tail (8–11), once per order, in the paying transaction: books the sale into escrow and delivers.
 * Returns the order row as it leaves it, or null when a refund moved it (read it back then).
 */
async function payOrder(
  tx: Executor,
  deps: Deps,
  order: q.OrderRow,
  items: q.OrderItemRow[],
  paid: PaidBy,
  cause: string,
): Promise<q.OrderRow | null> {
  // 8. paid
  const now = deps.clock.now();
  const paidAt = await moveAt(tx, deps, order, ['pending_payment', 'cancelled'], 'paid', cause, { paid_at: now });
  if (paidAt === null) throw new Error(`order ${order.id} changed state while being paid`);
  const paidRow: q.OrderRow = { ...order, status: 'paid', paid_at: now, updated_at: paidAt };
  // the buyer's spend, which his member level follows
  if (order.buyer_id) {
    await recordSpend(tx, deps, {
      userId: order.buyer_id,
      orderId: order.id,
      id: `paid:${order.id}`,
      deltaCents: order.amount_cents,
    });
  }
  // 9. escrow (the supplier's member level takes part of the commission off)
  const first = items[0]!;
  const bps = await commissionBpsFor(tx, order.supplier_id, await categoryPath(tx, first.category_id));
  // on a 分站 each agent's margin is his; the supplier's sale (and the commission on it) is the rest. Only a
  // sale above the platform's price has margins, so a main-site sale does not look for them.
  const onSite = items.some(
    (i) => i.platform_unit_cents !== null && Number(i.platform_unit_cents) !== Number(i.unit_price_cents),
  );
  const agentShares = onSite ? await orderAgentShares(tx, order.id) : [];
  const split = splitCommission(order.amount_cents - agentShares.reduce((s, a) => s + a.amountCents, 0), bps);
  const window = await getSetting(tx, 'orders.confirmationWindowHours');
  const held = await openHold(tx, deps, {
    orderId: order.id,
    supplierId: order.supplier_id,
    supplierShareCents: split.supplierShareCents,
    commissionCents: split.commissionCents,
    payer: paid.payer,
    releaseAt: now + window * HOUR,
    agentShares,
  });
  if (held.status === 'insufficient_funds') {
    throw new AppError('INSUFFICIENT_FUNDS', 'Your wallet balance is not enough for this order', {
      accountId: held.accountId,
    });
  }
  // 10. the sale
  for (const it of items) await recordSale(tx, deps, it.product_id, it.quantity);
  // 11. the keys: reserved when the order was made, handed over in this same transaction, so a committed
  // payment is a delivered order and no queue sits between paying and seeing the keys
  if (first.delivery_mode === 'auto') return deliverReservedKeys(tx, deps, paidRow, items, paid);
  return paidRow;
}

/**
 * Hands a paid order its reserved keys, in the caller's transaction. A paid order whose reserved keys are
 * not all there is refunded instead. Returns the order row as it leaves it (null: refunded, or not moved).
 */
export async function deliverReservedKeys(
  tx: Executor,
  deps: Deps,
  order: q.OrderRow,
  items: q.OrderItemRow[],
  payment: { id: string; provider: Provider },
): Promise<q.OrderRow | null> {
  const expected = items.filter((i) => i.delivery_mode === 'auto').reduce((s, i) => s + i.quantity, 0);
  if (expected === 0) return order;
  const sold = await markKeysSold(tx, deps, order.id);
  if (sold !== expected) {
    deps.log.error({ orderId: order.id, expected, sold }, 'delivery found fewer reserved keys than ordered; refunding');
    await releaseKeys(tx, deps, order.id);
    await refundOrder(tx, deps, order, payment, 'delivery_failed', { fromHold: true });
    return null;
  }
  const deliveredAt = deps.clock.now();
  const at = await moveAt(tx, deps, order, ['paid'], 'delivered', 'keys_delivered', { delivered_at: deliveredAt });
  if (order.guest_email || order.buyer_id) await enqueue(tx, deps, notifyDeliveredJob, { orderId: order.id });
  return at === null ? null : { ...order, status: 'delivered', delivered_at: deliveredAt, updated_at: at };
}

/** Checks and prices the items against the products as the database has them; client prices do not exist. */
async function priceItems(
  tx: Executor,
  deps: Deps,
  orderId: string,
  input: CreateOrderInput,
  products: Map<string, ProductForOrder>,
  auth: AuthContext | null,
): Promise<{ items: q.OrderItemRow[]; supplierId: string; amount: number; quotes: PriceDecision[] }> {
  const chosen: ProductForOrder[] = [];
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
    chosen.push(p);
  }
  const quantities = input.items.map((it) => it.quantity);
  const party = { buyerId: auth?.userId ?? null, site: input.site ?? null };
  const quoted = await quoteItems(tx, deps, party, chosen, quantities);
  // on a 分站, a product its agent does not sell is not for sale there
  const quotes = quoted.map((d, index) => {
    if (d) return d;
    throw new AppError('NOT_FOUND', `Product ${chosen[index]!.id} is not for sale`, {
      issues: [{ path: ['items', index, 'productId'], message: 'not for sale' }],
    });
  });
  const items: q.OrderItemRow[] = chosen.map((p, i) => ({
    id: newId('oit', deps.clock, deps.random),
    order_id: orderId,
    product_id: p.id,
    category_id: p.categoryId,
    title: p.title,
    delivery_mode: p.deliveryMode,
    quantity: quantities[i]!,
    unit_price_cents: quotes[i]!.unitPriceCents,
    amount_cents: quotes[i]!.unitPriceCents * quantities[i]!,
    price_rule: quotes[i]!.rule,
    platform_unit_cents: quotes[i]!.platformUnitCents,
  }));
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
  return { items, supplierId, amount, quotes };
}

/** What must be the same for a repeated Idempotency-Key to answer the first order. */
function requestOf(input: CreateOrderInput) {
  return {
    items: input.items.map((i) => [i.productId, i.quantity]),
    paymentMethod: input.paymentMethod,
    recipientAccount: input.recipientAccount ?? null,
    guest: input.guest ? [input.guest.email, input.guest.lookupPassword] : null,
    site: input.site?.id ?? null,
  };
}

async function replay(deps: Deps, orderId: string) {
  const existing = (await q.findOrder(deps.db, orderId))!;
  const items = await q.itemsOf(deps.db, existing.id);
  const payment = await latestPaymentForOrder(deps.db, existing.id);
  if (!payment) throw new Error(`order ${existing.id} has no payment`);
  return { order: toView(existing, items), payment: toPaymentView(payment) };
}
