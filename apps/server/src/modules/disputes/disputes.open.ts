/** The buyer opens a case on a delivered order's item: the order is disputed and its escrow frozen at once. */
import type { DisputeStatus } from '@kameng/contracts';
import { writeAudit } from '../../platform/audit.ts';
import { newId } from '../../platform/clock.ts';
import { isUniqueViolation } from '../../platform/db/dialect.ts';
import type { Deps } from '../../platform/deps.ts';
import type { AuthContext } from '../../platform/http/auth.ts';
import { AppError } from '../../platform/http/errors.ts';
import { HOUR } from '../../platform/rate-limit.ts';
import {
  type DisputableOrder,
  disputeOrder,
  lockOrderForDispute,
  refundLeftOfOrder,
} from '../orders/orders.service.ts';
import { firstRevealOf, resoldAmong, type SoldKey, soldKeysOf } from '../vault/vault.service.ts';
import { addMessage, deadlineAfter, notifyParties } from './disputes.cases.ts';
import * as q from './disputes.queries.ts';
import { refundableCents } from './disputes.remedies.ts';
import { buyerFastTracked } from './disputes.standings.ts';

/** The unique index that keeps one open case per order (0011): its table and column, and its name. */
const OPEN_CASE_INDEX = { name: 'disputes_open_order_uq', table: 'disputes', columns: ['open_order_id'] };

export interface OpenDisputeInput {
  reason: q.DisputeRow['reason'];
  message: string;
  cardKeyIndexes?: number[] | undefined;
  orderItemId?: string | undefined;
}

export async function openDispute(
  deps: Deps,
  auth: AuthContext,
  orderId: string,
  body: OpenDisputeInput,
  from: { ip: string; device: string | null },
): Promise<{ id: string; status: DisputeStatus }> {
  const ip = from.ip;
  await deps.limiter.consume(`dispute:u:${auth.userId}`, { max: 60, windowMs: HOUR }, 'after-sales cases');
  try {
    return await deps.db.transaction().execute(async (tx) => {
      const order = await lockOrderForDispute(tx, deps, orderId);
      if (!order || order.buyerId !== auth.userId) throw new AppError('NOT_FOUND', 'No such order');
      if (order.status === 'disputed' || (await q.openDisputeOfOrder(tx, orderId))) {
        throw new AppError('ALREADY_EXISTS', 'This order already has an open after-sales case');
      }
      const keys = body.cardKeyIndexes ? await soldKeysOf(tx, orderId) : [];
      const { item, keyIds } = claimedItem(order, body, keys);
      // an item has one case, unless that case replaced its keys: the new keys may be claimed in turn
      const earlier = await q.disputesOfItem(tx, item.id);
      if (earlier.some((c) => c.status !== 'resolved_replace')) {
        throw new AppError('ALREADY_EXISTS', 'This item has had an after-sales case already');
      }
      const handedOut = new Set(earlier.flatMap((c) => JSON.parse(c.replacement_key_ids) as string[]));
      if (order.status !== 'delivered') {
        throw new AppError('INVALID_STATE', `An order that is ${order.status} cannot be disputed`);
      }
      // card keys are on the order page the moment it is paid: "not received" is for goods a person delivers
      if (body.reason === 'not_received' && item.deliveryMode === 'auto') {
        throw invalid('reason', 'card keys are delivered at once; say what is wrong with them instead');
      }
      // a buyer whose score is over the operators' threshold goes straight to the platform
      const fastTrack = await buyerFastTracked(tx, deps, auth.userId);
      const now = deps.clock.now();
      const id = newId('dsp', deps.clock, deps.random);
      const row: q.DisputeRow = {
        id,
        order_id: orderId,
        order_item_id: item.id,
        open_order_id: orderId,
        buyer_id: auth.userId,
        supplier_id: order.supplierId,
        product_id: item.productId,
        category_id: item.categoryId,
        item_title: item.title,
        delivery_mode: item.deliveryMode,
        unit_price_cents: item.unitPriceCents,
        paid_cents: item.amountCents,
        reason: body.reason,
        status: fastTrack ? 'escalated' : 'open',
        level: fastTrack ? 'platform' : 'supplier',
        card_key_indexes: JSON.stringify(body.cardKeyIndexes ?? []),
        card_key_ids: JSON.stringify(keyIds),
        answer_action: null,
        answer_amount_cents: null,
        ruling_action: null,
        ruling_amount_cents: null,
        refunded_cents: 0,
        replaced_count: 0,
        opened_ip: ip,
        opened_device: from.device,
        claimed_revealed_at: await firstRevealOf(tx, keyIds),
        claimed_resold: await resoldAmong(tx, deps, orderId, keyIds),
        claimed_replacements: keyIds.filter((k) => handedOut.has(k)).length,
        replacement_key_ids: '[]',
        supplier_late: 0,
        deadline_at: await deadlineAfter(
          tx,
          deps,
          fastTrack ? 'disputes.arbitrationHours' : 'disputes.supplierAnswerHours',
        ),
        created_at: now,
        updated_at: now,
        resolved_at: null,
      };
      // only the item's part of the escrow freezes: what can still be refunded on it
      const left = await refundableCents(tx, deps, row);
      const escrow = await refundLeftOfOrder(tx, deps, orderId);
      // the rest of the order settled on time while an earlier case ran: only that case's item is still held
      if (escrow.leftCents < escrow.paidLeftCents && earlier.length === 0) {
        throw new AppError('INVALID_STATE', 'The money for this item has already gone to the supplier');
      }
      await disputeOrder(tx, deps, orderId, 'dispute_opened', left);
      if (left <= 0) throw new AppError('INVALID_STATE', 'This item has been refunded in full already');
      await q.insertDispute(tx, row);
      await addMessage(tx, deps, id, { actor: 'buyer', actorId: auth.userId, kind: 'opened', body: body.message });
      if (fastTrack) {
        await addMessage(tx, deps, id, {
          actor: 'system',
          actorId: null,
          kind: 'fast_track',
          body: '此买家的售后由平台直接处理 / This buyer’s cases go straight to the platform',
        });
      }
      await notifyParties(tx, deps, row, row.status, auth.userId);
      await writeAudit(tx, deps, {
        actorId: auth.userId,
        action: 'dispute.open',
        objectType: 'dispute',
        objectId: id,
        ip,
        details: { orderId, orderItemId: item.id, reason: body.reason, keys: keyIds.length, fastTrack },
      });
      return { id, status: row.status };
    });
  } catch (err) {
    // two requests opening a case on one order at once: the unique open-case index lets one through; any
    // other unique violation is a fault, not the buyer's second case
    if (isUniqueViolation(err, OPEN_CASE_INDEX)) {
      throw new AppError('ALREADY_EXISTS', 'This order already has an open after-sales case');
    }
    throw err;
  }
}

/** Which item the claim is about, and the key ids behind the positions the buyer named. */
function claimedItem(
  order: DisputableOrder,
  body: OpenDisputeInput,
  keys: SoldKey[],
): { item: DisputableOrder['items'][number]; keyIds: string[] } {
  const indexes = body.cardKeyIndexes ?? [];
  if (new Set(indexes).size !== indexes.length) throw invalid('cardKeyIndexes', 'each key once');
  const picked = indexes.map((i) => keys[i]);
  if (picked.some((k) => k === undefined)) throw invalid('cardKeyIndexes', `the order lists ${keys.length} keys`);
  const chosen = picked as SoldKey[];
  let item = body.orderItemId ? order.items.find((i) => i.id === body.orderItemId) : undefined;
  if (body.orderItemId && !item) throw invalid('orderItemId', 'not an item of this order');
  if (!item && chosen.length > 0) item = order.items.find((i) => i.productId === chosen[0]!.productId);
  if (!item && order.items.length === 1) item = order.items[0];
  if (!item) throw invalid('orderItemId', 'name the item the case is about');
  const product = item.productId;
  if (chosen.some((k) => k.productId !== product)) throw invalid('cardKeyIndexes', 'keys of one item per case');
  return { item, keyIds: chosen.map((k) => k.id) };
}

function invalid(field: string, message: string): AppError {
  return new AppError('UNPROCESSABLE', `${field}: ${message}`, { issues: [{ path: [field], message }] });
}
