/**
 * The keys derived from the master key: one wraps each batch's data key, one keys the hash that
 * de-duplicates card keys without decrypting them.
 */
import { decrypt, deriveKey, keyObject, type SecretKey } from '../../platform/crypto.ts';
import type { Executor } from '../../platform/db/database.ts';
import type { Deps } from '../../platform/deps.ts';
import * as q from './vault.queries.ts';

export function wrapKey(deps: Pick<Deps, 'config'>): Buffer {
  return deriveKey(deps.config.masterKey, 'vault-wrap');
}
export function hashKeyBytes(deps: Pick<Deps, 'config'>): Buffer {
  return deriveKey(deps.config.masterKey, 'vault-dedupe');
}
export function hashKey(deps: Pick<Deps, 'config'>): SecretKey {
  return keyObject(hashKeyBytes(deps));
}

/** Each batch's data key, unwrapped. */
export async function batchKeys(db: Executor, deps: Deps, batchIds: string[]): Promise<Map<string, Buffer>> {
  const rows = await q.wrappedDeks(db, [...new Set(batchIds)]);
  const wrap = wrapKey(deps);
  return new Map(rows.map((b) => [b.id, decrypt(wrap, b.wrapped_dek, b.id)]));
}
