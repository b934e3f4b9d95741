import { describe, expect, it } from 'vitest';
import { centsToYuan, parseFormOnce, signingString, yuanToCents } from './provider.ts';
import { parseGatewayJson } from './epay.ts';

describe('amounts between yuan strings and fen', () => {
  it('round-trips amounts without floating point', () => {
    for (let cents = 0; cents < 100_000; cents += 7) expect(yuanToCents(centsToYuan(cents))).toBe(cents);
    // the largest amount the parser takes: twelve digits of yuan
    expect(yuanToCents(centsToYuan(99_999_999_999_999))).toBe(99_999_999_999_999);
    expect(centsToYuan(1)).toBe('0.01');
    expect(centsToYuan(1230)).toBe('12.30');
  });

  it('refuses anything that is not a plain decimal amount', () => {
    for (const bad of ['', '-1.00', '1.001', '1e3', ' 1.00', '1.00 ', '01.00', '0x10', '1,00', 'NaN', '.5', '1.']) {
      expect(yuanToCents(bad), bad).toBeNull();
    }
    expect(yuanToCents('12.3')).toBe(1230);
    expect(yuanToCents('0.07')).toBe(7);
    expect(() => centsToYuan(-1)).toThrow(RangeError);
    expect(() => centsToYuan(1.5)).toThrow(RangeError);
  });
});

describe('form bodies', () => {
  it('decodes each value exactly once', () => {
    const r = parseFormOnce('subject=100%25+%E5%88%B0%E8%B4%A6&x=%2525');
    expect(r).toEqual({ ok: true, value: { subject: '100% 到账', x: '%25' } });
  });

  it('refuses a parameter given twice, even with the same value', () => {
    expect(parseFormOnce('a=1&b=2&a=1')).toEqual({ ok: false, reason: 'duplicate parameter a' });
  });

  it('signs over sorted, non-empty fields without the signature fields', () => {
    expect(signingString({ b: '2', a: '1', sign: 'x', sign_type: 'RSA2', e: '' }, ['sign', 'sign_type'])).toBe(
      'a=1&b=2',
    );
  });
});

describe('gateway JSON', () => {
  it('keeps trade numbers longer than a double as exact strings', () => {
    const parsed = parseGatewayJson('{"code":1,"trade_no":2026120100123456789012,"money":"1.00"}');
    expect(parsed?.trade_no).toBe('2026120100123456789012');
    expect(parsed?.code).toBe(1);
    expect(parseGatewayJson('not json')).toBeNull();
    expect(parseGatewayJson('[1,2]')).toBeNull();
  });
});
