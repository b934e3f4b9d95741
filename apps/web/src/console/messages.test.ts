import { describe, expect, it } from 'vitest';
import { zhCN as adminZh } from '../admin/messages.ts';
import { zhCN as supplierZh } from '../supplier/messages.ts';
import { commonZhCN } from './messages.ts';

describe('console dictionaries', () => {
  it('a console key does not shadow a shared one with another meaning', () => {
    for (const key of [...Object.keys(supplierZh), ...Object.keys(adminZh)])
      expect(Object.hasOwn(commonZhCN, key), key).toBe(false);
  });
});
