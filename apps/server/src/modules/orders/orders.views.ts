/** What buyers, suppliers and operators see of orders, and the lookups that find them. */
import { verify as bcryptVerify } from '@node-rs/bcrypt';
import { decrypt, deriveKey } from '../../platform/crypto.ts';
import type { Executor } from '../../platform/db/database.ts';
import type { Deps } from '../../platform/deps.ts';
import { maskEmail, maskPhone } from '../../platform/mask.ts';
import { type Rotation, reseal } from '../../platform/master-key.ts';
import type { AuthContext } from '../../platform/http/auth.ts';
import { AppError } from '../../platform/http/errors.ts';
import { MINUTE } from '../../platform/rate-limit.ts';
import {
  type Contact,
  consumeCode,
  contactsOf,
  sendOrderLookupCode,
  shopNamesOf,
  usersByContact,
} from '../accounts/accounts.service.ts';
import { paidPaymentForOrder, refundedCents } from '../payments/payments.service.ts';
import { revealKeysForOrder, soldKeysOf } from '../vault/vault.service.ts';
import * as q from './orders.queries.ts';
import type { OrderStatus } from './orders.tables.ts';

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
  shopName?: string | null;
  buyerContact?: string | null;
  cardKeys?: string[];
  cardKeyCount?: number;
  deliveryContent?: string;
}

/**
 * How much of the buyer a viewer sees: the buyer nothing (it is him); the supplier a masked contact; operators the
 * email whole (how they find orders) and a phone masked, revealed by the audited POST /admin/users/:id/contact.
 */
type BuyerShown = 'none' | 'masked' | 'operator';

function shownContact(contact: string, buyer: BuyerShown): string {
  if (contact.includes('@')) return buyer === 'masked' ? maskEmail(contact) : contact;
  return maskPhone(contact);
}

/** Names instead of ids: the shop's name, and the buyer's email or phone as far as the viewer may see it. */
async function withNames(deps: Deps, rows: q.OrderRow[], views: OrderView[], buyer: BuyerShown): Promise<OrderView[]> {
  const shops = await shopNamesOf(
    deps.db,
    rows.map((r) => r.supplier_id),
  );
  const buyerIds = rows.flatMap((r) => (r.buyer_id ? [r.buyer_id] : []));
  const contacts = buyer === 'none' ? new Map<string, Contact>() : await contactsOf(deps.db, buyerIds);
  return views.map((v, i) => {
    const row = rows[i] as q.OrderRow;
    const c = row.buyer_id ? contacts.get(row.buyer_id) : undefined;
    const contact = row.buyer_id ? (c?.email ?? c?.phone ?? null) : row.guest_email;
    return {
      ...v,
      shopName: shops.get(row.supplier_id) ?? null,
      ...(buyer === 'none' ? {} : { buyerContact: contact && shownContact(contact, buyer) }),
    };
  });
}

async function named(deps: Deps, row: q.OrderRow, view: OrderView, buyer: BuyerShown): Promise<OrderView> {
  return (await withNames(deps, [row], [view], buyer))[0] as OrderView;
}

/** The key manual deliveries are sealed with. */
export function deliveryKey(deps: Deps): Buffer {
  return deriveKey(deps.config.masterKey, 'order-delivery');
}

/** A master-key rotation: what suppliers delivered by hand, sealed again under the new key. */
export async function rotateDeliveries(r: Rotation): Promise<void> {
  const rows = await q.sealedDeliveries(r.tx);
  for (const d of rows) {
    await q.setDeliveryContent(r.tx, d.order_id, reseal(r, 'order-delivery', d.content_enc, d.order_id));
  }
  r.count('manual deliveries', rows.length);
}

export function toView(o: q.OrderRow, items: q.OrderItemRow[]): OrderView {
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
      priceRule: i.price_rule,
    })),
  };
}

/**
 * Reveals the order's keys under its row lock, so a reveal and a return of unrevealed keys (which locks the
 * order too) run one after the other: a key taken back is never shown, a key shown is never taken back.
 */
export async function revealUnderLock(deps: Deps, orderId: string): Promise<string[]> {
  return deps.db.transaction().execute(async (tx) => {
    const locked = await q.findOrderForUpdate(tx, deps.dialect, orderId);
    if (!locked || !['delivered', 'completed', 'disputed'].includes(locked.status)) return [];
    return revealKeysForOrder(tx, deps, orderId);
  });
}

async function withSecrets(deps: Deps, order: q.OrderRow, view: OrderView, showKeys = true): Promise<OrderView> {
  if (!['delivered', 'completed', 'disputed'].includes(order.status)) return view;
  const keys = showKeys ? await revealUnderLock(deps, order.id) : [];
  const hidden = showKeys ? 0 : (await soldKeysOf(deps.db, order.id)).length;
  const delivery = await q.findDelivery(deps.db, order.id);
  return {
    ...view,
    ...(keys.length > 0 ? { cardKeys: keys } : {}),
    ...(hidden > 0 ? { cardKeyCount: hidden } : {}),
    ...(delivery
      ? { deliveryContent: decrypt(deliveryKey(deps), delivery.content_enc, order.id).toString('utf8') }
      : {}),
  };
}

/**
 * Only the buyer sees an order (and its keys); anyone else gets 404, never 403, so ids reveal nothing.
 * Keys come (and their reveal is recorded) unless the buyer asks without them: `keys: false`.
 */
export async function getOrderForBuyer(
  deps: Deps,
  auth: AuthContext,
  orderId: string,
  opts: { keys: boolean } = { keys: true },
): Promise<OrderView> {
  const order = await q.findOrder(deps.db, orderId);
  if (!order || order.buyer_id !== auth.userId) throw new AppError('NOT_FOUND', 'No such order');
  return withSecrets(
    deps,
    order,
    await named(deps, order, toView(order, await q.itemsOf(deps.db, orderId)), 'none'),
    opts.keys,
  );
}

/** The buyer's explicit reveal step: the keys, their first reveal recorded; 409 before delivery. */
export async function revealOrderKeys(deps: Deps, auth: AuthContext, orderId: string): Promise<{ cardKeys: string[] }> {
  const order = await q.findOrder(deps.db, orderId);
  if (!order || order.buyer_id !== auth.userId) throw new AppError('NOT_FOUND', 'No such order');
  if (!['delivered', 'completed', 'disputed'].includes(order.status)) {
    throw new AppError('INVALID_STATE', `An order that is ${order.status} has no keys to show`);
  }
  return { cardKeys: await revealUnderLock(deps, orderId) };
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
  return withSecrets(deps, order, await named(deps, order, toView(order, await q.itemsOf(deps.db, orderId)), 'none'));
}

/** Asks for a code at the email a guest bought with; sent only when it bought something here. */
export async function sendGuestLookupCode(deps: Deps, email: string, ip: string) {
  const bought = (await q.guestOrdersOf(deps.db, email, 1)).length > 0;
  return sendOrderLookupCode(deps, email, bought, { ip });
}

/**
 * A guest who lost the lookup password proves the email with its code (single use, 5 minutes, 5 guesses):
 * the answer is that email's guest orders, keys included, as the lookup password would show them one by one.
 */
export async function lookupGuestOrdersByCode(
  deps: Deps,
  email: string,
  code: string,
  ip: string,
): Promise<{ items: OrderView[] }> {
  await deps.limiter.consume(`lookup:ip:${ip}`, { max: 10, windowMs: MINUTE }, 'order lookups');
  await consumeCode(deps, email, 'order_lookup', code);
  const rows = await q.guestOrdersOf(deps.db, email, 20);
  const items: OrderView[] = [];
  for (const order of rows) {
    const view = await named(deps, order, toView(order, await q.itemsOf(deps.db, order.id)), 'none');
    items.push(await withSecrets(deps, order, view));
  }
  return { items };
}

type OwnFilter = Omit<q.OrderFilter, 'buyerId' | 'supplierId' | 'q' | 'buyerIds'>;

export async function listBuyerOrders(deps: Deps, auth: AuthContext, f: OwnFilter) {
  return orderPage(deps, { ...f, buyerId: auth.userId }, 'none');
}

export async function listSupplierOrders(deps: Deps, auth: AuthContext, f: OwnFilter) {
  return orderPage(deps, { ...f, supplierId: auth.userId }, 'masked');
}

export async function getOrderForOperator(deps: Deps, orderId: string) {
  const order = await q.findOrder(deps.db, orderId);
  if (!order) throw new AppError('NOT_FOUND', 'No such order');
  const events = await q.eventsOf(deps.db, orderId);
  const payment = await paidPaymentForOrder(deps.db, orderId);
  return {
    paymentId: payment?.id ?? null,
    refundableCents: payment ? order.amount_cents - (await refundedCents(deps.db, payment.id)) : 0,
    ...(await named(deps, order, toView(order, await q.itemsOf(deps.db, orderId)), 'operator')),
    buyerId: order.buyer_id,
    guestEmail: order.guest_email,
    needsAttention: order.needs_attention === 1,
    events: events.map((e) => ({ from: e.from_status, to: e.to_status, cause: e.cause, at: e.created_at })),
  };
}

/** Operators search by order number, buyer id, a guest's email, or part of a buyer's email or phone. */
export async function searchOrders(deps: Deps, f: Omit<q.OrderFilter, 'buyerId' | 'supplierId' | 'buyerIds'>) {
  const buyerIds = f.q && f.q.length >= 3 ? await usersByContact(deps.db, f.q) : [];
  return orderPage(deps, { ...f, buyerIds }, 'operator');
}

async function orderPage(deps: Deps, f: q.OrderFilter, buyer: BuyerShown) {
  const { rows, total } = await q.listOrders(deps.db, f);
  const items = await q.itemsOfMany(
    deps.db,
    rows.map((r) => r.id),
  );
  const views = rows.map((r) => toView(r, items.get(r.id) ?? []));
  return { items: await withNames(deps, rows, views, buyer), total };
}

/** An order's own record, as stored, with its items and transitions (the traceability export of compliance). */
export async function orderRecord(db: Executor, orderId: string) {
  const order = await q.findOrder(db, orderId);
  if (!order) throw new AppError('NOT_FOUND', 'No such order');
  const [items, events] = await Promise.all([q.itemsOf(db, orderId), q.eventsOf(db, orderId)]);
  return { order, items, events };
}
