import type { Locale } from '../i18n/index.ts';
import { formatTime as formatMoment } from '../lib/time.ts';

/** Integer fen → `¥1,234.50`; never goes through a float. */
export function formatCents(cents: number): string {
  if (!Number.isFinite(cents)) return '—';
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(Math.trunc(cents));
  const yuan = Math.floor(abs / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}¥${yuan}.${String(abs % 100).padStart(2, '0')}`;
}

/** A signed amount with an explicit + for money coming in. */
export function formatSignedCents(cents: number): string {
  return cents > 0 ? `+${formatCents(cents)}` : formatCents(cents);
}

const YUAN = /^(\d{1,10})(?:\.(\d{1,2}))?$/;

/** What a person types in yuan (`12`, `12.5`, `12.50`) → integer fen, by string, or null when it is not money. */
export function yuanToCents(input: string | number | null | undefined): number | null {
  if (input === null || input === undefined) return null;
  const m = YUAN.exec(String(input).trim());
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

/** Integer fen → the yuan text an input shows (`1250` → `12.50`). */
export function centsToYuanText(cents: number): string {
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}

/** A form rule: the field must hold yuan with at most two decimals, at least `minCents`. */
export function yuanRule(message: string, minCents = 1) {
  return {
    validator: (_: unknown, value: unknown) => {
      if (value === undefined || value === null || value === '') return Promise.resolve();
      const c = yuanToCents(String(value));
      return c !== null && c >= minCents ? Promise.resolve() : Promise.reject(new Error(message));
    },
  };
}

/** The one date format of the site and the consoles (China Standard Time, `2026/12/03 16:28`); none is `—`. */
export function formatTime(ms: number | null | undefined, locale: Locale): string {
  if (ms === null || ms === undefined) return '—';
  return formatMoment(ms, locale);
}

/** basis points → `5.00%` */
export function formatBps(bps: number): string {
  return `${Math.floor(bps / 100)}.${String(bps % 100).padStart(2, '0')}%`;
}

/** Midnight (China Standard Time) of today, as epoch ms: where "today's" numbers start. */
export function cstStartOfToday(now = Date.now()): number {
  const day = 86_400_000;
  const cst = 8 * 3_600_000;
  return Math.floor((now + cst) / day) * day - cst;
}

/** YYYY-MM-DD of a CST day, `offset` days from today. */
export function cstDate(offset = 0, now = Date.now()): string {
  return new Date(now + 8 * 3_600_000 + offset * 86_400_000).toISOString().slice(0, 10);
}
