import type { Deps } from '../../platform/deps.ts';

/** Stock changes with every order, so a cached listing may lag by at most this long. */
export const CATALOG_CACHE_TTL_MS = 30_000;
const MAX_LOCAL_ENTRIES = 2_000;

interface LocalCache {
  version: number;
  entries: Map<string, { value: unknown; expiresAt: number }>;
}

// one in-process cache per runtime (tests build several apps in one process)
const locals = new WeakMap<Deps, LocalCache>();

function localOf(deps: Deps): LocalCache {
  let c = locals.get(deps);
  if (!c) {
    c = { version: 0, entries: new Map() };
    locals.set(deps, c);
  }
  return c;
}

function versionKey(deps: Deps): string {
  return `${deps.redisPrefix}catalog:version`;
}

/**
 * Returns the cached value for `key`, or computes and stores it. With Redis, entries live under the
 * current catalog version, so one INCR makes every process miss; without Redis the cache is this process's.
 * A Redis failure never fails a read: the value is computed instead.
 */
export async function cached<T>(deps: Deps, key: string, compute: () => Promise<T>): Promise<T> {
  if (deps.redis) {
    const redis = deps.redis;
    let fullKey: string;
    try {
      const version = (await redis.get(versionKey(deps))) ?? '0';
      fullKey = `${deps.redisPrefix}catalog:${version}:${key}`;
      const hit = await redis.get(fullKey);
      if (hit !== null) return JSON.parse(hit) as T;
    } catch (err) {
      deps.log.warn({ err: (err as Error).message }, 'catalog cache read failed');
      return compute();
    }
    const value = await compute();
    await redis
      .set(fullKey, JSON.stringify(value), 'PX', CATALOG_CACHE_TTL_MS)
      .catch((err: Error) => deps.log.warn({ err: err.message }, 'catalog cache write failed'));
    return value;
  }

  const local = localOf(deps);
  const now = deps.clock.now();
  const hit = local.entries.get(key);
  if (hit && hit.expiresAt > now) return structuredClone(hit.value) as T;
  const version = local.version;
  const value = await compute();
  // an invalidation while computing means the value may already be stale: hand it out, do not keep it
  if (local.version === version) {
    if (local.entries.size >= MAX_LOCAL_ENTRIES) {
      const oldest = local.entries.keys().next().value;
      if (oldest !== undefined) local.entries.delete(oldest);
    }
    local.entries.set(key, { value: structuredClone(value), expiresAt: now + CATALOG_CACHE_TTL_MS });
  }
  return value;
}

/** Makes every cached catalog read miss, in every process. Call it after any change that shows in the catalog. */
export async function invalidateCatalogCache(deps: Deps): Promise<void> {
  const local = localOf(deps);
  local.version += 1;
  local.entries.clear();
  if (deps.redis) {
    try {
      await deps.redis.incr(versionKey(deps));
    } catch (err) {
      deps.log.warn({ err: (err as Error).message }, 'catalog cache invalidation failed');
    }
  }
}
