import type { Executor } from '../../platform/db/database.ts';

const ROW = 'site';

export async function readSettingsRow(db: Executor) {
  return db.selectFrom('site_settings').select(['data', 'updated_at']).where('id', '=', ROW).executeTakeFirst();
}

export async function writeSettingsRow(db: Executor, data: string, by: string, now: number): Promise<void> {
  await db
    .insertInto('site_settings')
    .values({ id: ROW, data, updated_by: by, updated_at: now })
    .onConflict((oc) => oc.column('id').doUpdateSet({ data, updated_by: by, updated_at: now }))
    .execute();
}
