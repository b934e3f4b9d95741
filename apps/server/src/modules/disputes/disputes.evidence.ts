/**
 * Screenshots as evidence: the type is decided by the bytes (PNG, JPEG, WebP), the size is capped, and the
 * image is served back only to the case's parties and staff, with its own content type, nosniff and a
 * sandboxing CSP, so an uploaded file can never run as a page.
 */
import { newId } from '../../platform/clock.ts';
import { sha256Hex } from '../../platform/crypto.ts';
import type { Deps } from '../../platform/deps.ts';
import type { AuthContext } from '../../platform/http/auth.ts';
import { AppError } from '../../platform/http/errors.ts';
import { MINUTE } from '../../platform/rate-limit.ts';
import { detectImage } from '../catalog/catalog.service.ts';
import { addMessage, OPEN_STATUSES, partOf } from './disputes.cases.ts';
import * as q from './disputes.queries.ts';

export const MAX_EVIDENCE_BYTES = 2 * 1024 * 1024;
const MAX_EVIDENCE_PER_CASE = 20;

export async function uploadEvidence(
  deps: Deps,
  auth: AuthContext,
  id: string,
  body: unknown,
): Promise<{ id: string; url: string }> {
  if (!Buffer.isBuffer(body)) {
    throw new AppError(
      'UNSUPPORTED_MEDIA_TYPE',
      'Send the image itself as the body (image/png, image/jpeg or image/webp)',
    );
  }
  if (body.length === 0) throw new AppError('BAD_REQUEST', 'The image is empty');
  if (body.length > MAX_EVIDENCE_BYTES) throw new AppError('PAYLOAD_TOO_LARGE', 'A screenshot is at most 2 MB');
  const type = detectImage(body);
  if (!type) throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Evidence must be a PNG, JPEG or WebP image');
  await deps.limiter.consume(`dispute-evidence:u:${auth.userId}`, { max: 30, windowMs: 10 * MINUTE }, 'uploads');
  const evidenceId = newId('dse', deps.clock, deps.random);
  await deps.db.transaction().execute(async (tx) => {
    const c = await q.findDisputeForUpdate(tx, deps.dialect, id);
    if (!c) throw new AppError('NOT_FOUND', 'No such case');
    const actor = partOf(auth, c);
    if (!OPEN_STATUSES.includes(c.status)) throw new AppError('INVALID_STATE', 'This case is over');
    if ((await q.countEvidence(tx, id)) >= MAX_EVIDENCE_PER_CASE) {
      throw new AppError('UNPROCESSABLE', `A case holds at most ${MAX_EVIDENCE_PER_CASE} images`);
    }
    await q.insertEvidence(tx, {
      id: evidenceId,
      dispute_id: id,
      uploaded_by: auth.userId,
      actor,
      content_type: type.contentType,
      bytes: body.length,
      sha256: sha256Hex(body),
      data_b64: body.toString('base64'),
      created_at: deps.clock.now(),
    });
    await addMessage(tx, deps, id, {
      actor,
      actorId: auth.userId,
      kind: 'evidence',
      body: `截图 / screenshot (${type.contentType}, ${body.length} bytes)`,
      evidenceId,
    });
  });
  return { id: evidenceId, url: `/api/v1/disputes/${id}/evidence/${evidenceId}` };
}

export async function readEvidence(
  deps: Deps,
  auth: AuthContext,
  id: string,
  evidenceId: string,
): Promise<{ body: Buffer; contentType: string }> {
  const c = await q.findDispute(deps.db, id);
  if (!c) throw new AppError('NOT_FOUND', 'No such case');
  partOf(auth, c);
  const e = await q.findEvidence(deps.db, id, evidenceId);
  if (!e) throw new AppError('NOT_FOUND', 'No such evidence');
  return { body: Buffer.from(e.data_b64, 'base64'), contentType: e.content_type };
}
