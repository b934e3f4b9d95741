import { ERROR_CODES } from '@kameng/contracts';
import { describe, expect, it } from 'vitest';
import { ERROR_STATUS } from '../../../server/src/platform/http/errors.ts';
import { messages as adminMessages } from '../admin/messages.ts';
import { messages as paymentsMessages } from '../admin/payments-messages.ts';
import { commonMessages } from '../console/i18n.ts';
import { messages as buyerMessages, zhCN as buyerZh } from '../buyer/messages.ts';
import { ApiFailure } from '../lib/api.ts';
import { messages as supplierMessages } from '../supplier/messages.ts';
import { type Dictionary, defineMessages, LOCALES, translator } from './dictionary.ts';
import { errorMessages, errorText } from './errors.ts';
import { shopMessages } from './index.ts';
import { zhCN as shopZh } from './zh-CN.ts';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
const failure = (code: string, details: unknown = null) =>
  new ApiFailure(400, { code, message: 'raw server text', details });

describe('dictionaries', () => {
  for (const [name, dictionary] of [
    ['storefront', shopMessages],
    ['buyer centre', buyerMessages],
    ['errors', errorMessages],
    ['console', commonMessages],
    ['admin', adminMessages],
    ['admin payments', paymentsMessages],
    ['supplier', supplierMessages],
  ] as [string, Dictionary<string>][]) {
    it(`${name}: every string is translated, with the same placeholders in both languages`, () => {
      const zh = dictionary['zh-CN'];
      const en = dictionary['en-US'];
      expect(Object.keys(en).sort()).toEqual(Object.keys(zh).sort());
      for (const key of Object.keys(zh)) {
        expect(zh[key]?.trim(), `${name} zh-CN ${key}`).not.toBe('');
        expect(en[key]?.trim(), `${name} en-US ${key}`).not.toBe('');
        expect(placeholders(en[key] ?? ''), `${name} ${key}`).toEqual(placeholders(zh[key] ?? ''));
      }
    });
  }

  it('tsc refuses a missing or stray translation and a key no table has', () => {
    // each @ts-expect-error fails `tsc -p apps/web` when the line below it type-checks
    // @ts-expect-error en-US lacks `b`
    defineMessages({ a: '甲', b: '乙' }, { a: 'A' });
    // @ts-expect-error en-US has `c`, which zh-CN does not
    defineMessages({ a: '甲' }, { a: 'A', c: 'C' });
    const t = translator(defineMessages({ a: '甲' }, { a: 'A' }), 'en-US');
    // @ts-expect-error no table has `b`
    expect(() => t('b')).toThrow();
    expect(t('a')).toBe('A');
  });

  it('a buyer centre key does not shadow a storefront one', () => {
    for (const key of Object.keys(buyerZh)) expect(Object.hasOwn(shopZh, key), key).toBe(false);
  });

  it('fills placeholders and leaves none behind', () => {
    expect(translator(shopMessages, 'en-US')('search.total', { count: 3 })).toBe('3 products');
    expect(translator(shopMessages, 'zh-CN')('checkout.submit', { total: '¥1.00' })).toBe('提交订单 ¥1.00');
    expect(translator(shopMessages, 'zh-CN')('checkout.submit')).toBe('提交订单 ');
  });
});

describe('errorText', () => {
  it('the server answers with exactly the codes of the shared list', () => {
    expect(Object.keys(ERROR_STATUS).sort()).toEqual([...ERROR_CODES].sort());
  });

  it('every error code reads as a sentence of its own in both languages, never as the raw server text', () => {
    for (const locale of LOCALES) {
      const t = translator(shopMessages, locale);
      const unknown = errorText(t, failure('TEAPOT'));
      for (const code of [...ERROR_CODES, 'NETWORK']) {
        const text = errorText(t, failure(code));
        expect(text, `${locale} ${code}`).not.toContain('raw server text');
        expect(text, `${locale} ${code}`).not.toBe(unknown);
      }
    }
  });

  it('answers in the language of the translator it is given', () => {
    expect(errorText(translator(commonMessages, 'zh-CN'), failure('OUT_OF_STOCK'))).toBe(
      errorMessages['zh-CN']['error.OUT_OF_STOCK'],
    );
    expect(errorText(translator(adminMessages, 'en-US'), failure('OUT_OF_STOCK'))).toBe(
      errorMessages['en-US']['error.OUT_OF_STOCK'],
    );
  });

  it('an unknown failure never shows its raw message', () => {
    const t = translator(shopMessages, 'zh-CN');
    expect(errorText(t, failure('TEAPOT'))).toBe(errorMessages['zh-CN']['error.unknown']);
    expect(errorText(t, new TypeError('x is undefined'))).toBe(errorMessages['zh-CN']['error.unknown']);
  });

  it('a validation failure names the fields the server named', () => {
    const t = translator(shopMessages, 'en-US');
    const details = { issues: [{ path: ['items', 0, 'quantity'] }, { path: ['email'] }, { path: ['email'] }] };
    expect(errorText(t, failure('VALIDATION_FAILED', details))).toBe('Please check: items.0.quantity, email');
    expect(errorText(t, failure('VALIDATION_FAILED', { issues: [] }))).toBe(
      errorMessages['en-US']['error.VALIDATION_FAILED'],
    );
  });
});
