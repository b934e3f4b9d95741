/** Product cover images: checked by their bytes, stored under the data directory, served back by name. */
import { mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeAudit } from '../../platform/audit.ts';
import type { Deps } from '../../platform/deps.ts';
import type { AuthContext } from '../../platform/http/auth.ts';
import { AppError } from '../../platform/http/errors.ts';
import type { RequestMeta } from '../accounts/accounts.service.ts';
import { invalidateCatalogCache } from './catalog.cache.ts';
import { coverUrl } from './catalog.product-views.ts';
import { ownProduct } from './catalog.products.ts';
import * as q from './catalog.queries.ts';

export const MAX_COVER_BYTES = 2 * 1024 * 1024;

const IMAGE_TYPES = [
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
  {
    ext: 'webp',
    contentType: 'image/webp',
    test: (b: Buffer) =>
      b.length > 12 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP',
  },
] as const;

/** The image type by its first bytes, whatever the request claimed. */
export function detectImage(body: Buffer): (typeof IMAGE_TYPES)[number] | undefined {
  return IMAGE_TYPES.find((t) => t.test(body));
}

function uploadsDir(deps: Deps): string {
  return join(deps.config.dataDir, 'uploads');
}

export async function uploadCover(
  deps: Deps,
  auth: AuthContext,
  id: string,
  body: unknown,
  meta: RequestMeta,
): Promise<{ coverUrl: string }> {
  await ownProduct(deps.db, auth, id);
  if (!Buffer.isBuffer(body)) {
    throw new AppError(
      'UNSUPPORTED_MEDIA_TYPE',
      'Send the image itself as the body (image/png, image/jpeg or image/webp)',
    );
  }
  if (body.length === 0) throw new AppError('BAD_REQUEST', 'The image is empty');
  if (body.length > MAX_COVER_BYTES) throw new AppError('PAYLOAD_TOO_LARGE', 'A cover image is at most 2 MB');
  const type = detectImage(body);
  if (!type) throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'A cover must be a PNG, JPEG or WebP image');
  const file = `${deps.random.bytes(16).toString('hex')}.${type.ext}`;
  const dir = uploadsDir(deps);
  await mkdir(dir, { recursive: true });
  const path = join(dir, file);
  await writeFile(path, body, { flag: 'wx' });
  try {
    await deps.db.transaction().execute(async (tx) => {
      await ownProduct(tx, auth, id);
      await q.setCover(tx, id, file, deps.clock.now());
      await writeAudit(tx, deps, {
        actorId: auth.userId,
        action: 'product.cover',
        objectType: 'product',
        objectId: id,
        ip: meta.ip,
        details: { file, bytes: body.length },
      });
    });
  } catch (err) {
    await unlink(path).catch(() => {});
    throw err;
  }
  await invalidateCatalogCache(deps);
  return { coverUrl: coverUrl(file)! };
}

const UPLOAD_NAME = /^[a-f0-9]{32}\.(png|jpg|webp)$/;

export async function readUpload(deps: Deps, name: string): Promise<{ body: Buffer; contentType: string }> {
  const m = UPLOAD_NAME.exec(name);
  if (!m) throw new AppError('NOT_FOUND', 'No such file');
  const type = IMAGE_TYPES.find((t) => t.ext === m[1])!;
  try {
    return { body: await readFile(join(uploadsDir(deps), name)), contentType: type.contentType };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new AppError('NOT_FOUND', 'No such file');
    throw err;
  }
}
