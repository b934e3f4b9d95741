import { type RawBuilder, sql } from 'kysely';

/** China Standard Time has no daylight saving: a calendar day there is [00:00, 24:00) at UTC+8. */
export const CST_OFFSET_MS = 8 * 3_600_000;
export const DAY_MS = 86_400_000;

/** The CST day number (days since 1970-01-01 CST) of an epoch-ms column, as integer SQL on both dialects. */
export function cstDayOf(column: RawBuilder<unknown>): RawBuilder<number> {
  return sql<number>`(${column} + ${sql.lit(CST_OFFSET_MS)}) / ${sql.lit(DAY_MS)}`;
}

export interface DayRange {
  /** epoch ms of the first day's CST midnight, inclusive */
  from: number;
  /** epoch ms of the CST midnight after today, exclusive */
  to: number;
  firstDay: number;
  dates: string[];
}

/** The last `days` CST calendar days, today included. */
export function lastCstDays(now: number, days: number): DayRange {
  const today = Math.floor((now + CST_OFFSET_MS) / DAY_MS);
  const firstDay = today - days + 1;
  const dates = Array.from({ length: days }, (_, i) => new Date((firstDay + i) * DAY_MS).toISOString().slice(0, 10));
  return { from: firstDay * DAY_MS - CST_OFFSET_MS, to: (today + 1) * DAY_MS - CST_OFFSET_MS, firstDay, dates };
}

/** Spreads per-day rows over every day of the range, zero where nothing happened. */
export function fillDays<T extends object>(
  range: DayRange,
  rows: readonly ({ day: number | string } & T)[],
  empty: T,
): ({ date: string } & T)[] {
  const byDay = new Map(rows.map((r) => [Number(r.day), r]));
  return range.dates.map((date, i) => {
    const row = byDay.get(range.firstDay + i);
    const values = { ...empty };
    if (row) for (const k of Object.keys(empty) as (keyof T)[]) values[k] = row[k];
    return { date, ...values };
  });
}
