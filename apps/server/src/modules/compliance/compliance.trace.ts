/**
 * The traceability record of one order (交易记录可追溯), for an authority's request: who sold what to whom, when
 * and from which address, the payments and refunds, each key's handover and first reveal, every ledger posting,
 * and the order's audit trail. Operators only; every export is audited.
 */
import { listAudit, writeAudit } from '../../platform/audit.ts';
import type { Deps } from '../../platform/deps.ts';
import type { AuthContext } from '../../platform/http/auth.ts';
import { contactsOf, type RequestMeta, shopNamesOf } from '../accounts/accounts.service.ts';
import { postingsOfRefs } from '../ledger/ledger.service.ts';
import { orderRecord } from '../orders/orders.service.ts';
import { paymentTrailOfOrder } from '../payments/payments.service.ts';
import { keyHistoryOfOrder } from '../vault/vault.service.ts';

const iso = (ms: number | null | undefined) =>
  ms === null || ms === undefined ? null : new Date(Number(ms)).toISOString();

export async function orderTrace(deps: Deps, auth: AuthContext, orderId: string, meta: RequestMeta) {
  const { order, items, events } = await orderRecord(deps.db, orderId);
  const people = [order.supplier_id, ...(order.buyer_id ? [order.buyer_id] : [])];
  const [contacts, shops, trail, keys, audit] = await Promise.all([
    contactsOf(deps.db, people),
    shopNamesOf(deps.db, [order.supplier_id]),
    paymentTrailOfOrder(deps.db, orderId),
    keyHistoryOfOrder(deps.db, deps, orderId),
    listAudit(deps.db, { objectId: orderId, limit: 500, offset: 0 }),
  ]);
  const refs = [orderId, ...trail.payments.map((p) => p.id), ...trail.refunds.map((r) => r.id)];
  const postings = await postingsOfRefs(deps.db, refs);
  await writeAudit(deps.db, deps, {
    actorId: auth.userId,
    action: 'order.trace_export',
    objectType: 'order',
    objectId: orderId,
    ip: meta.ip,
  });
  const supplier = contacts.get(order.supplier_id);
  const buyer = order.buyer_id ? contacts.get(order.buyer_id) : undefined;
  return {
    exportedAt: iso(deps.clock.now()),
    exportedBy: auth.userId,
    order: {
      id: order.id,
      status: order.status,
      amountCents: Number(order.amount_cents),
      paymentMethod: order.payment_method,
      createdAt: iso(order.created_at),
      createdIp: order.created_ip,
      paidAt: iso(order.paid_at),
      deliveredAt: iso(order.delivered_at),
      completedAt: iso(order.completed_at),
      closedAt: iso(order.closed_at),
      recipientAccount: order.recipient_account,
    },
    seller: {
      userId: order.supplier_id,
      shopName: shops.get(order.supplier_id) ?? null,
      email: supplier?.email ?? null,
      phone: supplier?.phone ?? null,
    },
    buyer: {
      userId: order.buyer_id,
      guestEmail: order.guest_email,
      email: buyer?.email ?? null,
      phone: buyer?.phone ?? null,
    },
    items: items.map((i) => ({
      productId: i.product_id,
      categoryId: i.category_id,
      title: i.title,
      deliveryMode: i.delivery_mode,
      quantity: i.quantity,
      unitPriceCents: Number(i.unit_price_cents),
      amountCents: Number(i.amount_cents),
    })),
    events: events.map((e) => ({ from: e.from_status, to: e.to_status, cause: e.cause, at: iso(e.created_at) })),
    payments: trail.payments.map((p) => ({
      id: p.id,
      provider: p.provider,
      status: p.status,
      amountCents: Number(p.amount_cents),
      providerTradeId: p.provider_trade_id,
      createdAt: iso(p.created_at),
      paidAt: iso(p.paid_at),
    })),
    refunds: trail.refunds.map((r) => ({
      id: r.id,
      paymentId: r.payment_id,
      status: r.status,
      amountCents: Number(r.amount_cents),
      reason: r.reason,
      createdAt: iso(r.created_at),
    })),
    keys: keys.map((k) => ({
      keyId: k.keyId,
      masked: k.masked,
      status: k.status,
      batchId: k.batchId,
      handedOverAt: iso(k.soldAt),
      firstRevealedAt: iso(k.revealedAt),
    })),
    postings: postings.map((p) => ({ ...p, at: iso(p.at) })),
    audit: audit.rows
      .map((a) => ({ action: a.action, actorId: a.actor_id, ip: a.ip, at: iso(a.created_at) }))
      .reverse(),
  };
}

export type OrderTrace = Awaited<ReturnType<typeof orderTrace>>;

function cell(v: unknown): string {
  let s = v === null || v === undefined ? '' : String(v);
  // a spreadsheet must not run what a buyer typed
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** The same record as CSV: one line per fact (section, time, subject, then the fact's fields as key=value). */
export function traceCsv(t: OrderTrace): string {
  const lines: unknown[][] = [['section', 'at', 'subject', 'details']];
  const fields = (o: Record<string, unknown>, skip: string[]) =>
    Object.entries(o)
      .filter(([k]) => !skip.includes(k))
      .map(([k, v]) => `${k}=${v ?? ''}`)
      .join('; ');
  lines.push(['order', t.order.createdAt, t.order.id, fields(t.order, ['id', 'createdAt'])]);
  lines.push(['seller', null, t.seller.userId, fields(t.seller, ['userId'])]);
  lines.push(['buyer', null, t.buyer.userId ?? t.buyer.guestEmail, fields(t.buyer, ['userId'])]);
  for (const i of t.items) lines.push(['item', null, i.productId, fields(i, ['productId'])]);
  for (const e of t.events) lines.push(['event', e.at, `${e.from ?? ''}→${e.to}`, e.cause]);
  for (const p of t.payments) lines.push(['payment', p.createdAt, p.id, fields(p, ['id', 'createdAt'])]);
  for (const r of t.refunds) lines.push(['refund', r.createdAt, r.id, fields(r, ['id', 'createdAt'])]);
  for (const k of t.keys) lines.push(['key', k.handedOverAt, k.keyId, fields(k, ['keyId', 'handedOverAt'])]);
  for (const p of t.postings) lines.push(['posting', p.at, p.entryId, fields(p, ['entryId', 'at'])]);
  for (const a of t.audit) lines.push(['audit', a.at, a.action, fields(a, ['action', 'at'])]);
  return `\ufeff${lines.map((l) => l.map(cell).join(',')).join('\r\n')}\r\n`;
}
