import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ManualClock, cryptoRandom, newId, newIds } from './clock.ts';
import { decrypt, encrypt, encryptEach, opener, safeEqual } from './crypto.ts';

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

  it('seals large values piece by piece and in bulk exactly as one at a time, each under a fresh IV', () => {
    const open = opener();
    for (const size of [64 * 1024, 64 * 1024 + 1, 1024 * 1024 + 5, 3]) {
      const plain = randomBytes(size);
      const sealed = encrypt(key, plain, `piece-${size}`);
      expect(decrypt(key, sealed, `piece-${size}`).equals(plain)).toBe(true);
      expect(open(key, sealed, `piece-${size}`).equals(plain)).toBe(true);
      const raw = Buffer.from(sealed.slice(3), 'base64url');
      raw[raw.length - 1] = (raw[raw.length - 1] ?? 0) ^ 1;
      expect(() => open(key, `v1.${raw.toString('base64url')}`, `piece-${size}`)).toThrow();
      expect(() => open(key, sealed, 'another')).toThrow();
    }
    const many = encryptEach(key, ['a', 'b', 'a'], ['1', '2', '3']);
    expect(many.map((s, i) => decrypt(key, s, String(i + 1)).toString())).toEqual(['a', 'b', 'a']);
    expect(new Set(many.map((s) => s.slice(0, 19))).size).toBe(3);
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
    const batch = newIds('ck', clock, cryptoRandom, 1000);
    expect(new Set(batch).size).toBe(1000);
    expect(
      batch.every(
        (id) => /^ck_[0-9a-z]{26}$/.test(id) && id.slice(3, 13) === newId('ck', clock, cryptoRandom).slice(3, 13),
      ),
    ).toBe(true);
  });

  it('hands out every pooled random byte once: draws never overlap and later draws change nothing drawn', () => {
    const draws = Array.from({ length: 2000 }, (_, i) => cryptoRandom.bytes(1 + (i % 40)));
    const copies = draws.map((d) => Buffer.from(d));
    const spans = new Map<ArrayBufferLike, [number, number][]>();
    for (const d of draws)
      spans.set(d.buffer, [...(spans.get(d.buffer) ?? []), [d.byteOffset, d.byteOffset + d.length]]);
    for (const list of spans.values()) {
      list.sort((a, b) => a[0] - b[0]);
      for (let i = 1; i < list.length; i++) expect(list[i]![0]).toBeGreaterThanOrEqual(list[i - 1]![1]);
    }
    cryptoRandom.bytes(5000); // larger than the pool: drawn on its own
    expect(draws.every((d, i) => d.equals(copies[i]!))).toBe(true);
    // 2,000 draws of 16 bytes would all differ if they are random
    expect(new Set(Array.from({ length: 2000 }, () => cryptoRandom.bytes(16).toString('hex'))).size).toBe(2000);
  });
});
