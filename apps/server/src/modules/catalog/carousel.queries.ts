import type { Executor } from '../../platform/db/database.ts';
import type { CarouselSlotsTable } from './catalog.tables.ts';

export type CarouselSlotRow = CarouselSlotsTable;

export async function listSlots(db: Executor): Promise<CarouselSlotRow[]> {
  return db.selectFrom('carousel_slots').selectAll().orderBy('position').execute();
}

/** Slots whose time window holds `now`, in order. */
export async function liveSlots(db: Executor, now: number): Promise<CarouselSlotRow[]> {
  return db
    .selectFrom('carousel_slots')
    .selectAll()
    .where((eb) => eb.or([eb('starts_at', 'is', null), eb('starts_at', '<=', now)]))
    .where((eb) => eb.or([eb('ends_at', 'is', null), eb('ends_at', '>', now)]))
    .orderBy('position')
    .execute();
}

export async function replaceSlots(db: Executor, rows: CarouselSlotRow[]): Promise<void> {
  await db.deleteFrom('carousel_slots').execute();
  if (rows.length > 0) await db.insertInto('carousel_slots').values(rows).execute();
}
