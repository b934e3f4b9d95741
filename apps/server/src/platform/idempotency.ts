/**
 * Idempotency-Key for requests that create something (orders, top-ups, withdrawals, refunds): the same key
 * with the same request answers what the first request created; the same key with another request is
 * refused with IDEMPOTENCY_MISMATCH (422). The key is recorded in the transaction that creates the thing,
 * so a key never points at something that was rolled back, and two racing requests create one thing.
 */
import { deriveKey, hmacHex } from './crypto.ts';
import type { Executor } from './db/database.ts';
import { isUniqueViolation } from './db/dialect.ts';
import type { Deps } from './deps.ts';
import { AppError } from './http/errors.ts';

export interface IdempotencyClaim {
  /** what the key creates: `order`, `top_up`, `withdrawal`, `refund` */
  scope: string;
  /** whose key it is: `u:<userId>`, or `guest:<email>` */
  owner: string;
  key: string;
  /** the request, normalised by the caller: what must be the same for a replay (secrets may be in it) */
  request: unknown;
}

/** Called inside the creating transaction with the id of what was created. */
export type Remember = (tx: Executor, resultId: string) => Promise<void>;

export interface Idempotent<T> {
  value: T;
  replayed: boolean;
}

/** A claim from a route's optional `Idempotency-Key` header, or none when the header was not sent. */
export function claimOf(
  scope: string,
  owner: string,
  key: string | undefined,
  request: unknown,
): IdempotencyClaim | undefined {
  return key === undefined ? undefined : { scope, owner, key, request };
}

function requestHash(deps: Deps, request: unknown): string {
  // keyed: a guest's lookup password is part of the request and must not be recoverable from the table
  return hmacHex(deriveKey(deps.config.masterKey, 'idempotency'), JSON.stringify(request));
}

async function replayed<T>(
  deps: Deps,
  claim: IdempotencyClaim,
  hash: string,
  load: (id: string) => Promise<T>,
  db: Executor = deps.db,
): Promise<Idempotent<T> | undefined> {
  const row = await db
    .selectFrom('idempotency_keys')
    .select(['request_hash', 'result_id'])
    .where('scope', '=', claim.scope)
    .where('owner', '=', claim.owner)
    .where('key', '=', claim.key)
    .executeTakeFirst();
  if (!row) return undefined;
  if (row.request_hash !== hash) {
    throw new AppError('IDEMPOTENCY_MISMATCH', 'This Idempotency-Key was used for a different request', {
      scope: claim.scope,
    });
  }
  return { value: await load(row.result_id), replayed: true };
}

/**
 * Runs `create` once per claim. `create` must call `remember(tx, id)` inside the transaction that creates
 * the thing; `load` reads it back by that id for a replay.
 */
export async function idempotently<T>(
  deps: Deps,
  claim: IdempotencyClaim | undefined,
  load: (id: string) => Promise<T>,
  create: (remember: Remember) => Promise<T>,
): Promise<Idempotent<T>> {
  if (!claim) return { value: await create(async () => {}), replayed: false };
  const hash = requestHash(deps, claim.request);
  const before = await replayed(deps, claim, hash, load);
  if (before) return before;
  try {
    const value = await create(async (tx, resultId) => {
      await tx
        .insertInto('idempotency_keys')
        .values({
          scope: claim.scope,
          owner: claim.owner,
          key: claim.key,
          request_hash: hash,
          result_id: resultId,
          created_at: deps.clock.now(),
        })
        .execute();
    });
    return { value, replayed: false };
  } catch (err) {
    // two requests with one key raced: the loser's transaction rolled back; it answers with the winner's
    if (isUniqueViolation(err)) {
      // read in a transaction: on the embedded database it sees the winner even while its group commit is
      // still gathering, and answers only once that commit is on disk; `load` then reads committed rows
      const winner = await deps.db.transaction().execute((tx) => replayed(deps, claim, hash, async (id) => id, tx));
      if (winner) return { value: await load(winner.value), replayed: true };
    }
    throw err;
  }
}

/** How long a key answers for what it created: far longer than any client retries, short enough to prune. */
export const IDEMPOTENCY_KEY_TTL_MS = 7 * 24 * 3_600_000;

/** Forgets keys older than the TTL (a recurring job of the system module); answers how many. */
export async function pruneIdempotencyKeys(deps: Deps): Promise<number> {
  const r = await deps.db
    .deleteFrom('idempotency_keys')
    .where('created_at', '<', deps.clock.now() - IDEMPOTENCY_KEY_TTL_MS)
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}
