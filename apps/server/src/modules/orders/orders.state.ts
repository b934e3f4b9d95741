import { newId } from '../../platform/clock.ts';
import type { Executor } from '../../platform/db/database.ts';
import type { Deps } from '../../platform/deps.ts';
import * as q from './orders.queries.ts';
import type { OrderStatus } from './orders.tables.ts';

/**
 * The order state machine's one step: moves the order from one of `from` to `to` only if it is still
 * there (so two racing transitions cannot both happen), and writes the event that says why.
 */
export async function move(
  tx: Executor,
  deps: Deps,
  order: Pick<q.OrderRow, 'id' | 'status'>,
  from: OrderStatus[],
  to: OrderStatus,
  cause: string,
  patch: Parameters<typeof q.transition>[4] = {},
): Promise<boolean> {
  return (await moveAt(tx, deps, order, from, to, cause, patch)) !== null;
}

/** `move`, telling when it moved the order (its `updated_at`), or null when the order was elsewhere. */
export async function moveAt(
  tx: Executor,
  deps: Deps,
  order: Pick<q.OrderRow, 'id' | 'status'>,
  from: OrderStatus[],
  to: OrderStatus,
  cause: string,
  patch: Parameters<typeof q.transition>[4] = {},
): Promise<number | null> {
  const now = deps.clock.now();
  const moved = await q.transitionWithEvent(tx, deps.dialect, from, patch, {
    id: newId('oev', deps.clock, deps.random),
    order_id: order.id,
    from_status: order.status,
    to_status: to,
    cause,
    created_at: now,
  });
  return moved ? now : null;
}
