/**
 * Kinguin-style returns: keys the buyer has never been shown can be given back within a short window
 * (disputes.unrevealedReturnHours) for a refund, with no case. The keys leave the order at once; they go
 * back to stock only when the supplier confirms, or stay void when he discards them.
 */
import { writeAudit } from '../../platform/audit.ts';
import { claimOf, type Idempotent, idempotently, type Remember } from '../../platform/idempotency.ts';
import { newId } from '../../platform/clock.ts';
import type { Deps } from '../../platform/deps.ts';
import type { AuthContext } from '../../platform/http/auth.ts';
import { AppError } from '../../platform/http/errors.ts';
import { HOUR } from '../../platform/rate-limit.ts';
import { getSetting } from '../../platform/settings.ts';
import { invalidateCatalogCache } from '../catalog/catalog.service.ts';
import { createNotice } from '../notify/notify.service.ts';
import { lockOrderForDispute, refundDisputedOrder } from '../orders/orders.service.ts';
import { restockKeys, soldKeysOf, takeBackKeys, unrevealedKeysOf } from '../vault/vault.service.ts';
import { buyerFastTracked } from './disputes.standings.ts';
import * as q from './returns.queries.ts';

export interface KeyReturnView {
  id: string;
  orderId: string;
  keys: number;
  refundedCents: number;
  status: q.KeyReturnRow['status'];
  createdAt: number;
  decidedAt: number | null;
}

function toView(r: q.KeyReturnRow): KeyReturnView {
  return {
    id: r.id,
    orderId: r.order_id,
    keys: (JSON.parse(r.key_ids) as string[]).length,
    refundedCents: r.refunded_cents,
    status: r.status,
    createdAt: r.created_at,
    decidedAt: r.decided_at,
  };
}

/**
 * The buyer gives back keys he has never been shown. With an Idempotency-Key the same return sent twice
 * (a double click, a retry) is one return: the second answers the first. A buyer on the fast track (his
 * score past the operators' threshold) is not trusted this way: his refunds go through a case, which goes
 * straight to the platform.
 */
export async function returnUnrevealedKeys(
  deps: Deps,
  auth: AuthContext,
  orderId: string,
  body: { quantity?: number | undefined },
  ip: string,
  idempotencyKey?: string,
): Promise<Idempotent<KeyReturnView>> {
  const claim = claimOf('key_return', `u:${auth.userId}`, idempotencyKey, { orderId, quantity: body.quantity ?? null });
  return idempotently(
    deps,
    claim,
    async (id) => toView((await q.findReturn(deps.db, id))!),
    (remember) => createReturn(deps, auth, orderId, body, ip, remember),
  );
}

async function createReturn(
  deps: Deps,
  auth: AuthContext,
  orderId: string,
  body: { quantity?: number | undefined },
  ip: string,
  remember: Remember,
): Promise<KeyReturnView> {
  const hours = await getSetting(deps.db, 'disputes.unrevealedReturnHours');
  return deps.db.transaction().execute(async (tx) => {
    const order = await lockOrderForDispute(tx, deps, orderId);
    if (!order || order.buyerId !== auth.userId) throw new AppError('NOT_FOUND', 'No such order');
    if (await buyerFastTracked(tx, deps, auth.userId)) {
      throw new AppError(
        'FORBIDDEN',
        'Your refunds are decided by the platform: open an after-sales case on this order instead',
      );
    }
    if (order.status !== 'delivered' || order.deliveredAt === null) {
      throw new AppError('INVALID_STATE', `An order that is ${order.status} cannot return keys`);
    }
    if (deps.clock.now() > order.deliveredAt + hours * HOUR) {
      throw new AppError('INVALID_STATE', 'The window for returning unrevealed keys has closed', {
        closedAt: order.deliveredAt + hours * HOUR,
      });
    }
    const unrevealed = await unrevealedKeysOf(tx, orderId);
    const n = body.quantity ?? unrevealed.length;
    if (unrevealed.length === 0) throw new AppError('INVALID_STATE', 'Every key of this order has been shown');
    if (n > unrevealed.length) {
      throw new AppError('UNPROCESSABLE', `Only ${unrevealed.length} keys have not been shown`, {
        issues: [{ path: ['quantity'], message: `at most ${unrevealed.length}` }],
      });
    }
    const keyIds = unrevealed.slice(0, n);
    // each key at the price its item was bought for, from the order, never from the request
    const productOf = new Map((await soldKeysOf(tx, orderId)).map((k) => [k.id, k.productId]));
    const priceOf = new Map(order.items.map((i) => [i.productId, i.unitPriceCents]));
    const amountCents = keyIds.reduce((s, id) => s + (priceOf.get(productOf.get(id) ?? '') ?? 0), 0);
    const id = newId('krt', deps.clock, deps.random);
    await refundDisputedOrder(tx, deps, {
      orderId,
      amountCents,
      refundId: `rfd_${id}`,
      to: 'wallet',
      reason: 'unrevealed_return',
    });
    await takeBackKeys(tx, orderId, keyIds);
    const row: q.KeyReturnRow = {
      id,
      order_id: orderId,
      buyer_id: auth.userId,
      supplier_id: order.supplierId,
      key_ids: JSON.stringify(keyIds),
      refunded_cents: amountCents,
      status: 'pending',
      created_at: deps.clock.now(),
      decided_at: null,
    };
    await q.insertReturn(tx, row, keyIds);
    await remember(tx, id);
    await createNotice(tx, deps, {
      userId: order.supplierId,
      kind: 'key_return',
      title: `未查看卡密退回 / Unrevealed keys returned (${n})`,
      body: `订单 ${orderId} 的买家退回了 ${n} 张从未查看的卡密，请确认是否放回库存。\nThe buyer of order ${orderId} returned ${n} keys never shown to him: put them back in stock or discard them.`,
      link: '/supplier/disputes',
      email: true,
    });
    await writeAudit(tx, deps, {
      actorId: auth.userId,
      action: 'key_return.create',
      objectType: 'order',
      objectId: orderId,
      ip,
      details: { returnId: id, keys: n, amountCents },
    });
    return toView(row);
  });
}

export async function listKeyReturns(deps: Deps, auth: AuthContext, f: { page: number; pageSize: number }) {
  const rows = await q.returnsOfSupplier(deps.db, auth.userId, f.pageSize, (f.page - 1) * f.pageSize);
  return { items: rows.map(toView) };
}

/** The supplier puts the returned keys back in stock, or discards them; once. */
export async function decideKeyReturn(
  deps: Deps,
  auth: AuthContext,
  id: string,
  decision: 'restock' | 'discard',
  ip: string,
): Promise<KeyReturnView> {
  const view = await deps.db.transaction().execute(async (tx) => {
    const r = await q.findReturn(tx, id);
    if (!r || r.supplier_id !== auth.userId) throw new AppError('NOT_FOUND', 'No such return');
    const status = decision === 'restock' ? 'restocked' : 'discarded';
    if (!(await q.decideReturn(tx, id, status, deps.clock.now()))) {
      throw new AppError('INVALID_STATE', `This return was ${r.status} already`);
    }
    if (decision === 'restock') await restockKeys(tx, r.order_id, JSON.parse(r.key_ids) as string[]);
    await writeAudit(tx, deps, {
      actorId: auth.userId,
      action: `key_return.${decision}`,
      objectType: 'key_return',
      objectId: id,
      ip,
    });
    return toView({ ...r, status, decided_at: deps.clock.now() });
  });
  if (decision === 'restock') await invalidateCatalogCache(deps);
  return view;
}
