/**
 * A user's cumulative spend: orders call `recordSpend` in the transaction that pays or refunds an order,
 * so the level it reaches (members.levels.ts) moves with the money. Each change counts once (its id), and
 * refunds never take back more than the order added.
 */
import type { Executor } from '../../platform/db/database.ts';
import type { Deps } from '../../platform/deps.ts';
import { dialectOf } from '../../platform/db/dialect.ts';
import * as q from './members.queries.ts';

export interface SpendChange {
  userId: string;
  orderId: string;
  /** `paid:<orderId>`, `refund:<refundId>`: the same id twice counts once */
  id: string;
  /** + what the buyer paid, − what went back to him */
  deltaCents: number;
}

/** Records a change of a user's spend in the caller's transaction; answers the change that counted. */
export async function recordSpend(tx: Executor, deps: Pick<Deps, 'clock'>, c: SpendChange): Promise<number> {
  if (!Number.isSafeInteger(c.deltaCents)) throw new RangeError(`spend change ${c.deltaCents}`);
  let delta = c.deltaCents;
  // a refund of an order that never counted (paid late with no stock, a second payment) changes nothing
  if (delta < 0) delta = Math.max(delta, -(await q.spendOfOrder(tx, c.orderId)));
  if (delta === 0) return 0;
  const counted = await q.addSpendOnce(tx, dialectOf(tx), {
    id: c.id,
    user_id: c.userId,
    order_id: c.orderId,
    delta_cents: delta,
    created_at: deps.clock.now(),
  });
  return counted ? delta : 0;
}
