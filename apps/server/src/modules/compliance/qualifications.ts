/**
 * Supplier qualifications (资质审核): the real name and ID or credit-code number a document names, and the document
 * itself (a business licence, a brand's authorisation letter …), sealed at rest under the row's own data key. Only
 * operators open the document or reveal the numbers, and each opening is audited; they approve or reject with a
 * reason. A category may require a type; an approved qualification lapses at its expiry date (compliance.expiry.ts).
 */
import { randomBytes } from 'node:crypto';
import type { CreateQualificationBody, QualificationDto, QualificationType } from '@kameng/contracts';
import { writeAudit } from '../../platform/audit.ts';
import { newId } from '../../platform/clock.ts';
import { decrypt, deriveKey, encrypt } from '../../platform/crypto.ts';
import type { Executor } from '../../platform/db/database.ts';
import type { Deps } from '../../platform/deps.ts';
import type { AuthContext } from '../../platform/http/auth.ts';
import { AppError } from '../../platform/http/errors.ts';
import { maskIdNumber, maskName } from '../../platform/mask.ts';
import { HOUR } from '../../platform/rate-limit.ts';
import type { RequestMeta } from '../accounts/accounts.service.ts';
import { createNotice } from '../notify/notify.service.ts';
import * as q from './compliance.queries.ts';
import type { QualificationStatus } from './compliance.tables.ts';

export const MAX_DOCUMENT_BYTES = 5 * 1024 * 1024;

const DOCUMENT_TYPES = [
  { ext: 'pdf', contentType: 'application/pdf', test: (b: Buffer) => b.subarray(0, 5).toString('latin1') === '%PDF-' },
  {
    ext: 'png',
    contentType: 'image/png',
    test: (b: Buffer) => b.subarray(0, 8).equals(Buffer.from('89504e470d0a1a0a', 'hex')),
  },
  {
    ext: 'jpg',
    contentType: 'image/jpeg',
    test: (b: Buffer) => b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  },
] as const;

/** The request content types a document may arrive with; its real type is decided by its bytes. */
export const DOCUMENT_CONTENT_TYPES = ['application/pdf', 'image/png', 'image/jpeg', 'application/octet-stream'];

function wrapKey(deps: Pick<Deps, 'config'>): Buffer {
  return deriveKey(deps.config.masterKey, 'qualification-wrap');
}

/** The row's data key, unwrapped (bound to the row's id, so a key moved to another row does not open). */
function dataKey(deps: Deps, row: { id: string; wrapped_dek: string }): Buffer {
  return decrypt(wrapKey(deps), row.wrapped_dek, row.id);
}

export function toQualificationDto(r: q.QualificationListRow): QualificationDto {
  return {
    id: r.id,
    supplierId: r.supplier_id,
    type: r.type,
    holderNameMasked: r.holder_name_masked,
    idNumberMasked: r.id_number_masked,
    expiresAt: r.expires_at,
    status: r.status,
    reason: r.reason,
    note: r.note,
    document:
      r.document_type !== null
        ? { contentType: r.document_type, bytes: r.document_bytes ?? 0, fileName: r.document_name ?? '' }
        : null,
    reviewedBy: r.reviewed_by,
    reviewedAt: r.reviewed_at,
    createdAt: r.created_at,
  };
}

/** A supplier (or an applicant) files a qualification; its document follows as a separate upload. */
export async function createQualification(
  deps: Deps,
  auth: AuthContext,
  body: CreateQualificationBody,
  meta: RequestMeta,
): Promise<QualificationDto> {
  await deps.limiter.consume(`qualification:user:${auth.userId}`, { max: 30, windowMs: HOUR }, 'qualifications');
  const now = deps.clock.now();
  if (body.expiresAt <= now) {
    throw new AppError('VALIDATION_FAILED', 'The qualification has already expired', {
      issues: [{ path: ['expiresAt'], message: 'must be in the future' }],
    });
  }
  const id = newId('qlf', deps.clock, deps.random);
  const dek = randomBytes(32);
  const row: q.QualificationRow = {
    id,
    supplier_id: auth.userId,
    type: body.type,
    wrapped_dek: encrypt(wrapKey(deps), dek, id),
    holder_name_enc: encrypt(dek, body.holderName, `${id}:holder`),
    holder_name_masked: maskName(body.holderName),
    id_number_enc: encrypt(dek, body.idNumber.toUpperCase(), `${id}:id`),
    id_number_masked: maskIdNumber(body.idNumber.toUpperCase()),
    note: body.note ?? null,
    expires_at: body.expiresAt,
    status: 'awaiting_document',
    reason: null,
    document_enc: null,
    document_type: null,
    document_bytes: null,
    document_name: null,
    reviewed_by: null,
    reviewed_at: null,
    created_at: now,
    updated_at: now,
  };
  await deps.db.transaction().execute(async (tx) => {
    await q.insertQualification(tx, row);
    await writeAudit(tx, deps, {
      actorId: auth.userId,
      action: 'qualification.create',
      objectType: 'qualification',
      objectId: id,
      ip: meta.ip,
      details: { type: body.type, expiresAt: body.expiresAt },
    });
  });
  const { document_enc: _sealed, ...listed } = row;
  return toQualificationDto(listed);
}

/** The owner's own qualification, or 404. */
async function ownQualification(db: Executor, auth: AuthContext, id: string): Promise<q.QualificationListRow> {
  const row = await q.findQualification(db, id);
  if (!row || row.supplier_id !== auth.userId) throw new AppError('NOT_FOUND', 'No such qualification');
  return row;
}

/** The document, checked by its bytes, sealed; the qualification goes (back) to review. */
export async function uploadQualificationDocument(
  deps: Deps,
  auth: AuthContext,
  id: string,
  body: unknown,
  fileName: string | undefined,
  meta: RequestMeta,
): Promise<QualificationDto> {
  await deps.limiter.consume(`qualification-doc:user:${auth.userId}`, { max: 30, windowMs: HOUR }, 'uploads');
  const row = await ownQualification(deps.db, auth, id);
  if (!Buffer.isBuffer(body)) {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the document itself as the body (PDF, PNG or JPEG)');
  }
  if (body.length === 0) throw new AppError('BAD_REQUEST', 'The document is empty');
  if (body.length > MAX_DOCUMENT_BYTES) throw new AppError('PAYLOAD_TOO_LARGE', 'A document is at most 5 MB');
  const type = DOCUMENT_TYPES.find((t) => t.test(body));
  if (!type) throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'A qualification document must be a PDF, PNG or JPEG file');
  const name = `${(fileName ?? row.type).replace(/[^\p{L}\p{N}._-]+/gu, '_').slice(0, 80)}`.replace(
    /\.[a-z0-9]+$/i,
    '',
  );
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (tx) => {
    const moved = await q.moveQualification(tx, id, ['awaiting_document', 'pending', 'rejected'], {
      document_enc: encrypt(dataKey(deps, row), body, `${id}:document`),
      document_type: type.contentType,
      document_bytes: body.length,
      document_name: `${name || row.type}.${type.ext}`,
      status: 'pending',
      reason: null,
      reviewed_by: null,
      reviewed_at: null,
      updated_at: now,
    });
    if (!moved) throw new AppError('INVALID_STATE', `The qualification is ${row.status}; file a new one instead`);
    await writeAudit(tx, deps, {
      actorId: auth.userId,
      action: 'qualification.document',
      objectType: 'qualification',
      objectId: id,
      ip: meta.ip,
      details: { bytes: body.length, contentType: type.contentType },
    });
  });
  return toQualificationDto((await q.findQualification(deps.db, id))!);
}

export async function myQualifications(deps: Deps, auth: AuthContext) {
  const { rows } = await q.listQualifications(deps.db, { supplierId: auth.userId, limit: 100, offset: 0 });
  return { items: rows.map(toQualificationDto) };
}

export async function listQualificationsForReview(
  deps: Deps,
  f: { status?: QualificationStatus | undefined; supplierId?: string | undefined; page: number; pageSize: number },
) {
  const { rows, total } = await q.listQualifications(deps.db, {
    status: f.status,
    supplierId: f.supplierId,
    limit: f.pageSize,
    offset: (f.page - 1) * f.pageSize,
  });
  return { items: rows.map(toQualificationDto), total };
}

/** The document's bytes, for an operator; every opening is audited. */
export async function readQualificationDocument(deps: Deps, auth: AuthContext, id: string, meta: RequestMeta) {
  const row = await q.findDocument(deps.db, id);
  if (!row?.document_enc || !row.document_type) throw new AppError('NOT_FOUND', 'No such document');
  const body = decrypt(dataKey(deps, row), row.document_enc, `${id}:document`);
  await writeAudit(deps.db, deps, {
    actorId: auth.userId,
    action: 'qualification.document_view',
    objectType: 'qualification',
    objectId: id,
    ip: meta.ip,
    details: { supplierId: row.supplier_id },
  });
  return { body, contentType: row.document_type, fileName: row.document_name ?? `${id}.bin` };
}

/** The real name and number in full, for an operator; audited. */
export async function revealQualification(deps: Deps, auth: AuthContext, id: string, meta: RequestMeta) {
  const row = await q.findQualification(deps.db, id);
  if (!row) throw new AppError('NOT_FOUND', 'No such qualification');
  const dek = dataKey(deps, row);
  await writeAudit(deps.db, deps, {
    actorId: auth.userId,
    action: 'qualification.reveal',
    objectType: 'qualification',
    objectId: id,
    ip: meta.ip,
    details: { supplierId: row.supplier_id },
  });
  return {
    holderName: decrypt(dek, row.holder_name_enc, `${id}:holder`).toString('utf8'),
    idNumber: decrypt(dek, row.id_number_enc, `${id}:id`).toString('utf8'),
  };
}

const TYPE_LABEL: Record<QualificationType, string> = {
  business_licence: '营业执照',
  authorisation_letter: '授权书',
  publishing_licence: '出版物经营许可证',
  icp_licence: 'ICP 经营许可证',
};

export function qualificationLabel(type: QualificationType): string {
  return TYPE_LABEL[type];
}

export async function decideQualification(
  deps: Deps,
  auth: AuthContext,
  id: string,
  decision: { approve: true; reason?: string | undefined } | { approve: false; reason: string },
  meta: RequestMeta,
): Promise<QualificationDto> {
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (tx) => {
    const row = await q.findQualification(tx, id);
    if (!row) throw new AppError('NOT_FOUND', 'No such qualification');
    if (decision.approve && row.expires_at <= now) {
      throw new AppError('INVALID_STATE', 'The qualification has expired; it cannot be approved');
    }
    const moved = await q.moveQualification(tx, id, ['pending'], {
      status: decision.approve ? 'approved' : 'rejected',
      reason: decision.reason ?? null,
      reviewed_by: auth.userId,
      reviewed_at: now,
      updated_at: now,
    });
    if (!moved) throw new AppError('INVALID_STATE', `The qualification is ${row.status}`, { status: row.status });
    await writeAudit(tx, deps, {
      actorId: auth.userId,
      action: decision.approve ? 'qualification.approve' : 'qualification.reject',
      objectType: 'qualification',
      objectId: id,
      ip: meta.ip,
      details: { supplierId: row.supplier_id, type: row.type, reason: decision.reason ?? null },
    });
    await createNotice(tx, deps, {
      userId: row.supplier_id,
      kind: decision.approve ? 'qualification.approved' : 'qualification.rejected',
      title: `资质审核${decision.approve ? '已通过' : '未通过'}：${TYPE_LABEL[row.type]}`,
      body: decision.reason ? `审核意见：${decision.reason}` : '您的资质已通过审核。',
      link: '/supplier/qualifications',
    });
    return toQualificationDto((await q.findQualification(tx, id))!);
  });
}
