/** The import job (resumable steps on a worker), its progress as the supplier reads it, and the sweep of orphaned uploads. */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { writeAudit } from '../../platform/audit.ts';
import { newIds } from '../../platform/clock.ts';
import { decrypt, keyObject, opener, type SecretKey } from '../../platform/crypto.ts';
import type { Deps } from '../../platform/deps.ts';
import type { AuthContext } from '../../platform/http/auth.ts';
import { AppError } from '../../platform/http/errors.ts';
import type { JobContext } from '../../platform/jobs/jobs.ts';
import { getProductsForOrder, invalidateCatalogProducts } from '../catalog/catalog.service.ts';
import { hashKey, hashKeyBytes, wrapKey } from './vault.data-keys.ts';
import {
  type BatchContext,
  columns,
  type ImportCounts,
  importStep,
  insertStep,
  type PreparedStep,
  prepareStep,
} from './vault.import-steps.ts';
import { IMPORT_MAX_ATTEMPTS } from './vault.jobs-spec.ts';
import { type CodeFormat, generateCodes } from './vault.keys.ts';
import { afterRestock } from './vault.low-stock.ts';
import { StepPreparer } from './vault.prepare.ts';
import * as q from './vault.queries.ts';
import type { ImportJobsTable } from './vault.tables.ts';
import { type Line, splitLines } from './vault.upload.ts';

/** A worker whose lease ran out finds its progress taken over: it stops, the other worker goes on. */
class Superseded extends Error {}

/**
 * The import job. Each step commits its keys together with the progress it makes, guarded by the progress
 * it read, so a retry (or a second worker) resumes after the last committed step and never imports twice.
 */
export async function runImport(deps: Deps, importId: string, ctx: JobContext): Promise<void> {
  const job = await q.findImport(deps.db, importId);
  if (!job || job.status === 'done' || job.status === 'failed') return;
  try {
    await runImportSteps(deps, job, ctx);
  } catch (err) {
    if (err instanceof Superseded) return;
    if (ctx.attempt >= IMPORT_MAX_ATTEMPTS) {
      await failImport(deps, job, err instanceof Error ? err.message : String(err));
      return;
    }
    throw err;
  }
}

async function runImportSteps(deps: Deps, job: ImportJobsTable, ctx: JobContext): Promise<void> {
  const batchRow = await q.findBatch(deps.db, job.batch_id);
  if (!batchRow) throw new Error(`batch ${job.batch_id} missing`);
  const dek = decrypt(wrapKey(deps), batchRow.wrapped_dek, batchRow.id);
  const b: BatchContext = {
    productId: job.product_id,
    batchId: job.batch_id,
    dek: keyObject(dek),
    hashKey: hashKey(deps),
    now: deps.clock.now(),
  };
  const stepSize = importStep(deps.dialect);
  let seen = { lines_done: job.lines_done, imported: job.imported };
  let totals = { imported: job.imported, duplicates: job.duplicates, rejected: job.rejected };
  const prepare = (lines: readonly Line[]) => {
    return { keys: prepareStep(deps, { ...b, now: deps.clock.now() }, lines), lines: lines.length };
  };
  const commit = async (step: { keys: PreparedStep; lines: number }) => {
    if (ctx.signal.aborted) throw new Error('worker stopping');
    const next = await deps.db.transaction().execute(async (tx) => {
      const c = await insertStep(tx, deps.dialect, step.keys);
      const n = {
        lines_done: seen.lines_done + step.lines,
        imported: totals.imported + c.imported,
        duplicates: totals.duplicates + c.duplicates,
        rejected: totals.rejected + c.rejected,
        updated_at: deps.clock.now(),
      };
      if (!(await q.advanceImport(tx, job.id, seen, n))) throw new Superseded();
      return n;
    });
    seen = { lines_done: next.lines_done, imported: next.imported };
    totals = { imported: next.imported, duplicates: next.duplicates, rejected: next.rejected };
    // node:sqlite answers synchronously: without a pause a long import would hold every request up
    await yieldToEventLoop();
  };
  const commitStep = (lines: readonly Line[]) => commit(prepare(lines));

  if (job.kind === 'upload') {
    // the next step is encrypted and hashed on a worker thread while this one is inserted and committed;
    // steps still commit one after another, each guarded by the progress the one before made
    const preparer = new StepPreparer();
    const secretKeys = { dek, hashKey: hashKeyBytes(deps) };
    const dispatch = (lines: readonly Line[]) => {
      const at = { ...b, now: deps.clock.now() };
      const ids = newIds('ck', deps.clock, deps.random, lines.length);
      const step = preparer
        .prepare({ productId: b.productId, ...secretKeys, lines, ids })
        .then((k) => ({ keys: columns(at, k), lines: lines.length }));
      // awaited before its commit; this only keeps a failure meanwhile from counting as unhandled
      step.catch(() => {});
      return step;
    };
    let pending: ReturnType<typeof dispatch> | null = null;
    const submit = async (lines: readonly Line[]) => {
      const next = dispatch(lines);
      if (pending) await commit(await pending);
      pending = next;
    };
    let skip = job.lines_done;
    let step: Line[] = [];
    try {
      for await (const lines of splitLines(stagedChunks(deps, job.id, b.dek))) {
        for (const line of lines) {
          if (skip > 0) {
            skip--;
            continue;
          }
          step.push(line);
          if (step.length >= stepSize) {
            await submit(step);
            step = [];
          }
        }
      }
      if (step.length > 0) await submit(step);
      if (pending) await commit(await pending);
    } finally {
      await preparer.close();
    }
  } else {
    const format = JSON.parse(job.spec ?? '{}') as CodeFormat;
    // collisions are retried; a format whose space is nearly used up fails instead of looping
    let rounds = 0;
    while (totals.imported < job.total) {
      if (++rounds > Math.ceil(job.total / stepSize) * 4 + 10) {
        throw new Error('too many collisions: the code format has too few combinations left');
      }
      await commitStep(generateCodes(deps.random, format, Math.min(stepSize, job.total - totals.imported)));
    }
  }
  await finishImport(deps, job, totals);
}

/** The staged pieces in order, each decrypted into the same buffer (splitLines copies what it keeps of one). */
async function* stagedChunks(deps: Deps, importId: string, dek: SecretKey): AsyncGenerator<Buffer> {
  const open = opener();
  for (let seq = 0; ; seq++) {
    const chunk = await q.findChunk(deps.db, importId, seq);
    if (!chunk) return;
    yield open(dek, chunk.data_enc, `${importId}:${seq}`);
  }
}

async function finishImport(deps: Deps, job: ImportJobsTable, totals: ImportCounts): Promise<void> {
  const now = deps.clock.now();
  const finished = await deps.db.transaction().execute(async (tx) => {
    if (!(await q.finishImport(tx, job.id, { status: 'done', error: null, finished_at: now, updated_at: now }))) {
      return false;
    }
    await q.updateBatch(tx, job.batch_id, { status: 'done', ...totals, finished_at: now });
    await q.deleteChunks(tx, job.id);
    await writeAudit(tx, deps, {
      actorId: job.supplier_id,
      action: 'card_keys.import_finished',
      objectType: 'product',
      objectId: job.product_id,
      details: { batchId: job.batch_id, importId: job.id, ...totals },
    });
    return true;
  });
  if (!finished) return;
  const product = (await getProductsForOrder(deps.db, [job.product_id])).get(job.product_id);
  if (product) await afterRestock(deps, product);
}

/** Keys committed by earlier steps stay: each was valid, de-duplicated and encrypted. */
async function failImport(deps: Deps, job: ImportJobsTable, error: string): Promise<void> {
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (tx) => {
    const cur = await q.findImport(tx, job.id);
    if (!(await q.finishImport(tx, job.id, { status: 'failed', error, finished_at: now, updated_at: now }))) return;
    await q.updateBatch(tx, job.batch_id, {
      status: 'failed',
      imported: cur?.imported ?? 0,
      duplicates: cur?.duplicates ?? 0,
      rejected: cur?.rejected ?? 0,
      finished_at: now,
    });
    await q.deleteChunks(tx, job.id);
  });
  deps.log.error({ importId: job.id, error }, 'card-key import failed');
  await invalidateCatalogProducts(deps, [job.product_id]);
}

export interface ImportView {
  id: string;
  productId: string;
  kind: ImportJobsTable['kind'];
  status: ImportJobsTable['status'];
  total: number;
  processed: number;
  imported: number;
  duplicates: number;
  rejected: number;
  error: string | null;
  createdAt: number;
  finishedAt: number | null;
}

function toImportView(r: ImportJobsTable): ImportView {
  return {
    id: r.id,
    productId: r.product_id,
    kind: r.kind,
    status: r.status,
    total: r.total,
    processed: r.kind === 'upload' ? r.lines_done : r.imported,
    imported: r.imported,
    duplicates: r.duplicates,
    rejected: r.rejected,
    error: r.error,
    createdAt: r.created_at,
    finishedAt: r.finished_at,
  };
}

export async function getImport(deps: Deps, auth: AuthContext, importId: string): Promise<ImportView> {
  const r = await q.findImport(deps.db, importId);
  if (!r || r.supplier_id !== auth.userId) throw new AppError('NOT_FOUND', 'No such import');
  return toImportView(r);
}

export async function listImports(
  deps: Deps,
  auth: AuthContext,
  f: { productId?: string | undefined; page: number; pageSize: number },
): Promise<{ items: ImportView[]; total: number }> {
  const { rows, total } = await q.listImports(deps.db, auth.userId, f.productId, f.pageSize, (f.page - 1) * f.pageSize);
  return { items: rows.map(toImportView), total };
}

/** Staged pieces of uploads whose request died before the import was queued. */
export async function sweepOrphanUploads(deps: Deps): Promise<number> {
  return q.deleteOrphanChunks(deps.db, deps.clock.now() - 6 * 3_600_000);
}
