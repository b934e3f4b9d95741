import { createReadStream, createWriteStream, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ExportJob, OrderExportJobBody } from '@kameng/contracts';
import { newId } from '../../platform/clock.ts';
import type { Deps } from '../../platform/deps.ts';
import type { AuthContext } from '../../platform/http/auth.ts';
import { AppError } from '../../platform/http/errors.ts';
import { exportStream } from '../../platform/http/export.ts';
import { enqueue } from '../../platform/jobs/jobs.ts';
import { exportOrdersForOperator, searchOrders } from '../orders/orders.service.ts';
import * as q from './exports.queries.ts';
import { runExportJob } from './exports.jobs-spec.ts';

/** How long a finished export's file can be downloaded. */
export const EXPORT_TTL_MS = 24 * 60 * 60 * 1000;
/** Progress is written after every this many rows. */
export const PROGRESS_EVERY = 1000;

/** Where the files are written: the workers and the servers that answer downloads must share it. */
export const exportDir = (deps: Deps) => join(deps.config.dataDir, 'exports');
const fileOf = (deps: Deps, row: Pick<q.ExportJobRow, 'id' | 'format'>) =>
  join(exportDir(deps), `${row.id}.${row.format}`);

function toView(row: q.ExportJobRow, now: number): ExportJob {
  const live = row.status === 'done' && row.expires_at !== null && row.expires_at > now;
  return {
    id: row.id,
    kind: row.kind,
    format: row.format,
    status: row.status === 'done' && !live ? 'expired' : row.status,
    rowsDone: Number(row.rows_done),
    rowsTotal: row.rows_total === null ? null : Number(row.rows_total),
    fileBytes: row.file_bytes === null ? null : Number(row.file_bytes),
    createdAt: row.created_at,
    finishedAt: row.finished_at,
    expiresAt: row.expires_at,
    downloadUrl: live ? `/api/v1/exports/${row.id}/download` : null,
  };
}

/** Queues an export of every order the filters match; the requester follows it at GET /exports/:id. */
export async function startOrdersExport(deps: Deps, auth: AuthContext, body: OrderExportJobBody): Promise<ExportJob> {
  const { format, ...filters } = body;
  const now = deps.clock.now();
  const row: q.ExportJobRow = {
    id: newId('exp', deps.clock, deps.random),
    requester_id: auth.userId,
    kind: 'orders',
    format,
    filters: JSON.stringify(filters),
    status: 'queued',
    rows_done: 0,
    rows_total: null,
    file_bytes: null,
    error: null,
    created_at: now,
    updated_at: now,
    finished_at: null,
    expires_at: null,
  };
  await deps.db.transaction().execute(async (tx) => {
    await q.insertExportJob(tx, row);
    await enqueue(tx, deps, runExportJob, { id: row.id });
  });
  return toView(row, now);
}

async function mine(deps: Deps, auth: AuthContext, id: string): Promise<q.ExportJobRow> {
  const row = await q.requestersExportJob(deps.db, id, auth.userId);
  if (!row) throw new AppError('NOT_FOUND', 'No such export');
  return row;
}

export async function getExport(deps: Deps, auth: AuthContext, id: string): Promise<ExportJob> {
  return toView(await mine(deps, auth, id), deps.clock.now());
}

export async function listExports(deps: Deps, auth: AuthContext): Promise<{ items: ExportJob[] }> {
  const now = deps.clock.now();
  return { items: (await q.requestersExportJobs(deps.db, auth.userId, 50)).map((r) => toView(r, now)) };
}

/** The finished file, for its requester only, until it expires. */
export async function openExportFile(
  deps: Deps,
  auth: AuthContext,
  id: string,
): Promise<{ format: 'csv' | 'xlsx'; name: string; body: Readable }> {
  const row = await mine(deps, auth, id);
  const view = toView(row, deps.clock.now());
  if (view.status !== 'done') {
    throw new AppError('NOT_FOUND', view.status === 'expired' ? 'This export has expired' : 'This export is not ready');
  }
  const file = fileOf(deps, row);
  if (!existsSync(file)) throw new AppError('NOT_FOUND', 'This export has expired');
  return { format: row.format, name: row.kind, body: createReadStream(file) };
}

/**
 * The job: counts the rows the filters match, writes the export to its file (through a `.partial` name, so a
 * half-written file is never offered), and records progress every PROGRESS_EVERY rows (`opts` lets a test watch it). A worker that dies
 * mid-way leaves the job running; its lease runs out and another worker starts it again from the top.
 */
export async function runExport(
  deps: Deps,
  id: string,
  opts: { every?: number; onProgress?: (rowsDone: number) => Promise<void> } = {},
): Promise<void> {
  const every = opts.every ?? PROGRESS_EVERY;
  const row = await q.exportJob(deps.db, id);
  if (!row || (row.status !== 'queued' && row.status !== 'running')) return;
  const filters = JSON.parse(row.filters) as Omit<OrderExportJobBody, 'format'>;
  const { total } = await searchOrders(deps, { ...filters, limit: 1, offset: 0 });
  await q.updateExportJob(deps.db, id, {
    status: 'running',
    rows_total: total,
    rows_done: 0,
    updated_at: deps.clock.now(),
  });
  mkdirSync(exportDir(deps), { recursive: true, mode: 0o700 });
  const file = fileOf(deps, row);
  const partial = `${file}.partial`;
  const spec = exportOrdersForOperator(deps, filters);
  let done = 0;
  async function* counted() {
    for await (const r of spec.rows) {
      yield r;
      if (++done % every === 0) {
        await q.updateExportJob(deps.db, id, { rows_done: done, updated_at: deps.clock.now() });
        await opts.onProgress?.(done);
      }
    }
  }
  try {
    await pipeline(exportStream(row.format, { ...spec, rows: counted() }), createWriteStream(partial, { mode: 0o600 }));
    renameSync(partial, file);
  } catch (err) {
    rmSync(partial, { force: true });
    deps.log.error({ err, exportId: id }, 'export failed');
    await q.updateExportJob(deps.db, id, {
      status: 'failed',
      error: 'The export could not be written; start it again',
      updated_at: deps.clock.now(),
    });
    return;
  }
  const now = deps.clock.now();
  await q.updateExportJob(deps.db, id, {
    status: 'done',
    rows_done: done,
    file_bytes: statSync(file).size,
    finished_at: now,
    updated_at: now,
    expires_at: now + EXPORT_TTL_MS,
  });
}

/** Deletes the files of exports whose time is up and marks them expired. */
export async function expireExports(deps: Deps): Promise<number> {
  const rows = await q.expiredExportJobs(deps.db, deps.clock.now(), 500);
  for (const r of rows) {
    rmSync(fileOf(deps, r), { force: true });
    await q.updateExportJob(deps.db, r.id, { status: 'expired', updated_at: deps.clock.now() });
  }
  return rows.length;
}
