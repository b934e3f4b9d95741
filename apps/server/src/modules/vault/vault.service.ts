/**
 * The vault's public face: exactly what its routes, jobs and other modules use. The work is done in files
 * of one concern each: import (in the request, or as a job), allocation and reveal for orders, low-stock
 * alerts, and the supplier's own keys.
 */
export { markKeysSold, releaseKeys, reserveKeys, revealKeysForOrder } from './vault.allocation.ts';
export { type ImportBody, generateKeys, importKeys, SYNC_MAX_LINES } from './vault.import.ts';
export { getImport, listImports, runImport, sweepOrphanUploads } from './vault.import-job.ts';
export { exportUnsoldKeys } from './vault.exports.ts';
export { listProductKeys, revealKey, voidUnsold } from './vault.supplier-keys.ts';
export { replaceSoldKeys, type SoldKey, soldKeysOf } from './vault.replacement.ts';
export {
  firstRevealOf,
  resoldAmong,
  type KeyHistory,
  keyHistoryOfOrder,
  type SupplierKeyRecord,
  supplierKeyRecord,
} from './vault.key-history.ts';
export { productsOfKeys, restockKeys, takeBackKeys, unrevealedKeysOf } from './vault.returns.ts';
export { type Drift, recountKeyStock } from './vault.stock-recount.ts';
