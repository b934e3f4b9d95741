import { describe, expect, it } from 'vitest';
import { formatCents, parseYuan } from './money.ts';

describe('formatCents', () => {
  it('shows integer fen as ¥ with exactly two decimals and thousands separators', () => {
    expect(formatCents(0)).toBe('¥0.00');
    expect(formatCents(5)).toBe('¥0.05');
    expect(formatCents(1000)).toBe('¥10.00');
    expect(formatCents(995)).toBe('¥9.95');
    expect(formatCents(123_456_789)).toBe('¥1,234,567.89');
    expect(formatCents(-1999)).toBe('-¥19.99');
  });

  it('never prints NaN or a float for a value that is not integer fen', () => {
    for (const bad of [Number.NaN, 0.1, 12.5, Number.POSITIVE_INFINITY, 2 ** 60]) expect(formatCents(bad)).toBe('¥—');
  });
});

describe('parseYuan', () => {
  it('reads what a person types as integer fen', () => {
    expect(parseYuan('12')).toBe(1200);
    expect(parseYuan('12.5')).toBe(1250);
    expect(parseYuan(' 0.05 ')).toBe(5);
    expect(parseYuan('100.00')).toBe(10_000);
  });

  it('refuses anything else', () => {
    for (const bad of ['', 'abc', '1.234', '-1', '1,000', '1e3', '.5']) expect(parseYuan(bad)).toBeNull();
  });

  it('round-trips with formatCents', () => {
    for (const cents of [0, 1, 99, 100, 12_345, 99_999_999]) {
      expect(parseYuan(formatCents(cents).replace(/[¥,]/g, ''))).toBe(cents);
    }
  });
});
