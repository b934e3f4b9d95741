import type { Executor } from '../../platform/db/database.ts';
import type { Deps } from '../../platform/deps.ts';
import { defineHook } from '../../platform/hooks.ts';

/**
 * Asked by the auto-complete job before it settles a delivered order past its window: true keeps the
 * supplier's escrow held (after-sales: a supplier whose settlement an operator's threshold delays).
 * Optional: without a provider every due order settles.
 */
export const settlementDelayed = defineHook<(db: Executor, supplierId: string) => Promise<boolean>>(
  'orders.settlementDelayed',
  { required: false },
);

/**
 * Called in the operator's refund transaction when it gives back all that was left of a disputed order:
 * the after-sales case on it has nothing left to decide and ends (closed, with a message, both sides told).
 * Optional: without a provider nothing else happens.
 */
export const disputedOrderRefunded = defineHook<
  (tx: Executor, deps: Deps, orderId: string, operatorId: string) => Promise<void>
>('orders.disputedOrderRefunded', { required: false });
