/**
 * What an arbitrator weighs on an invalid-key claim, from records Kameng keeps itself: each key's import
 * batch and time, when the buyer first saw it, whether the same secret was sold on another order, the
 * supplier's record of voided and replaced keys, and both sides' bad-faith scores and standing actions.
 */
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/http/errors.ts';
import { keyHistoryOfOrder, supplierKeyRecord } from '../vault/vault.service.ts';
import * as q from './disputes.queries.ts';
import { buyerScore, standingsOf, supplierScore } from './disputes.standings.ts';

export async function disputeDossier(deps: Deps, id: string) {
  const c = await q.findDispute(deps.db, id);
  if (!c) throw new AppError('NOT_FOUND', 'No such case');
  const claimed = new Set(JSON.parse(c.card_key_ids) as string[]);
  const [history, supplierKeys, buyer, supplier, buyerSide, supplierSide] = await Promise.all([
    keyHistoryOfOrder(deps.db, deps, c.order_id),
    supplierKeyRecord(deps.db, c.supplier_id),
    buyerScore(deps.db, c.buyer_id),
    supplierScore(deps.db, c.supplier_id),
    standingsOf(deps.db, c.buyer_id),
    standingsOf(deps.db, c.supplier_id),
  ]);
  const keys = history
    .filter((k) => k.productId === c.product_id)
    .map(({ productId: _product, ...k }) => ({ ...k, claimed: claimed.has(k.keyId) }));
  return { keys, supplierKeys, buyer, supplier, standings: [...buyerSide, ...supplierSide] };
}
