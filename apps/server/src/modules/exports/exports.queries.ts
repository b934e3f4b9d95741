import type { Updateable } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { ExportJobsTable } from './exports.tables.ts';

export type ExportJobRow = ExportJobsTable;

export function insertExportJob(db: Executor, row: ExportJobRow) {
  return db.insertInto('export_jobs').values(row).execute();
}

export function exportJob(db: Executor, id: string) {
  return db.selectFrom('export_jobs').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The job only when `requesterId` asked for it: anyone else's is as if it did not exist. */
export function requestersExportJob(db: Executor, id: string, requesterId: string) {
  return db
    .selectFrom('export_jobs')
    .selectAll()
    .where('id', '=', id)
    .where('requester_id', '=', requesterId)
    .executeTakeFirst();
}

export function requestersExportJobs(db: Executor, requesterId: string, limit: number) {
  return db
    .selectFrom('export_jobs')
    .selectAll()
    .where('requester_id', '=', requesterId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

export function updateExportJob(db: Executor, id: string, set: Updateable<ExportJobsTable>) {
  return db.updateTable('export_jobs').set(set).where('id', '=', id).execute();
}

/** Done jobs whose file's time is up. */
export function expiredExportJobs(db: Executor, now: number, limit: number) {
  return db
    .selectFrom('export_jobs')
    .select(['id', 'format'])
    .where('status', '=', 'done')
    .where('expires_at', '<=', now)
    .limit(limit)
    .execute();
}
