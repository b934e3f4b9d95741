/** One step of an import, whether it runs in the request or in the job: its keys prepared, then inserted. */
import { newIds } from '../../platform/clock.ts';
import type { SecretKey } from '../../platform/crypto.ts';
import type { Executor } from '../../platform/db/database.ts';
import type { Deps } from '../../platform/deps.ts';
import { changeKeyStock } from './vault.stock.ts';
import { prepareKeys, type StepKeys } from './vault.prepare.ts';
import * as q from './vault.queries.ts';
import type { Line } from './vault.upload.ts';

/**
 * Keys committed per transaction by an import: progress moves in steps this size, a retry redoes at most one.
 * Fewer, larger commits write far less WAL (the dedupe index takes keys in random order); SQLite's steps stay
 * smaller because its one write lock holds buyers' orders up while a step commits.
 */
export function importStep(dialect: Deps['dialect']): number {
  return dialect === 'sqlite' ? 5_000 : 10_000;
}
/** One INSERT statement's keys: PostgreSQL takes a whole step as arrays; SQLite binds 7 values a key (32,766 at most). */
function insertChunk(dialect: Deps['dialect']): number {
  return dialect === 'sqlite' ? 500 : 10_000;
}

export interface ImportCounts {
  imported: number;
  duplicates: number;
  rejected: number;
}

/** What one batch of an import needs to encrypt and de-duplicate its keys. */
export interface BatchContext {
  productId: string;
  batchId: string;
  dek: SecretKey;
  hashKey: SecretKey;
  now: number;
}

/** One step's keys, encrypted and hashed before any transaction opens, so the write lock is held only to insert. */
export interface PreparedStep {
  keys: q.KeyColumns;
  rejected: number;
}

/** Encrypts and hashes a step here, on the event loop's thread (small imports, generated codes). */
export function prepareStep(deps: Deps, b: BatchContext, lines: readonly Line[]): PreparedStep {
  const ids = newIds('ck', deps.clock, deps.random, lines.length);
  return columns(b, prepareKeys({ productId: b.productId, dek: b.dek, hashKey: b.hashKey, lines, ids }));
}

export function columns(b: BatchContext, k: StepKeys): PreparedStep {
  return {
    keys: {
      productId: b.productId,
      batchId: b.batchId,
      createdAt: b.now,
      ids: k.ids,
      secretEnc: k.secretEnc,
      secretHash: k.secretHash,
      masked: k.masked,
    },
    rejected: k.rejected,
  };
}

/**
 * Inserts a prepared step. A key already held for the product (from before or from this same import)
 * counts as a duplicate: the unique (product, keyed hash) index decides, so the import keeps nothing in memory.
 */
export async function insertStep(tx: Executor, dialect: Deps['dialect'], step: PreparedStep): Promise<ImportCounts> {
  const n = step.keys.ids.length;
  const chunk = insertChunk(dialect);
  let imported = 0;
  for (let i = 0; i < n; i += chunk) imported += await q.insertKeys(tx, dialect, step.keys, i, Math.min(n, i + chunk));
  await changeKeyStock(tx, step.keys.productId, imported);
  return { imported, duplicates: n - imported, rejected: step.rejected };
}
