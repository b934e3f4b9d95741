import type { Redis } from 'ioredis';
import type { Clock } from './clock.ts';
import { AppError } from './http/errors.ts';

export interface Hit {
  count: number;
  resetAt: number;
}

/** Fixed-window counters: in process, or in Redis so every app process shares them. */
export interface CounterStore {
  hit(key: string, windowMs: number): Promise<Hit>;
}

export class MemoryCounterStore implements CounterStore {
  private readonly windows = new Map<string, Hit>();
  private lastSweep = 0;
  private readonly clock: Clock;
  constructor(clock: Clock) {
    this.clock = clock;
  }

  async hit(key: string, windowMs: number): Promise<Hit> {
    const now = this.clock.now();
    if (now - this.lastSweep > 60_000) this.sweep(now);
    const cur = this.windows.get(key);
    if (!cur || cur.resetAt <= now) {
      const fresh = { count: 1, resetAt: now + windowMs };
      this.windows.set(key, fresh);
      return fresh;
    }
    cur.count += 1;
    return cur;
  }

  private sweep(now: number): void {
    this.lastSweep = now;
    for (const [k, v] of this.windows) if (v.resetAt <= now) this.windows.delete(k);
  }
}

const HIT_SCRIPT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {n, ttl}`;

export class RedisCounterStore implements CounterStore {
  private readonly redis: Redis;
  private readonly clock: Clock;
  private readonly prefix: string;
  constructor(redis: Redis, clock: Clock, prefix: string) {
    this.redis = redis;
    this.clock = clock;
    this.prefix = prefix;
  }

  async hit(key: string, windowMs: number): Promise<Hit> {
    const [count, ttl] = (await this.redis.eval(HIT_SCRIPT, 1, `${this.prefix}rl:${key}`, windowMs)) as [
      number,
      number,
    ];
    return { count, resetAt: this.clock.now() + ttl };
  }
}

export interface Limit {
  /** requests allowed per window; 0 disables the limit */
  max: number;
  windowMs: number;
}

export class RateLimiter {
  private readonly store: CounterStore;
  private readonly clock: Clock;
  /** false when RATE_LIMIT_PER_MINUTE=0: every limit is off */
  readonly enabled: boolean;
  constructor(store: CounterStore, clock: Clock, enabled: boolean) {
    this.store = store;
    this.clock = clock;
    this.enabled = enabled;
  }

  /** Counts one hit against `key` and throws RATE_LIMITED (429, Retry-After) once over the limit. */
  async consume(key: string, limit: Limit, what = 'requests'): Promise<void> {
    if (!this.enabled || limit.max <= 0) return;
    const { count, resetAt } = await this.store.hit(key, limit.windowMs);
    if (count > limit.max) {
      const retryAfter = Math.max(1, Math.ceil((resetAt - this.clock.now()) / 1000));
      throw new AppError(
        'RATE_LIMITED',
        `Too many ${what}; try again in ${retryAfter} s`,
        { retryAfterSeconds: retryAfter, limit: limit.max, windowSeconds: limit.windowMs / 1000 },
        { 'retry-after': String(retryAfter) },
      );
    }
  }
}

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
