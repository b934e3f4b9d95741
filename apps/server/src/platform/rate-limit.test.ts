import { describe, expect, it } from 'vitest';
import { ManualClock } from './clock.ts';
import { AppError } from './http/errors.ts';
import { MemoryCounterStore, RateLimiter } from './rate-limit.ts';

describe('rate limiter (memory store)', () => {
  it('allows max hits per window, then 429 with Retry-After, then resets', async () => {
    const clock = new ManualClock();
    const limiter = new RateLimiter(new MemoryCounterStore(clock), clock, true);
    const limit = { max: 3, windowMs: 60_000 };
    for (let i = 0; i < 3; i++) await limiter.consume('k', limit);
    clock.advance(20_000);
    const err = await limiter.consume('k', limit).catch((e) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err.status).toBe(429);
    expect(err.headers['retry-after']).toBe('40');
    clock.advance(40_000);
    await expect(limiter.consume('k', limit)).resolves.toBeUndefined();
  });

  it('is off when disabled', async () => {
    const clock = new ManualClock();
    const limiter = new RateLimiter(new MemoryCounterStore(clock), clock, false);
    for (let i = 0; i < 10; i++) await limiter.consume('k', { max: 1, windowMs: 1000 });
  });
});
