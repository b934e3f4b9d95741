/**
 * Rotating the master key. Nothing is encrypted under the master key itself: each module seals its secrets
 * under a key derived from it for one purpose (card keys' data keys, payout accounts, channel secrets, TOTP
 * secrets …). A rotation asks every module that keeps such secrets to open them with the old master key and
 * seal them again with the new one, all in one transaction: it commits whole or not at all.
 */
import { writeAudit } from './audit.ts';
import { decrypt, deriveKey, encrypt } from './crypto.ts';
import type { Executor } from './db/database.ts';
import type { Deps } from './deps.ts';
import { defineEvent } from './hooks.ts';

export interface Rotation {
  tx: Executor;
  from: Buffer;
  to: Buffer;
  /** what a module re-sealed, for the operator's report and the audit record */
  count(what: string, n: number): void;
}

/** Every module that seals secrets under a key derived from the master key listens (its descriptor's `install`). */
export const masterKeyRotation = defineEvent<[rotation: Rotation]>('platform.masterKeyRotation');

/** Opens `sealed` (AES-256-GCM, `aad`) under the old master key's `purpose` key and seals it under the new one's. */
export function reseal(r: Pick<Rotation, 'from' | 'to'>, purpose: string, sealed: string, aad: string): string {
  return encrypt(deriveKey(r.to, purpose), decrypt(deriveKey(r.from, purpose), sealed, aad), aad);
}

/**
 * Re-seals everything under `to` in one transaction and records the rotation in the audit log; returns what
 * each module re-sealed. The shop must be stopped: a process still holding the old key would seal new secrets
 * under it after the commit.
 */
export async function rotateMasterKey(deps: Deps, to: Buffer): Promise<Record<string, number>> {
  if (to.length !== 32) throw new Error('a master key is 32 bytes');
  if (to.equals(deps.config.masterKey)) throw new Error('the new master key is the old one');
  const counts: Record<string, number> = {};
  await deps.db.transaction().execute(async (tx) => {
    const count = (what: string, n: number) => {
      counts[what] = (counts[what] ?? 0) + n;
    };
    await deps.hooks.emit(masterKeyRotation, { tx, from: deps.config.masterKey, to, count });
    await writeAudit(tx, deps, { actorId: null, action: 'master_key.rotated', details: { via: 'cli', ...counts } });
  });
  return counts;
}
