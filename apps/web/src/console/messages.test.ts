import { describe, expect, it } from 'vitest';
import { enUS as adminEn, zhCN as adminZh } from '../admin/messages.ts';
import { enUS as supplierEn, zhCN as supplierZh } from '../supplier/messages.ts';
import { commonEnUS, commonZhCN } from './messages.ts';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('console dictionaries', () => {
  for (const [name, zh, en] of [
    ['common', commonZhCN, commonEnUS],
    ['supplier', supplierZh, supplierEn],
    ['admin', adminZh, adminEn],
  ] as [string, Record<string, string>, Record<string, string>][]) {
    it(`${name}: every string is translated, with the same placeholders in both languages`, () => {
      expect(Object.keys(en).sort()).toEqual(Object.keys(zh).sort());
      for (const key of Object.keys(zh)) {
        expect(zh[key]?.trim(), `${name} zh-CN ${key}`).not.toBe('');
        expect(en[key]?.trim(), `${name} en-US ${key}`).not.toBe('');
        expect(placeholders(en[key] ?? ''), `${name} ${key}`).toEqual(placeholders(zh[key] ?? ''));
      }
    });
  }

  it('a console key does not shadow a shared one with another meaning', () => {
    for (const key of [...Object.keys(supplierZh), ...Object.keys(adminZh)])
      expect(Object.hasOwn(commonZhCN, key), key).toBe(false);
  });
});
