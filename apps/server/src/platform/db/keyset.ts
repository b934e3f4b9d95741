import { type SelectQueryBuilder, sql } from 'kysely';

/** Where a newest-first read stopped: the last row's time and id. */
export interface Cursor {
  at: number;
  id: string;
}

/**
 * Orders a query newest first by (time, id) and starts it after `after`: keyset paging, which reads page
 * n as fast as page 1 and neither skips nor repeats a row when rows arrive meanwhile (exports read every page).
 */
export function newestFirstAfter<DB, TB extends keyof DB, O>(
  qb: SelectQueryBuilder<DB, TB, O>,
  after: Cursor | undefined,
  columns: { at: string; id: string } = { at: 'created_at', id: 'id' },
): SelectQueryBuilder<DB, TB, O> {
  const at = sql.ref(columns.at);
  const id = sql.ref(columns.id);
  const ordered = qb.orderBy(at, 'desc').orderBy(id, 'desc');
  if (!after) return ordered;
  return ordered.where(sql<boolean>`(${at} < ${after.at} or (${at} = ${after.at} and ${id} < ${after.id}))`);
}
