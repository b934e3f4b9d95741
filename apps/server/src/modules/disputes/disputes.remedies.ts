/**
 * What a case's outcome does to money and keys, inside the step's transaction: a refund out of the order's
 * frozen escrow (never more than was paid for the item, once per step), replacement keys from stock, and
 * the order resuming when the case ends.
 */
import type { Executor } from '../../platform/db/database.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/http/errors.ts';
import { refundDisputedOrder, refundLeftOfOrder, resumeDisputedOrder } from '../orders/orders.service.ts';
import { productsOfKeys, replaceSoldKeys, soldKeysOf, takeBackKeys } from '../vault/vault.service.ts';
import { notifyParties, OPEN_STATUSES, step } from './disputes.cases.ts';
import * as q from './disputes.queries.ts';
import { returnedKeyIdsOfOrder } from './returns.queries.ts';

/**
 * What is still refundable on the case's item, with the order row locked: what was paid for the item less
 * every case's refund on that item, its unrevealed keys returned and the operators' partial refunds of the
 * order, and never more than is left on the order.
 */
export async function refundableCents(tx: Executor, deps: Deps, c: q.DisputeRow): Promise<number> {
  const order = await refundLeftOfOrder(tx, deps, c.order_id);
  const cases = (await q.disputesOfItem(tx, c.order_item_id)).reduce((s, d) => s + d.refunded_cents, 0);
  const returned = await returnedKeyIdsOfOrder(tx, c.order_id);
  const products = await productsOfKeys(tx, returned);
  const returnedCents = returned.filter((k) => products.get(k) === c.product_id).length * c.unit_price_cents;
  const item = c.paid_cents - cases - returnedCents - order.operatorPartialCents;
  return Math.max(0, Math.min(item, order.leftCents));
}

function claimedIds(c: q.DisputeRow): string[] {
  return JSON.parse(c.card_key_ids) as string[];
}

/** Left out, a refund is the claimed keys' price, or what is left of the item when no keys were named. */
function defaultRefund(c: q.DisputeRow, left: number): number {
  const keys = claimedIds(c).length;
  return Math.min(left, keys > 0 ? keys * c.unit_price_cents : left);
}

/**
 * Refunds `amountCents` (or the default) of the item for the step named `stepName` (the refund's idempotency
 * key with the case id). Returns the amount and whether the case's item is now refunded in full.
 */
export async function refundCase(
  tx: Executor,
  deps: Deps,
  c: q.DisputeRow,
  r: { amountCents?: number | undefined; stepName: string; to: 'wallet' | 'original' },
): Promise<{ amountCents: number; itemDone: boolean }> {
  const left = await refundableCents(tx, deps, c);
  const amountCents = r.amountCents ?? defaultRefund(c, left);
  if (left <= 0) throw new AppError('INVALID_STATE', 'The item has been refunded in full already');
  if (!Number.isSafeInteger(amountCents) || amountCents <= 0 || amountCents > left) {
    throw new AppError('UNPROCESSABLE', 'More than what was paid for the item and not yet refunded', {
      refundableCents: left,
      issues: [{ path: ['amountCents'], message: `at most ${left}` }],
    });
  }
  await refundDisputedOrder(tx, deps, {
    orderId: c.order_id,
    amountCents,
    refundId: `rfd_${c.id}_${r.stepName}`,
    to: r.to,
    reason: `dispute_${r.stepName}`,
  });
  await q.addRefunded(tx, c.id, amountCents, deps.clock.now());
  await voidRefundedKeys(tx, c, amountCents === left ? Number.POSITIVE_INFINITY : amountCents);
  return { amountCents, itemDone: amountCents === left };
}

/**
 * The keys a refund paid for leave the buyer: one key per unit price refunded (every key of the item when
 * all that was left of it is refunded), the ones this case is about first — the keys claimed, or the fresh
 * keys a replacement handed out for them — then the item's other keys. A refund smaller than a key's price
 * is compensation and takes none. So the keys the buyer keeps are never ones he was refunded for.
 */
async function voidRefundedKeys(tx: Executor, c: q.DisputeRow, amountCents: number): Promise<void> {
  if (c.delivery_mode !== 'auto') return;
  const fresh = await q.findDispute(tx, c.id);
  const held = (await soldKeysOf(tx, c.order_id)).filter((k) => k.productId === c.product_id).map((k) => k.id);
  const about = new Set([...claimedIds(c), ...(JSON.parse(fresh?.replacement_key_ids ?? '[]') as string[])]);
  const ordered = [...held.filter((k) => about.has(k)), ...held.filter((k) => !about.has(k))];
  const n = Number.isFinite(amountCents) ? Math.floor(amountCents / c.unit_price_cents) : ordered.length;
  const keyIds = ordered.slice(0, Math.min(n, ordered.length));
  if (keyIds.length > 0) await takeBackKeys(tx, c.order_id, keyIds);
}

/**
 * Hands the buyer fresh keys for the claimed ones (all of the item's keys when none were named), from the
 * product's stock, in this transaction. Refused when stock is short: refund instead.
 */
export async function replaceCase(tx: Executor, deps: Deps, c: q.DisputeRow): Promise<number> {
  if (c.delivery_mode !== 'auto') {
    throw new AppError('UNPROCESSABLE', 'Only card keys can be replaced; refund this item instead');
  }
  const sold = await soldKeysOf(tx, c.order_id);
  const claimed = claimedIds(c);
  const targets =
    claimed.length > 0
      ? sold.filter((k) => claimed.includes(k.id)).map((k) => k.id)
      : sold.filter((k) => k.productId === c.product_id).map((k) => k.id);
  if (targets.length === 0)
    throw new AppError('INVALID_STATE', 'The claimed keys have been replaced or refunded already');
  const r = await replaceSoldKeys(tx, deps, { orderId: c.order_id, productId: c.product_id, keyIds: targets });
  if (!r.ok) {
    throw new AppError('OUT_OF_STOCK', 'Not enough keys in stock to replace these; refund instead', {
      needed: targets.length,
      available: r.available,
    });
  }
  await q.addReplaced(tx, c.id, r.keyIds, deps.clock.now());
  return targets.length;
}

/**
 * The case is over: an order with money left in escrow goes back to delivered and its escrow unfreezes; its
 * confirmation window grows by the time the case was open.
 */
export async function endCase(tx: Executor, deps: Deps, c: q.DisputeRow): Promise<void> {
  await resumeDisputedOrder(tx, deps, c.order_id, `dispute_${c.id}_ended`, deps.clock.now() - c.created_at);
}

/**
 * The disputedOrderRefunded hook of orders: an operator gave back all that was left of the order, so its
 * open case ends, closed, with a message from the platform; both sides are told.
 */
export async function closeCaseOfRefundedOrder(
  tx: Executor,
  deps: Deps,
  orderId: string,
  operatorId: string,
): Promise<void> {
  const open = await q.openDisputeOfOrder(tx, orderId);
  const c = open && (await q.findDisputeForUpdate(tx, deps.dialect, open.id));
  if (!c || !OPEN_STATUSES.includes(c.status)) return;
  await step(
    tx,
    deps,
    c,
    OPEN_STATUSES,
    { status: 'closed' },
    {
      actor: 'platform',
      actorId: operatorId,
      kind: 'operator_refund',
      body: '运营已全额退款，售后结束 / An operator refunded the order in full: the case is closed',
    },
  );
  await notifyParties(tx, deps, c, 'closed');
}
