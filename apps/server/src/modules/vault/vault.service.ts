import { randomBytes } from 'node:crypto';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { writeAudit } from '../../platform/audit.ts';
import { newId, newIds } from '../../platform/clock.ts';
import { decrypt, deriveKey, encrypt, keyObject, opener, type SecretKey } from '../../platform/crypto.ts';
import type { Executor } from '../../platform/db/database.ts';
import type { Deps } from '../../platform/deps.ts';
import type { AuthContext } from '../../platform/http/auth.ts';
import { AppError } from '../../platform/http/errors.ts';
import { enqueue, type JobContext } from '../../platform/jobs/jobs.ts';
import { getProductsForOrder, invalidateCatalogProducts, type ProductForOrder } from '../catalog/catalog.service.ts';
import { createNotice } from '../notify/notify.service.ts';
import { IMPORT_MAX_ATTEMPTS, importKeysJob } from './vault.jobs-spec.ts';
import { type CodeFormat, generateCodes } from './vault.keys.ts';
import * as q from './vault.queries.ts';
import { prepareKeys, StepPreparer, type StepKeys } from './vault.prepare.ts';
import type { BatchSource, ImportJobsTable, KeyStatus } from './vault.tables.ts';
import { type Line, limitBytes, MiB, multipartFile, splitLines, spool } from './vault.upload.ts';

/**
 * Keys committed per transaction by an import: progress moves in steps this size, a retry redoes at most one.
 * Fewer, larger commits write far less WAL (the dedupe index takes keys in random order); SQLite's steps stay
 * smaller because its one write lock holds buyers' orders up while a step commits.
 */
export function importStep(dialect: Deps['dialect']): number {
  return dialect === 'sqlite' ? 5_000 : 10_000;
}
/** One INSERT statement's keys: PostgreSQL takes a whole step as arrays; SQLite binds 7 values a key (32,766 at most). */
function insertChunk(dialect: Deps['dialect']): number {
  return dialect === 'sqlite' ? 500 : 10_000;
}
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

function wrapKey(deps: Pick<Deps, 'config'>): Buffer {
  return deriveKey(deps.config.masterKey, 'vault-wrap');
}
function hashKeyBytes(deps: Pick<Deps, 'config'>): Buffer {
  return deriveKey(deps.config.masterKey, 'vault-dedupe');
}
function hashKey(deps: Pick<Deps, 'config'>): SecretKey {
  return keyObject(hashKeyBytes(deps));
}

async function ownedProduct(db: Executor, supplierId: string, productId: string): Promise<ProductForOrder> {
  const p = (await getProductsForOrder(db, [productId])).get(productId);
  // another supplier's product is simply not found
  if (!p || p.supplierId !== supplierId) throw new AppError('NOT_FOUND', 'No such product');
  return p;
}

async function ownedAutoProduct(db: Executor, supplierId: string, productId: string): Promise<ProductForOrder> {
  const p = await ownedProduct(db, supplierId, productId);
  if (p.deliveryMode !== 'auto') {
    throw new AppError('UNPROCESSABLE', 'Card keys belong to products delivered automatically', {
      issues: [{ path: ['productId'], message: `delivery mode is ${p.deliveryMode}` }],
    });
  }
  return p;
}

export interface ImportCounts {
  imported: number;
  duplicates: number;
  rejected: number;
}

/** What one batch of an import needs to encrypt and de-duplicate its keys. */
interface BatchContext {
  productId: string;
  batchId: string;
  dek: SecretKey;
  hashKey: SecretKey;
  now: number;
}

/** One step's keys, encrypted and hashed before any transaction opens, so the write lock is held only to insert. */
interface PreparedStep {
  keys: q.KeyColumns;
  rejected: number;
}

/** Encrypts and hashes a step here, on the event loop's thread (small imports, generated codes). */
function prepareStep(deps: Deps, b: BatchContext, lines: readonly Line[]): PreparedStep {
  const ids = newIds('ck', deps.clock, deps.random, lines.length);
  return columns(b, prepareKeys({ productId: b.productId, dek: b.dek, hashKey: b.hashKey, lines, ids }));
}

function columns(b: BatchContext, k: StepKeys): PreparedStep {
  return {
    keys: {
      productId: b.productId,
      batchId: b.batchId,
      createdAt: b.now,
      ids: k.ids,
      secretEnc: k.secretEnc,
      secretHash: k.secretHash,
      masked: k.masked,
    },
    rejected: k.rejected,
  };
}

/**
 * Inserts a prepared step. A key already held for the product (from before or from this same import)
 * counts as a duplicate: the unique (product, keyed hash) index decides, so the import keeps nothing in memory.
 */
async function insertStep(tx: Executor, dialect: Deps['dialect'], step: PreparedStep): Promise<ImportCounts> {
  const n = step.keys.ids.length;
  const chunk = insertChunk(dialect);
  let imported = 0;
  for (let i = 0; i < n; i += chunk) imported += await q.insertKeys(tx, dialect, step.keys, i, Math.min(n, i + chunk));
  return { imported, duplicates: n - imported, rejected: step.rejected };
}

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

// ─── allocation (called by orders inside its transaction) ───

export async function reserveKeys(
  tx: Executor,
  deps: Deps,
  r: { productId: string; orderId: string; quantity: number; lowStockThreshold?: number | null },
): Promise<{ ok: true; keyIds: string[] } | { ok: false; available: number }> {
  const ids = await q.pickAvailable(tx, deps.dialect, r.productId, r.quantity);
  if (ids.length < r.quantity) return { ok: false, available: ids.length };
  const n = await q.reserve(tx, ids, r.orderId, deps.clock.now());
  if (n !== ids.length) throw new Error('reserved keys changed under a lock');
  await checkLowStock(tx, deps, r.productId, r.lowStockThreshold);
  return { ok: true, keyIds: ids };
}

/**
 * Tells the supplier once when a product's available keys fall to its low-stock threshold: an in-site
 * notice, and an email when one is on file. The alert re-arms when a restock lifts the product above it.
 * Costs one bounded index read per order, and only for products that set a threshold.
 */
async function checkLowStock(
  tx: Executor,
  deps: Deps,
  productId: string,
  threshold: number | null | undefined,
): Promise<void> {
  let limit = threshold;
  let product: ProductForOrder | undefined;
  if (limit === undefined) {
    product = (await getProductsForOrder(tx, [productId])).get(productId);
    limit = product?.lowStockThreshold ?? null;
  }
  if (limit === null || limit === undefined) return;
  const available = await q.availableUpTo(tx, productId, limit + 1);
  if (available > limit) return;
  const alert = await q.findAlert(tx, productId);
  if (alert?.alerted_at != null) return;
  product ??= (await getProductsForOrder(tx, [productId])).get(productId);
  if (!product) return;
  const now = deps.clock.now();
  if (
    !(await q.claimAlert(tx, {
      product_id: productId,
      supplier_id: product.supplierId,
      armed_at: now,
      alerted_at: now,
    }))
  )
    return;
  await createNotice(tx, deps, {
    userId: product.supplierId,
    kind: 'low_stock',
    title: `库存不足：${product.title} / Low stock: ${product.title}`,
    body: `商品「${product.title}」仅剩 ${available} 张卡密（预警值 ${limit}），请及时补货。\nOnly ${available} card keys left for "${product.title}" (threshold ${limit}): import more to keep selling.`,
    link: `/supplier/products/${productId}/keys`,
    email: true,
  });
}

/** After keys arrive: the listing shows the new stock, and a product back above its threshold re-arms. */
async function afterRestock(deps: Deps, product: ProductForOrder): Promise<void> {
  await invalidateCatalogProducts(deps, [product.id]);
  if (product.lowStockThreshold === null) return;
  const available = await q.availableUpTo(deps.db, product.id, product.lowStockThreshold + 1);
  if (available > product.lowStockThreshold) await q.rearm(deps.db, product.id, deps.clock.now());
}

export async function releaseKeys(tx: Executor, _deps: Deps, orderId: string): Promise<number> {
  return q.release(tx, orderId);
}

export async function markKeysSold(tx: Executor, deps: Deps, orderId: string): Promise<number> {
  return q.markSold(tx, orderId, deps.clock.now());
}

async function batchKeys(db: Executor, deps: Deps, batchIds: string[]): Promise<Map<string, Buffer>> {
  const rows = await q.wrappedDeks(db, [...new Set(batchIds)]);
  const wrap = wrapKey(deps);
  return new Map(rows.map((b) => [b.id, decrypt(wrap, b.wrapped_dek, b.id)]));
}

/** Decrypts an order's delivered keys. The caller has already checked that the reader owns the order. */
export async function revealKeysForOrder(db: Executor, deps: Deps, orderId: string): Promise<string[]> {
  const rows = await q.soldForOrder(db, orderId);
  if (rows.length === 0) return [];
  const deks = await batchKeys(
    db,
    deps,
    rows.map((r) => r.batch_id),
  );
  return rows.map((r) => {
    const dek = deks.get(r.batch_id);
    if (!dek) throw new Error(`batch ${r.batch_id} missing`);
    return decrypt(dek, r.secret_enc, r.id).toString('utf8');
  });
}

/** Provided to the catalog as its `stockCounts` hook. */
export async function availableCounts(db: Executor, productIds: string[]): Promise<Map<string, number>> {
  return q.availableCounts(db, productIds);
}

// ─── the supplier's view of its keys ───

export async function listProductKeys(
  deps: Deps,
  auth: AuthContext,
  productId: string,
  f: { status?: KeyStatus | undefined; page: number; pageSize: number },
) {
  await ownedProduct(deps.db, auth.userId, productId);
  const { rows, total } = await q.listKeys(deps.db, productId, f.status, f.pageSize, (f.page - 1) * f.pageSize);
  return {
    total,
    items: rows.map((r) => ({
      id: r.id,
      batchId: r.batch_id,
      masked: r.masked,
      status: r.status,
      orderId: r.order_id,
      createdAt: r.created_at,
      reservedAt: r.reserved_at,
      soldAt: r.sold_at,
    })),
  };
}

/** A supplier reads one of its keys in full; every reveal is audited. */
export async function revealKey(
  deps: Deps,
  auth: AuthContext,
  keyId: string,
  ip: string,
): Promise<{ id: string; secret: string }> {
  const key = await q.findKey(deps.db, keyId);
  if (!key) throw new AppError('NOT_FOUND', 'No such key');
  await ownedProduct(deps.db, auth.userId, key.product_id);
  const dek = (await batchKeys(deps.db, deps, [key.batch_id])).get(key.batch_id);
  if (!dek) throw new Error(`batch ${key.batch_id} missing`);
  const secret = decrypt(dek, key.secret_enc, key.id).toString('utf8');
  await writeAudit(deps.db, deps, {
    actorId: auth.userId,
    action: 'card_key.reveal',
    objectType: 'card_key',
    objectId: key.id,
    ip,
  });
  return { id: key.id, secret };
}

export async function voidUnsold(
  deps: Deps,
  auth: AuthContext,
  productId: string,
  ids: string[],
  ip: string,
): Promise<{ voided: number }> {
  await ownedProduct(deps.db, auth.userId, productId);
  const voided = await deps.db.transaction().execute(async (tx) => {
    const n = await q.voidAvailable(tx, [productId], ids);
    await writeAudit(tx, deps, {
      actorId: auth.userId,
      action: 'card_keys.void',
      objectType: 'product',
      objectId: productId,
      ip,
      details: { requested: ids.length, voided: n },
    });
    return n;
  });
  await invalidateCatalogProducts(deps, [productId]);
  return { voided };
}
