import type { Executor } from '../../platform/db/database.ts';
import { defineHook } from '../../platform/hooks.ts';

/**
 * True while a supplier is suspended from sale (after-sales bad faith, a module above catalog decides):
 * he can neither put a product back on sale nor create one, and checkout sells none of his products.
 * Optional: without a provider nobody is suspended.
 */
export const supplierSuspended = defineHook<(db: Executor, supplierId: string) => Promise<boolean>>(
  'catalog.supplierSuspended',
  { required: false },
);
