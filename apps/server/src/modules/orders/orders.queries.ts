import { sql } from 'kysely';
import type { Dialect, Executor } from '../../platform/db/database.ts';
import { forUpdate } from '../../platform/db/dialect.ts';
import { newestFirstAfter } from '../../platform/db/keyset.ts';
import { cstDayOf } from '../../platform/days.ts';
import type { OrderItemsTable, OrderStatus, OrdersTable } from './orders.tables.ts';

export type OrderRow = OrdersTable;
export type OrderItemRow = OrderItemsTable;

export interface EventRow {
  id: string;
  order_id: string;
  from_status: OrderStatus | null;
  to_status: OrderStatus;
  cause: string;
  created_at: number;
}

/**
 * A new order, its items and its first event (number 1 of its history). PostgreSQL takes them as one
 * statement (data-modifying CTEs run once each, whatever the main query reads); SQLite runs in-process, so
 * its three statements cost no round trip.
 */
export async function insertOrder(
  db: Executor,
  dialect: Dialect,
  row: OrderRow,
  items: OrderItemRow[],
  created: EventRow,
): Promise<void> {
  const event = { ...created, seq: 1 };
  if (dialect === 'postgres') {
    await db
      .with('o', (d) => d.insertInto('orders').values(row).returning('id'))
      .with('i', (d) => d.insertInto('order_items').values(items).returning('id'))
      .insertInto('order_events')
      .values(event)
      .execute();
    return;
  }
  await db.insertInto('orders').values(row).execute();
  await db.insertInto('order_items').values(items).execute();
  await db.insertInto('order_events').values(event).execute();
}

export async function findOrder(db: Executor, id: string): Promise<OrderRow | undefined> {
  return db.selectFrom('orders').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The order, locked until the transaction ends (PostgreSQL; SQLite's write lock already serialises). */
export async function findOrderForUpdate(db: Executor, dialect: Dialect, id: string): Promise<OrderRow | undefined> {
  return forUpdate(dialect, db.selectFrom('orders').selectAll().where('id', '=', id)).executeTakeFirst();
}

export async function itemsOf(db: Executor, orderId: string): Promise<OrderItemRow[]> {
  return db.selectFrom('order_items').selectAll().where('order_id', '=', orderId).orderBy('id').execute();
}

export async function itemsOfMany(db: Executor, orderIds: string[]): Promise<Map<string, OrderItemRow[]>> {
  const out = new Map<string, OrderItemRow[]>();
  if (orderIds.length === 0) return out;
  const rows = await db.selectFrom('order_items').selectAll().where('order_id', 'in', orderIds).orderBy('id').execute();
  for (const r of rows) out.set(r.order_id, [...(out.get(r.order_id) ?? []), r]);
  return out;
}

/** Moves an order only from the states given; returns false when it was elsewhere (someone else moved it). */
export async function transition(
  db: Executor,
  id: string,
  from: OrderStatus[],
  to: OrderStatus,
  patch: Partial<Pick<OrderRow, 'paid_at' | 'delivered_at' | 'completed_at' | 'closed_at' | 'needs_attention'>>,
  now: number,
): Promise<boolean> {
  const r = await db
    .updateTable('orders')
    .set({ ...patch, status: to, updated_at: now })
    .where('id', '=', id)
    .where('status', 'in', from)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/**
 * `transition` and its event: on PostgreSQL one statement (the event is written only if the update moved
 * the order), on SQLite two. True when the order moved.
 */
export async function transitionWithEvent(
  db: Executor,
  dialect: Dialect,
  from: OrderStatus[],
  patch: Parameters<typeof transition>[4],
  event: EventRow,
): Promise<boolean> {
  const set = { ...patch, status: event.to_status, updated_at: event.created_at };
  if (dialect !== 'postgres') {
    if (!(await transition(db, event.order_id, from, event.to_status, patch, event.created_at))) return false;
    await insertEvent(db, event);
    return true;
  }
  const r = await db
    .with('moved', (d) =>
      d.updateTable('orders').set(set).where('id', '=', event.order_id).where('status', 'in', from).returning('id'),
    )
    .insertInto('order_events')
    .columns(['id', 'order_id', 'from_status', 'to_status', 'cause', 'created_at', 'seq'])
    .expression((eb) =>
      eb
        .selectFrom('moved')
        .select([
          sql<string>`${event.id}`.as('id'),
          sql<string>`${event.order_id}`.as('order_id'),
          sql<OrderStatus | null>`${event.from_status}`.as('from_status'),
          sql<OrderStatus>`${event.to_status}`.as('to_status'),
          sql<string>`${event.cause}`.as('cause'),
          sql<number>`${event.created_at}::bigint`.as('created_at'),
          sql<number>`(select coalesce(max(seq), 0) + 1 from order_events where order_id = ${event.order_id})`.as(
            'seq',
          ),
        ]),
    )
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
}

/** Appends a transition; runs in the transaction that moved the order, whose row lock orders the writers. */
export async function insertEvent(
  db: Executor,
  row: {
    id: string;
    order_id: string;
    from_status: OrderStatus | null;
    to_status: OrderStatus;
    cause: string;
    created_at: number;
  },
): Promise<void> {
  // the next number in the order's history, in the same statement (the (order_id, seq) index keeps it unique)
  await db
    .insertInto('order_events')
    .values({
      ...row,
      seq: sql<number>`(select coalesce(max(seq), 0) + 1 from order_events where order_id = ${row.order_id})`,
    })
    .execute();
}

export async function eventsOf(db: Executor, orderId: string) {
  return db.selectFrom('order_events').selectAll().where('order_id', '=', orderId).orderBy('seq').execute();
}

export interface OrderFilter {
  buyerId?: string;
  supplierId?: string;
  status?: OrderStatus | undefined;
  from?: number | undefined;
  to?: number | undefined;
  categoryId?: string | undefined;
  deliveryMode?: 'auto' | 'manual' | 'direct' | undefined;
  q?: string | undefined;
  /** with `q`: buyers whose email or phone matched it */
  buyerIds?: readonly string[] | undefined;
  needsAttention?: boolean | undefined;
  queue?: 'delivery' | undefined;
  limit: number;
  offset: number;
}

function filteredOrders(db: Executor, f: Omit<OrderFilter, 'limit' | 'offset'>) {
  let q = db.selectFrom('orders');
  if (f.buyerId) q = q.where('buyer_id', '=', f.buyerId);
  if (f.supplierId) q = q.where('supplier_id', '=', f.supplierId);
  if (f.status) q = q.where('status', '=', f.status);
  if (f.from !== undefined) q = q.where('created_at', '>=', f.from);
  if (f.to !== undefined) q = q.where('created_at', '<', f.to);
  if (f.needsAttention) q = q.where('needs_attention', '=', 1);
  if (f.q) {
    const text = f.q;
    const buyers = f.buyerIds ?? [];
    q = q.where((eb) =>
      eb.or([
        eb('id', '=', text),
        eb('buyer_id', '=', text),
        eb('guest_email', '=', text),
        ...(buyers.length > 0 ? [eb('buyer_id', 'in', buyers)] : []),
      ]),
    );
  }
  // the people's queue: paid and waiting for the supplier's hand (manual goods, direct top-ups)
  if (f.queue === 'delivery') q = q.where('status', '=', 'paid');
  const modes = f.queue === 'delivery' ? (['manual', 'direct'] as const) : f.deliveryMode ? [f.deliveryMode] : null;
  if (f.categoryId || modes) {
    const { categoryId } = f;
    q = q.where('id', 'in', (eb) => {
      let sub = eb.selectFrom('order_items').select('order_id');
      if (categoryId) sub = sub.where('category_id', '=', categoryId);
      if (modes) sub = sub.where('delivery_mode', 'in', modes);
      return sub;
    });
  }
  return q;
}

/** The guest orders bought with this email, newest first. */
export function guestOrdersOf(db: Executor, email: string, limit: number): Promise<OrderRow[]> {
  return db
    .selectFrom('orders')
    .selectAll()
    .where('guest_email', '=', email)
    .where('buyer_id', 'is', null)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute() as Promise<OrderRow[]>;
}

export async function listOrders(db: Executor, f: OrderFilter): Promise<{ rows: OrderRow[]; total: number }> {
  const q = filteredOrders(db, f);
  const ordered =
    f.queue === 'delivery'
      ? q.selectAll().orderBy('paid_at', 'asc').orderBy('id', 'asc')
      : q.selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc');
  const [rows, count] = await Promise.all([
    ordered.limit(f.limit).offset(f.offset).execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

/** The filtered orders, newest first, the `limit` after `after` (keyset: exports read every page). */
export async function ordersAfter(
  db: Executor,
  f: Omit<OrderFilter, 'limit' | 'offset'>,
  after: OrderRow | undefined,
  limit: number,
): Promise<OrderRow[]> {
  const cursor = after && { at: after.created_at, id: after.id };
  return newestFirstAfter(filteredOrders(db, f).selectAll(), cursor).limit(limit).execute();
}

/**
 * Delivered (and disputed) orders delivered by `deliveredBefore` once the time after-sales cases kept them
 * open is added, oldest first (by delivery time, then id), after `after`.
 */
export async function dueForCompletion(
  db: Executor,
  deliveredBefore: number,
  limit: number,
  after: { deliveredAt: number; id: string } | null = null,
): Promise<{ id: string; supplierId: string; deliveredAt: number; status: OrderStatus }[]> {
  let query = db
    .selectFrom('orders')
    .select(['id', 'supplier_id', 'delivered_at', 'status'])
    .where('status', 'in', ['delivered', 'disputed'])
    .where('delivered_at', '<=', deliveredBefore)
    .where((eb) => eb(eb('delivered_at', '+', eb.ref('window_extension_ms')), '<=', deliveredBefore));
  if (after) {
    query = query.where((eb) =>
      eb.or([
        eb('delivered_at', '>', after.deliveredAt),
        eb.and([eb('delivered_at', '=', after.deliveredAt), eb('id', '>', after.id)]),
      ]),
    );
  }
  const rows = await query.orderBy('delivered_at').orderBy('id').limit(limit).execute();
  return rows.map((r) => ({
    id: r.id,
    supplierId: r.supplier_id,
    deliveredAt: Number(r.delivered_at),
    status: r.status,
  }));
}

/** The devices (keyed hashes) a buyer ordered from, the latest first. */
export async function devicesOfBuyer(db: Executor, buyerId: string, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('orders')
    .select('device_hash')
    .where('buyer_id', '=', buyerId)
    .where('device_hash', 'is not', null)
    .groupBy('device_hash')
    .orderBy((eb) => eb.fn.max('created_at'), 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => r.device_hash as string);
}

/** The other buyers who ordered from any of `devices`. */
export async function buyersOnDevices(db: Executor, devices: string[], except: string): Promise<string[]> {
  if (devices.length === 0) return [];
  const rows = await db
    .selectFrom('orders')
    .select('buyer_id')
    .distinct()
    .where('device_hash', 'in', devices)
    .where('buyer_id', 'is not', null)
    .where('buyer_id', '<>', except)
    .limit(1000)
    .execute();
  return rows.map((r) => r.buyer_id as string);
}

/** Adds the time an after-sales case kept the order open to its confirmation window. */
export async function extendWindow(db: Executor, orderId: string, ms: number): Promise<void> {
  await db
    .updateTable('orders')
    .set((eb) => ({ window_extension_ms: eb('window_extension_ms', '+', ms) }))
    .where('id', '=', orderId)
    .execute();
}

export async function insertDelivery(
  db: Executor,
  row: { order_id: string; content_enc: string; delivered_by: string; created_at: number },
): Promise<void> {
  await db.insertInto('order_deliveries').values(row).execute();
}

export async function findDelivery(db: Executor, orderId: string) {
  return db.selectFrom('order_deliveries').selectAll().where('order_id', '=', orderId).executeTakeFirst();
}

// cart

export async function cartOf(db: Executor, buyerId: string) {
  return db.selectFrom('cart_items').selectAll().where('buyer_id', '=', buyerId).orderBy('updated_at').execute();
}

export async function setCartItem(db: Executor, buyerId: string, productId: string, quantity: number, now: number) {
  await db
    .insertInto('cart_items')
    .values({ buyer_id: buyerId, product_id: productId, quantity, updated_at: now })
    .onConflict((oc) => oc.columns(['buyer_id', 'product_id']).doUpdateSet({ quantity, updated_at: now }))
    .execute();
}

export async function removeCartItems(db: Executor, buyerId: string, productIds: string[]) {
  if (productIds.length === 0) return;
  await db.deleteFrom('cart_items').where('buyer_id', '=', buyerId).where('product_id', 'in', productIds).execute();
}

/** Orders paid in [from, to), counted and summed per CST day; optionally one supplier's. */
export async function paidPerDay(
  db: Executor,
  f: { supplierId?: string; from: number; to: number },
): Promise<{ day: number; orders: number; amountCents: number }[]> {
  const day = cstDayOf(sql.ref('paid_at'));
  let q = db.selectFrom('orders').where('paid_at', '>=', f.from).where('paid_at', '<', f.to);
  if (f.supplierId) q = q.where('supplier_id', '=', f.supplierId);
  const rows = await q
    .select((eb) => [
      day.as('day'),
      eb.fn.countAll<number>().as('orders'),
      eb.fn.sum<number>('amount_cents').as('amount'),
    ])
    .groupBy(day)
    .execute();
  return rows.map((r) => ({ day: Number(r.day), orders: Number(r.orders), amountCents: Number(r.amount) }));
}

// ─── master-key rotation ───

export function sealedDeliveries(db: Executor) {
  return db.selectFrom('order_deliveries').select(['order_id', 'content_enc']).orderBy('order_id').execute();
}

export async function setDeliveryContent(db: Executor, orderId: string, sealed: string): Promise<void> {
  await db.updateTable('order_deliveries').set({ content_enc: sealed }).where('order_id', '=', orderId).execute();
}
