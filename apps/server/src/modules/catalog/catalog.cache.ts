import type { Deps } from '../../platform/deps.ts';

/** Stock changes with every order, so a cached listing may lag by at most this long. */
export const CATALOG_CACHE_TTL_MS = 30_000;
/**
 * Catalog reads come from the replica when one is configured. A miss right after an invalidation may read a
 * replica that has not yet replayed the write; such an entry must not outlive the replica's lag by much.
 */
export const REPLICA_CACHE_TTL_MS = 2_000;

function ttlOf(deps: Deps): number {
  return deps.readDb === deps.db ? CATALOG_CACHE_TTL_MS : REPLICA_CACHE_TTL_MS;
}
const MAX_LOCAL_ENTRIES = 2_000;

interface Entry {
  value: unknown;
  expiresAt: number;
}

interface LocalCache {
  /** bumped by this process's invalidations (the whole cache without Redis) */
  version: number;
  /** with Redis: the catalog version the entries below belong to */
  redisVersion: string | null;
  entries: Map<string, Entry>;
  /** computations under way, so that a burst of misses for one key computes it once */
  inflight: Map<string, Promise<unknown>>;
}

// one in-process cache per runtime (tests build several apps in one process)
const locals = new WeakMap<Deps, LocalCache>();

function localOf(deps: Deps): LocalCache {
  let c = locals.get(deps);
  if (!c) {
    c = { version: 0, redisVersion: null, entries: new Map(), inflight: new Map() };
    locals.set(deps, c);
  }
  return c;
}

function versionKey(deps: Deps): string {
  return `${deps.redisPrefix}catalog:version`;
}

function keep(local: LocalCache, key: string, entry: Entry): void {
  if (local.entries.size >= MAX_LOCAL_ENTRIES) {
    const oldest = local.entries.keys().next().value;
    if (oldest !== undefined) local.entries.delete(oldest);
  }
  local.entries.set(key, { value: structuredClone(entry.value), expiresAt: entry.expiresAt });
}

/** Runs `compute` once for concurrent callers of the same key; each caller gets its own copy. */
async function once<T>(local: LocalCache, key: string, compute: () => Promise<T>): Promise<T> {
  const running = local.inflight.get(key);
  if (running) return structuredClone(await running) as T;
  const p = compute();
  local.inflight.set(key, p);
  try {
    return await p;
  } finally {
    local.inflight.delete(key);
  }
}

/**
 * Returns the cached value for `key`, or computes and stores it. With Redis, entries live under the
 * current catalog version, so one INCR makes every process miss; each process keeps the entries of the
 * current version in memory too, so a hit costs one small GET (the version) instead of fetching and parsing
 * the value. Without Redis the cache is this process's. A Redis failure never fails a read: the value is
 * computed instead.
 */
export async function cached<T>(deps: Deps, key: string, compute: () => Promise<T>): Promise<T> {
  const local = localOf(deps);
  if (deps.redis) {
    const redis = deps.redis;
    let version: string;
    try {
      version = (await redis.get(versionKey(deps))) ?? '0';
    } catch (err) {
      deps.log.warn({ err: (err as Error).message }, 'catalog cache read failed');
      return compute();
    }
    if (local.redisVersion !== version) {
      local.redisVersion = version;
      local.entries.clear();
    }
    const now = deps.clock.now();
    const hit = local.entries.get(key);
    if (hit && hit.expiresAt > now) return structuredClone(hit.value) as T;
    const fullKey = `${deps.redisPrefix}catalog:${version}:${key}`;
    return once(local, `${version}:${key}`, async () => {
      try {
        const remote = await redis.get(fullKey);
        if (remote !== null) {
          const entry = JSON.parse(remote) as Entry;
          if (local.redisVersion === version) keep(local, key, entry);
          return entry.value as T;
        }
      } catch (err) {
        deps.log.warn({ err: (err as Error).message }, 'catalog cache read failed');
        return compute();
      }
      const value = await compute();
      const entry = { value, expiresAt: now + ttlOf(deps) };
      await redis
        .set(fullKey, JSON.stringify(entry), 'PX', ttlOf(deps))
        .catch((err: Error) => deps.log.warn({ err: err.message }, 'catalog cache write failed'));
      if (local.redisVersion === version) keep(local, key, entry);
      return value;
    });
  }

  const now = deps.clock.now();
  const hit = local.entries.get(key);
  if (hit && hit.expiresAt > now) return structuredClone(hit.value) as T;
  const version = local.version;
  return once(local, `${version}:${key}`, async () => {
    const value = await compute();
    // an invalidation while computing means the value may already be stale: hand it out, do not keep it
    if (local.version === version) keep(local, key, { value, expiresAt: now + ttlOf(deps) });
    return value;
  });
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
