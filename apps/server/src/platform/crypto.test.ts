import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ManualClock, cryptoRandom, newId } from './clock.ts';
import { decrypt, encrypt, safeEqual } from './crypto.ts';

describe('crypto', () => {
  const key = randomBytes(32);

  it('round-trips AES-256-GCM and refuses a tampered ciphertext, a wrong key or wrong associated data', () => {
    const sealed = encrypt(key, 'CARD-1234-5678', 'row-1');
    expect(sealed).not.toContain('CARD');
    expect(decrypt(key, sealed, 'row-1').toString()).toBe('CARD-1234-5678');
    const raw = Buffer.from(sealed.slice(3), 'base64url');
    raw[raw.length - 1] = (raw[raw.length - 1] ?? 0) ^ 1;
    expect(() => decrypt(key, `v1.${raw.toString('base64url')}`, 'row-1')).toThrow();
    expect(() => decrypt(randomBytes(32), sealed, 'row-1')).toThrow();
    expect(() => decrypt(key, sealed, 'row-2')).toThrow();
  });

  it('compares in constant time and handles unequal lengths', () => {
    expect(safeEqual('abc', 'abc')).toBe(true);
    expect(safeEqual('abc', 'abd')).toBe(false);
    expect(safeEqual('abc', 'abcd')).toBe(false);
  });

  it('makes prefixed ids that sort by time', () => {
    const clock = new ManualClock();
    const a = newId('usr', clock, cryptoRandom);
    clock.advance(1);
    const b = newId('usr', clock, cryptoRandom);
    expect(a).toMatch(/^usr_[0-9a-z]{26}$/);
    expect(a < b).toBe(true);
  });
});
