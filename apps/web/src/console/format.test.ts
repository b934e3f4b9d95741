import { describe, expect, it } from 'vitest';
import { formatTime as storefrontTime } from '../lib/time.ts';
import {
  centsToYuanText,
  cstDate,
  cstStartOfToday,
  formatBps,
  formatCents,
  formatTime,
  yuanToCents,
} from './format.ts';

describe('console money formatting', () => {
  it('formats integer fen as yuan with two decimals and separators', () => {
    expect(formatCents(0)).toBe('¥0.00');
    expect(formatCents(5)).toBe('¥0.05');
    expect(formatCents(123456789)).toBe('¥1,234,567.89');
    expect(formatCents(-1050)).toBe('-¥10.50');
    expect(formatCents(Number.NaN)).toBe('—');
  });

  it('parses what people type in yuan into fen without floats', () => {
    expect(yuanToCents('12')).toBe(1200);
    expect(yuanToCents('12.5')).toBe(1250);
    expect(yuanToCents(' 0.07 ')).toBe(7);
    expect(yuanToCents('19.99')).toBe(1999); // 19.99 * 100 is 1998.9999999999998 as a float
    for (const bad of ['', '1.234', '-1', '1e3', 'abc', '1,000', '.5']) expect(yuanToCents(bad)).toBeNull();
    expect(centsToYuanText(1999)).toBe('19.99');
    expect(centsToYuanText(5)).toBe('0.05');
  });

  it('formats basis points and CST days', () => {
    expect(formatBps(500)).toBe('5.00%');
    expect(formatBps(1234)).toBe('12.34%');
    const t = Date.UTC(2026, 0, 1, 17, 0); // 01:00 on 2 January in China
    expect(cstDate(0, t)).toBe('2026-01-02');
    expect(cstDate(-1, t)).toBe('2026-01-01');
    expect(cstStartOfToday(t)).toBe(Date.UTC(2026, 0, 1, 16, 0));
  });

  it("writes a moment the way the storefront does, in China Standard Time, whatever the machine's zone", () => {
    const t = Date.UTC(2026, 11, 3, 8, 5); // 16:05 on 3 December in China
    expect(formatTime(t, 'zh-CN')).toBe('2026/12/03 16:05');
    expect(formatTime(t, 'zh-CN')).toBe(storefrontTime(t, 'zh-CN'));
    expect(formatTime(t, 'en-US')).toBe(storefrontTime(t, 'en-US'));
    expect(formatTime(null, 'zh-CN')).toBe('—');
  });
});
