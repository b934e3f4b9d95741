/** A supplier's import or generation request: done in the request when small, queued as a job when not. */
import { randomBytes } from 'node:crypto';
import { writeAudit } from '../../platform/audit.ts';
import { newId } from '../../platform/clock.ts';
import { encrypt, keyObject } from '../../platform/crypto.ts';
import type { Deps } from '../../platform/deps.ts';
import type { AuthContext } from '../../platform/http/auth.ts';
import { AppError } from '../../platform/http/errors.ts';
import { enqueue } from '../../platform/jobs/jobs.ts';
import type { ProductForOrder } from '../catalog/catalog.service.ts';
import { hashKey, wrapKey } from './vault.data-keys.ts';
import { type ImportCounts, insertStep, prepareStep } from './vault.import-steps.ts';
import { importKeysJob } from './vault.jobs-spec.ts';
import type { CodeFormat } from './vault.keys.ts';
import { afterRestock } from './vault.low-stock.ts';
import * as q from './vault.queries.ts';
import { ownedAutoProduct } from './vault.supplier-keys.ts';
import type { BatchSource, ImportJobsTable } from './vault.tables.ts';
import { type Line, limitBytes, MiB, multipartFile, splitLines, spool } from './vault.upload.ts';

/** An upload up to this size is imported in the request; a larger one becomes a job. */
export const SYNC_MAX_LINES = 10_000;
const SYNC_MAX_BYTES = 2 * MiB;
/** A staged piece; its base64 text stays under the ~1 MB past which Node makes an external string, kept outside the JS heap until a full GC. */
const STAGE_CHUNK_BYTES = MiB / 2;
/** 1,000,000 keys of up to ~100 bytes each. */
export const MAX_UPLOAD_BYTES = 128 * MiB;
export const MAX_GENERATE = 1_000_000;
/** A generated code must not be guessable: at least this many bits of randomness. */
const MIN_CODE_BITS = 40;

function newBatch(deps: Deps) {
  return { id: newId('ckb', deps.clock, deps.random), dek: randomBytes(32) };
}

/** The kind of body an import request carries; the route decides, the service reads it. */
export type ImportBody =
  | { kind: 'json'; keys: string[] }
  | { kind: 'text'; stream: AsyncIterable<Buffer> }
  | { kind: 'multipart'; stream: AsyncIterable<Buffer>; boundary: string };

export type ImportOutcome = ({ mode: 'done' } & ImportCounts) | { mode: 'queued'; jobId: string; total: number };

/**
 * Imports card keys. A JSON list or a small upload is imported in this request; a larger upload is staged
 * encrypted under the batch's data key, in pieces, and imported by a job whose progress the supplier polls.
 * Memory stays bounded whatever the size: the upload is never held whole.
 */
export async function importKeys(
  deps: Deps,
  auth: AuthContext,
  productId: string,
  body: ImportBody,
  ip: string,
): Promise<ImportOutcome> {
  const product = await ownedAutoProduct(deps.db, auth.userId, productId);
  const batch = newBatch(deps);
  const importId = newId('imp', deps.clock, deps.random);
  if (body.kind === 'json') {
    const counts = await importNow(deps, auth, product, batch, 'json', body.keys, ip);
    return { mode: 'done', ...counts };
  }
  const bytes = limitBytes(body.stream, MAX_UPLOAD_BYTES);
  const content = body.kind === 'multipart' ? multipartFile(bytes, body.boundary) : bytes;
  const source: BatchSource = body.kind === 'multipart' ? 'file' : 'text';
  let staged = false;
  try {
    const spooled = await spool(content, {
      syncMaxLines: SYNC_MAX_LINES,
      syncMaxBytes: SYNC_MAX_BYTES,
      chunkBytes: STAGE_CHUNK_BYTES,
      stage: async (seq, data) => {
        staged = true;
        await q.insertChunk(deps.db, importId, seq, encrypt(batch.dek, data, `${importId}:${seq}`), deps.clock.now());
      },
    });
    if (!spooled.staged) {
      const lines: Line[] = [];
      for await (const part of splitLines(oneChunk(spooled.data))) lines.push(...part);
      const counts = await importNow(deps, auth, product, batch, source, lines, ip);
      return { mode: 'done', ...counts };
    }
    await queueImport(deps, auth, product, batch, { importId, source, kind: 'upload', total: spooled.lines, ip });
    return { mode: 'queued', jobId: importId, total: spooled.lines };
  } catch (err) {
    if (staged) await q.deleteChunks(deps.db, importId).catch(() => {});
    throw err;
  }
}

async function* oneChunk(data: Buffer): AsyncGenerator<Buffer> {
  yield data;
}

async function importNow(
  deps: Deps,
  auth: AuthContext,
  product: ProductForOrder,
  batch: { id: string; dek: Buffer },
  source: BatchSource,
  lines: readonly Line[],
  ip: string,
): Promise<ImportCounts> {
  const now = deps.clock.now();
  const ctx = { productId: product.id, batchId: batch.id, dek: keyObject(batch.dek), hashKey: hashKey(deps), now };
  const prepared = prepareStep(deps, ctx, lines);
  const counts = await deps.db.transaction().execute(async (tx) => {
    await q.insertBatch(tx, {
      id: batch.id,
      product_id: product.id,
      supplier_id: auth.userId,
      wrapped_dek: encrypt(wrapKey(deps), batch.dek, batch.id),
      source,
      status: 'done',
      total: lines.length,
      imported: 0,
      duplicates: 0,
      rejected: 0,
      created_at: now,
      finished_at: now,
    });
    const c = await insertStep(tx, deps.dialect, prepared);
    await q.updateBatch(tx, batch.id, c);
    await writeAudit(tx, deps, {
      actorId: auth.userId,
      action: 'card_keys.import',
      objectType: 'product',
      objectId: product.id,
      ip,
      details: { batchId: batch.id, source, ...c },
    });
    return c;
  });
  await afterRestock(deps, product);
  return counts;
}

async function queueImport(
  deps: Deps,
  auth: AuthContext,
  product: ProductForOrder,
  batch: { id: string; dek: Buffer },
  r: { importId: string; source: BatchSource; kind: ImportJobsTable['kind']; total: number; spec?: string; ip: string },
): Promise<void> {
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (tx) => {
    await q.insertBatch(tx, {
      id: batch.id,
      product_id: product.id,
      supplier_id: auth.userId,
      wrapped_dek: encrypt(wrapKey(deps), batch.dek, batch.id),
      source: r.source,
      status: 'importing',
      total: r.total,
      imported: 0,
      duplicates: 0,
      rejected: 0,
      created_at: now,
      finished_at: null,
    });
    await q.insertImport(tx, {
      id: r.importId,
      product_id: product.id,
      supplier_id: auth.userId,
      batch_id: batch.id,
      kind: r.kind,
      spec: r.spec ?? null,
      status: 'queued',
      total: r.total,
      lines_done: 0,
      imported: 0,
      duplicates: 0,
      rejected: 0,
      error: null,
      created_at: now,
      updated_at: now,
      finished_at: null,
    });
    await writeAudit(tx, deps, {
      actorId: auth.userId,
      action: r.kind === 'generate' ? 'card_keys.generate' : 'card_keys.import',
      objectType: 'product',
      objectId: product.id,
      ip: r.ip,
      details: { batchId: batch.id, importId: r.importId, source: r.source, total: r.total, queued: true },
    });
    await enqueue(tx, deps, importKeysJob, { importId: r.importId });
  });
}

/** Generates `count` unique one-time codes (一次一密) of the chosen format, as a job. */
export async function generateKeys(
  deps: Deps,
  auth: AuthContext,
  productId: string,
  g: { count: number; format: CodeFormat },
  ip: string,
): Promise<{ jobId: string; total: number }> {
  const product = await ownedAutoProduct(deps.db, auth.userId, productId);
  const bits = g.format.length * Math.log2(alphabetSize(g.format));
  if (bits < MIN_CODE_BITS) {
    throw new AppError('UNPROCESSABLE', `A code needs at least ${MIN_CODE_BITS} bits of randomness; make it longer`, {
      issues: [{ path: ['format', 'length'], message: `${Math.floor(bits)} bits` }],
    });
  }
  const batch = newBatch(deps);
  const importId = newId('imp', deps.clock, deps.random);
  await queueImport(deps, auth, product, batch, {
    importId,
    source: 'generated',
    kind: 'generate',
    total: g.count,
    spec: JSON.stringify(g.format),
    ip,
  });
  return { jobId: importId, total: g.count };
}

function alphabetSize(f: CodeFormat): number {
  return { digits: 10, upper: 26, alnum: 62 }[f.alphabet];
}
