/**
 * The keys derived from the master key: one wraps each batch's data key, one keys the hash that
 * de-duplicates card keys without decrypting them.
 */
import { decrypt, deriveKey, hmacHex, keyObject, type SecretKey } from '../../platform/crypto.ts';
import type { Executor } from '../../platform/db/database.ts';
import type { Deps } from '../../platform/deps.ts';
import { type Rotation, reseal } from '../../platform/master-key.ts';
import * as q from './vault.queries.ts';

const WRAP = 'vault-wrap';
const DEDUPE = 'vault-dedupe';

export function wrapKey(deps: Pick<Deps, 'config'>): Buffer {
  return deriveKey(deps.config.masterKey, WRAP);
}
export function hashKeyBytes(deps: Pick<Deps, 'config'>): Buffer {
  return deriveKey(deps.config.masterKey, DEDUPE);
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

const PAGE = 1000;

/**
 * A master-key rotation: every batch's data key wrapped again (the card keys themselves stay sealed under
 * their data keys), and every key's de-duplication hash computed again under the new hash key, so a later
 * import still finds the duplicates of what is stored.
 */
export async function rotateVaultKeys(r: Rotation): Promise<void> {
  const deks = new Map<string, Buffer>();
  const batches = await q.allWrappedDeks(r.tx);
  for (const b of batches) {
    deks.set(b.id, decrypt(deriveKey(r.from, WRAP), b.wrapped_dek, b.id));
    await q.setWrappedDek(r.tx, b.id, reseal(r, WRAP, b.wrapped_dek, b.id));
  }
  r.count('card key data keys', batches.length);
  const hk = keyObject(deriveKey(r.to, DEDUPE));
  let after = '';
  let n = 0;
  for (;;) {
    const page = await q.cardKeysAfter(r.tx, after, PAGE);
    for (const k of page) {
      const dek = deks.get(k.batch_id);
      if (!dek) throw new Error(`card key ${k.id} belongs to no batch`);
      const secret = decrypt(dek, k.secret_enc, k.id).toString('utf8');
      await q.setSecretHash(r.tx, k.id, hmacHex(hk, `${k.product_id}:${secret}`));
    }
    n += page.length;
    if (page.length < PAGE) break;
    after = page.at(-1)?.id ?? after;
  }
  r.count('card key hashes', n);
}
