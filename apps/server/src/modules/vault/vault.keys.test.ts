import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ALPHABETS, generateCodes, maskKey, normaliseKey } from './vault.keys.ts';

const random = { bytes: (n: number) => randomBytes(n) };

describe('normaliseKey', () => {
  it('makes card,password pairs one secret whatever the separator', () => {
    for (const line of ['CARD,PASS', 'CARD，PASS', 'CARD\tPASS', '  CARD   PASS ', '\ufeffCARD , PASS']) {
      expect(normaliseKey(line)).toEqual({ ok: true, secret: 'CARD PASS' });
    }
  });

  it('tells empty, too long and control-character lines apart', () => {
    expect(normaliseKey('   ')).toEqual({ ok: false, reason: 'empty' });
    expect(normaliseKey('x'.repeat(513))).toEqual({ ok: false, reason: 'too_long' });
    expect(normaliseKey('ab\u0000c')).toEqual({ ok: false, reason: 'control' });
    // what a GBK file decodes to as UTF-8
    expect(normaliseKey('\ufffd\ufffd')).toEqual({ ok: false, reason: 'control' });
  });
});

describe('maskKey', () => {
  it('shows at most a quarter of each end', () => {
    expect(maskKey('ABCDEFGHIJKLMNOP')).toBe('ABCD****MNOP');
    expect(maskKey('ABCDEFGH')).toBe('AB****GH');
    expect(maskKey('ABC')).toBe('****');
    expect(maskKey('卡密一二三四五六')).toBe('卡密****五六');
  });
});

describe('generateCodes', () => {
  it('follows the format: prefix, length, alphabet, groups', () => {
    const codes = generateCodes(random, { prefix: 'VIP-', length: 12, alphabet: 'digits', groupSize: 4 }, 200);
    expect(codes).toHaveLength(200);
    for (const c of codes) expect(c).toMatch(/^VIP-\d{4}-\d{4}-\d{4}$/);
  });

  it('draws every character uniformly (no modulo bias)', () => {
    const codes = generateCodes(random, { length: 50, alphabet: 'alnum' }, 2000);
    const counts = new Map<string, number>();
    for (const c of codes) for (const ch of c) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    const n = ALPHABETS.alnum.length;
    expect(counts.size).toBe(n);
    const expected = (2000 * 50) / n;
    // chi-square with 61 degrees of freedom: p < 0.0001 past ~115; modulo bias (256 % 62 = 8) would show here
    let chi = 0;
    for (const v of counts.values()) chi += (v - expected) ** 2 / expected;
    expect(chi).toBeLessThan(115);
  });
});
