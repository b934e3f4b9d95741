import { describe, expect, it } from 'vitest';
import { ERROR_STATUS } from '../../../server/src/platform/http/errors.ts';
import { ApiFailure } from '../lib/api.ts';
import { enUS } from './en-US.ts';
import { errorText, translator } from './index.ts';
import { zhCN } from './zh-CN.ts';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('translations', () => {
  it('every server error code reads as a sentence in both languages', () => {
    for (const code of Object.keys(ERROR_STATUS)) {
      expect(Object.hasOwn(zhCN, `error.${code}`), code).toBe(true);
      const failure = new ApiFailure(400, { code, message: 'raw server text', details: null });
      for (const locale of ['zh-CN', 'en-US'] as const) {
        expect(errorText(translator(locale), failure)).not.toContain('raw server text');
      }
    }
  });

  it('an unknown failure never shows its raw message', () => {
    const t = translator('zh-CN');
    expect(errorText(t, new ApiFailure(418, { code: 'TEAPOT', message: 'I am a teapot', details: null }))).toBe(
      zhCN['error.unknown'],
    );
    expect(errorText(t, new TypeError('x is undefined'))).toBe(zhCN['error.unknown']);
  });

  it('both languages use the same placeholders for every message', () => {
    for (const key of Object.keys(zhCN) as (keyof typeof zhCN)[]) {
      expect(placeholders(enUS[key]), key).toEqual(placeholders(zhCN[key]));
    }
  });

  it('fills placeholders and leaves none behind', () => {
    expect(translator('en-US')('search.total', { count: '3' })).toBe('3 products');
    expect(translator('zh-CN')('checkout.submit', { total: '¥1.00' })).toBe('提交订单 ¥1.00');
  });
});
