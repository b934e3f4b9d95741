import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Random } from '../clock.ts';
import { backoffMs } from './jobs.ts';

const HOUR = 3_600_000;

/** A Random whose next 4 bytes read as the given unsigned 32-bit integer. */
const fixed = (u32: number): Random => ({
  bytes: (n) => {
    const b = Buffer.alloc(Math.max(n, 4));
    b.writeUInt32BE(u32 >>> 0, 0);
    return b.subarray(0, n);
  },
});

/** Deterministic pseudo-random bytes, so a failure replays exactly. */
function seeded(seed: string): Random {
  let counter = 0;
  return {
    bytes: (n) => {
      const out = Buffer.alloc(n);
      for (let i = 0; i < n; i += 32) {
        createHash('sha256').update(`${seed}:${counter++}`).digest().copy(out, i);
      }
      return out;
    },
  };
}

const lowest = fixed(0);
const highest = fixed(0xffff_ffff);

describe('backoffMs', () => {
  it('doubles with every attempt: 1 s, 2 s, 4 s … before the cap', () => {
    for (let attempt = 1; attempt <= 12; attempt++) {
      const cap = 1000 * 2 ** (attempt - 1);
      expect(backoffMs(attempt, lowest)).toBe(cap / 2);
      expect(backoffMs(attempt, highest)).toBe(cap);
      if (attempt < 12) expect(backoffMs(attempt + 1, lowest)).toBe(2 * backoffMs(attempt, lowest));
    }
    expect(backoffMs(1, highest)).toBe(1000);
    expect(backoffMs(2, highest)).toBe(2000);
    expect(backoffMs(3, highest)).toBe(4000);
  });

  it('treats attempt 0 and below like the first attempt', () => {
    expect(backoffMs(0, highest)).toBe(1000);
    expect(backoffMs(-5, highest)).toBe(1000);
  });

  it('is capped at one hour, however many attempts', () => {
    // 2^12 s = 68 min is the first step past the cap
    expect(backoffMs(12, highest)).toBe(2_048_000);
    expect(backoffMs(13, highest)).toBe(HOUR);
    for (const attempt of [13, 14, 20, 50, 1023, 1024, 5000]) {
      expect(backoffMs(attempt, highest)).toBe(HOUR);
      expect(backoffMs(attempt, lowest)).toBe(HOUR / 2);
    }
  });

  it('keeps the jitter within [cap/2, cap] and actually spreads the delays', () => {
    const random = seeded('backoff-jitter');
    for (let attempt = 1; attempt <= 20; attempt++) {
      const cap = Math.min(HOUR, 1000 * 2 ** (attempt - 1));
      const seen = new Set<number>();
      for (let i = 0; i < 200; i++) {
        const ms = backoffMs(attempt, random);
        expect(Number.isInteger(ms)).toBe(true);
        expect(ms).toBeGreaterThanOrEqual(cap / 2);
        expect(ms).toBeLessThanOrEqual(cap);
        seen.add(ms);
      }
      // without jitter every worker would retry in lockstep
      expect(seen.size).toBeGreaterThan(50);
    }
  });

  it('uses the lower and upper halves of the range alike', () => {
    const random = seeded('backoff-halves');
    const cap = HOUR;
    let low = 0;
    for (let i = 0; i < 2000; i++) if (backoffMs(30, random) < (cap * 3) / 4) low++;
    expect(low).toBeGreaterThan(800);
    expect(low).toBeLessThan(1200);
  });
});
