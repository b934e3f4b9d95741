/**
 * Integer fen as the buyer reads it: `¥1,234.50`. Money never becomes a float on the way (12.3 + 0.1 ≠ 12.4);
 * the yuan and fen parts are split with integer arithmetic.
 */
export function formatCents(cents: number): string {
  if (!Number.isSafeInteger(cents)) return '¥—';
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const yuan = Math.trunc(abs / 100).toLocaleString('en-US');
  const fen = String(abs % 100).padStart(2, '0');
  return `${sign}¥${yuan}.${fen}`;
}

/** A yuan amount typed by a person (`12.5`, `12.50`) as integer fen, or null when it is not one. */
export function parseYuan(input: string): number | null {
  const m = /^\s*(\d{1,9})(?:\.(\d{1,2}))?\s*$/.exec(input);
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}
