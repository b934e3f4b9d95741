import type { Executor } from '../../platform/db/database.ts';
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
