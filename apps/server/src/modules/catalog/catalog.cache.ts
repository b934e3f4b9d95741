import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { z } from 'zod';
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

/**
 * A public response as it goes on the wire: validated against its schema and serialised once, when the
 * entry is filled, so that a hit sends these bytes without parsing, copying or serialising anything.
 */
export interface JsonEntry<T> {
  /** the schema's output, frozen: shared by every reader */
  readonly value: T;
  readonly body: Buffer;
  readonly etag: string;
}

interface Entry {
  value: unknown;
  expiresAt: number;
  json?: JsonEntry<unknown>;
  /** the products this entry shows; absent: it may show any (dropped by every product's change) */
  products?: ReadonlySet<string>;
  /** its order depends on sales counts (the "sales" sort) */
  bySales?: boolean;
}

/** What a page shows, so that a change to one product drops only the pages that show it. */
export interface Scope {
  products: readonly string[];
  bySales?: boolean;
}

interface LocalCache {
  /** bumped by every invalidation this process makes or hears of: a fill begun before it is not kept */
  version: number;
  /** with Redis: the catalog version (every page) and the products version the entries below belong to */
  redisVersion: number | null;
  productsVersion: number | null;
  /** with Redis: true while the invalidation channel is subscribed, so the versions are current without asking */
  listening: boolean;
  entries: Map<string, Entry>;
  /** computations under way, so that a burst of misses for one key computes it once */
  inflight: Map<string, Promise<Entry>>;
}

// one in-process cache per runtime (tests build several apps in one process)
const locals = new WeakMap<Deps, LocalCache>();

function localOf(deps: Deps): LocalCache {
  let c = locals.get(deps);
  if (!c) {
    c = {
      version: 0,
      redisVersion: null,
      productsVersion: null,
      listening: false,
      entries: new Map(),
      inflight: new Map(),
    };
    locals.set(deps, c);
    if (deps.redis) listen(deps, deps.redis, c);
  }
  return c;
}

function versionKey(deps: Deps): string {
  return `${deps.redisPrefix}catalog:version`;
}

function productsVersionKey(deps: Deps): string {
  return `${deps.redisPrefix}catalog:products-version`;
}

function channelOf(deps: Deps): string {
  return `${deps.redisPrefix}catalog:invalidated`;
}

function dropAll(local: LocalCache): void {
  local.version += 1;
  local.entries.clear();
}

function dropProducts(local: LocalCache, ids: readonly string[], sold: boolean): void {
  local.version += 1;
  for (const [key, e] of local.entries) {
    if (!e.products || (sold && e.bySales) || ids.some((id) => e.products!.has(id))) local.entries.delete(key);
  }
}

/** Both versions as read from Redis: anything else than what the entries belong to drops them all. */
function moveTo(local: LocalCache, version: number, productsVersion: number): void {
  if (local.redisVersion === version && local.productsVersion === productsVersion) return;
  local.redisVersion = version;
  local.productsVersion = productsVersion;
  dropAll(local);
}

async function readVersions(deps: Deps, redis: Redis): Promise<[number, number]> {
  const [v, pv] = await redis.mget(versionKey(deps), productsVersionKey(deps));
  return [Number(v ?? 0), Number(pv ?? 0)];
}

interface ProductsMessage {
  pv: number;
  ids: string[];
  sold: boolean;
}

/**
 * Every invalidation is published: a plain number is a new catalog version (every page goes), a JSON object
 * a new products version with the products that changed (only their pages go). While this process is
 * subscribed it knows both versions without a round trip to Redis per read; while it is not (starting,
 * reconnecting), every read asks Redis for them and any change drops everything. On each (re)subscription it
 * drops everything and reads the versions once: a message missed while disconnected leaves nothing stale.
 */
function listen(deps: Deps, redis: Redis, local: LocalCache): void {
  const sub = redis.duplicate();
  const channel = channelOf(deps);
  sub.on('error', (err: Error) => deps.log.warn({ err: err.message }, 'catalog cache subscriber error'));
  sub.on('message', (ch: string, message: string) => {
    if (ch !== channel || !local.listening) return;
    if (message.startsWith('{')) {
      const m = JSON.parse(message) as ProductsMessage;
      // messages from several publishers may cross: only a higher version is news
      if (m.pv > (local.productsVersion ?? -1)) local.productsVersion = m.pv;
      dropProducts(local, m.ids, m.sold);
    } else if (Number(message) > (local.redisVersion ?? -1)) {
      local.redisVersion = Number(message);
      dropAll(local);
    }
  });
  sub.on('close', () => {
    local.listening = false;
  });
  sub.on('ready', () => {
    void (async () => {
      try {
        await sub.subscribe(channel);
        const [v, pv] = await readVersions(deps, redis);
        local.redisVersion = v;
        local.productsVersion = pv;
        dropAll(local);
        local.listening = true;
      } catch (err) {
        deps.log.warn({ err: (err as Error).message }, 'catalog cache subscribe failed');
      }
    })();
  });
  // the subscriber lives as long as the runtime's own connection
  redis.once('end', () => sub.disconnect());
}

function keep(local: LocalCache, key: string, entry: Entry): void {
  if (local.entries.size >= MAX_LOCAL_ENTRIES) {
    const oldest = local.entries.keys().next().value;
    if (oldest !== undefined) local.entries.delete(oldest);
  }
  local.entries.set(key, entry);
}

/** Runs `compute` once for concurrent callers of the same key. */
async function once(local: LocalCache, key: string, compute: () => Promise<Entry>): Promise<Entry> {
  const running = local.inflight.get(key);
  if (running) return running;
  const p = compute();
  local.inflight.set(key, p);
  try {
    return await p;
  } finally {
    local.inflight.delete(key);
  }
}

function deepFreeze<T>(v: T): T {
  if (v !== null && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}

type Seal = (value: unknown, expiresAt: number) => Entry;

const plain: Seal = (value, expiresAt) => ({ value, expiresAt });

const seals = new WeakMap<z.ZodType, Seal>();

function jsonSeal(schema: z.ZodType): Seal {
  const known = seals.get(schema);
  if (known) return known;
  const seal: Seal = (value, expiresAt) => {
    // what fastify-type-provider-zod's serializer does on every response, done once per fill
    const out = deepFreeze(schema.parse(value));
    const body = Buffer.from(JSON.stringify(out));
    const etag = `"${createHash('sha1').update(body).digest('base64url')}"`;
    return { value: out, expiresAt, json: { value: out, body, etag } };
  };
  seals.set(schema, seal);
  return seal;
}

/**
 * The entry for `key`, from this process's memory, from Redis, or computed and stored. With Redis, entries
 * live under the current versions, so one INCR makes every process miss; each process keeps the entries of
 * the current versions in memory too. Without Redis the cache is this process's. A Redis failure never
 * fails a read: the value is computed instead (and not kept).
 */
async function entryFor(
  deps: Deps,
  key: string,
  compute: () => Promise<unknown>,
  seal: Seal,
  scope?: (value: unknown) => Scope,
): Promise<Entry> {
  const make = (value: unknown, expiresAt: number): Entry => {
    const entry = seal(value, expiresAt);
    if (scope) {
      const s = scope(entry.value);
      entry.products = new Set(s.products);
      entry.bySales = s.bySales ?? false;
    }
    return entry;
  };
  const local = localOf(deps);
  const now = deps.clock.now();
  if (deps.redis) {
    const redis = deps.redis;
    if (!local.listening) {
      try {
        const [v, pv] = await readVersions(deps, redis);
        moveTo(local, v, pv);
      } catch (err) {
        deps.log.warn({ err: (err as Error).message }, 'catalog cache read failed');
        return make(await compute(), now);
      }
    }
    const hit = local.entries.get(key);
    if (hit && hit.expiresAt > now) return hit;
    const version = `${local.redisVersion}.${local.productsVersion}`;
    const generation = local.version;
    const fullKey = `${deps.redisPrefix}catalog:${version}:${key}`;
    return once(local, `${version}:${key}`, async () => {
      try {
        const remote = await redis.get(fullKey);
        if (remote !== null) {
          const stored = JSON.parse(remote) as Entry;
          const entry = make(stored.value, stored.expiresAt);
          if (local.version === generation) keep(local, key, entry);
          return entry;
        }
      } catch (err) {
        deps.log.warn({ err: (err as Error).message }, 'catalog cache read failed');
        return make(await compute(), now);
      }
      const entry = make(await compute(), now + ttlOf(deps));
      await redis
        .set(fullKey, JSON.stringify({ value: entry.value, expiresAt: entry.expiresAt }), 'PX', ttlOf(deps))
        .catch((err: Error) => deps.log.warn({ err: err.message }, 'catalog cache write failed'));
      if (local.version === generation) keep(local, key, entry);
      return entry;
    });
  }

  const hit = local.entries.get(key);
  if (hit && hit.expiresAt > now) return hit;
  const version = local.version;
  return once(local, `${version}:${key}`, async () => {
    const entry = make(await compute(), now + ttlOf(deps));
    // an invalidation while computing means the value may already be stale: hand it out, do not keep it
    if (local.version === version) keep(local, key, entry);
    return entry;
  });
}

/**
 * Returns the cached value for `key`, or computes and stores it; each caller gets its own copy. With a
 * `scope`, `invalidateCatalogProducts` drops it only when one of its products changes.
 */
export async function cached<T>(deps: Deps, key: string, compute: () => Promise<T>, scope?: Scope): Promise<T> {
  return structuredClone((await entryFor(deps, key, compute, plain, scope ? () => scope : undefined)).value) as T;
}

/**
 * Like `cached`, for a public response: the value is validated against `schema` and serialised once per
 * fill, and every reader shares the one frozen entry. `scope` names the products the page shows, so that
 * `invalidateCatalogProducts` drops it only when one of them changes; without it, any product's change does.
 */
export async function cachedJson<S extends z.ZodType>(
  deps: Deps,
  key: string,
  schema: S,
  compute: () => Promise<z.input<S>>,
  scope?: (value: z.output<S>) => Scope,
): Promise<JsonEntry<z.output<S>>> {
  // its own key space: a plain entry has no serialised form
  const entry = await entryFor(deps, `json:${key}`, compute, jsonSeal(schema), scope as (value: unknown) => Scope);
  return entry.json as JsonEntry<z.output<S>>;
}

/**
 * Makes every cached catalog read miss, in every process. Call it after any change that shows in the
 * catalog. Other processes hear of it through Redis pub/sub, within the moment the message takes.
 */
export async function invalidateCatalogCache(deps: Deps): Promise<void> {
  dropAll(localOf(deps));
  if (deps.redis) {
    try {
      const version = await deps.redis.incr(versionKey(deps));
      const local = localOf(deps);
      if (version > (local.redisVersion ?? -1)) local.redisVersion = version;
      await deps.redis.publish(channelOf(deps), String(version));
    } catch (err) {
      deps.log.warn({ err: (err as Error).message }, 'catalog cache invalidation failed');
    }
  }
}

/**
 * Drops the cached pages that show any of `productIds` (and, when `sold`, every page sorted by sales), in
 * every process: for changes of stock or sales counts, which do not move a product in or out of a listing.
 * Everything else (edits, approvals, categories) goes through `invalidateCatalogCache`.
 */
export async function invalidateCatalogProducts(
  deps: Deps,
  productIds: readonly string[],
  opts: { sold?: boolean } = {},
): Promise<void> {
  const sold = opts.sold ?? false;
  const local = localOf(deps);
  dropProducts(local, productIds, sold);
  if (deps.redis) {
    try {
      const pv = await deps.redis.incr(productsVersionKey(deps));
      if (pv > (local.productsVersion ?? -1)) local.productsVersion = pv;
      const message: ProductsMessage = { pv, ids: [...productIds], sold };
      await deps.redis.publish(channelOf(deps), JSON.stringify(message));
    } catch (err) {
      deps.log.warn({ err: (err as Error).message }, 'catalog cache invalidation failed');
    }
  }
}
