/** Operators approve or reject products and keep the list of banned words. */
import type { ProductManageDto } from '@kameng/contracts';
import { writeAudit } from '../../platform/audit.ts';
import type { Deps } from '../../platform/deps.ts';
import type { AuthContext } from '../../platform/http/auth.ts';
import { AppError } from '../../platform/http/errors.ts';
import { type RequestMeta, shopNamesOf } from '../accounts/accounts.service.ts';
import { invalidateCatalogCache } from './catalog.cache.ts';
import { categoryIndex } from './catalog.categories.ts';
import { type ManageFilter, manageDto, manageList } from './catalog.products.ts';
import * as q from './catalog.queries.ts';

export async function listProductsForReview(
  deps: Deps,
  f: ManageFilter,
): Promise<{ items: ProductManageDto[]; total: number }> {
  const page = await manageList(deps, deps.db, f);
  // operators read names: the supplier's shop and the category path, not their ids
  const [shops, index] = await Promise.all([
    shopNamesOf(
      deps.db,
      page.items.map((p) => p.supplierId),
    ),
    categoryIndex(deps),
  ]);
  return {
    ...page,
    items: page.items.map((p) => ({
      ...p,
      shopName: shops.get(p.supplierId) ?? null,
      categoryPath: index
        .ancestry(p.categoryId)
        .map((c) => c.name)
        .join(' / '),
    })),
  };
}

async function decide(
  deps: Deps,
  auth: AuthContext,
  id: string,
  decision:
    | { approve: true; revision?: number | undefined }
    | { approve: false; reason: string; revision?: number | undefined },
  meta: RequestMeta,
): Promise<ProductManageDto> {
  const now = deps.clock.now();
  const result = await deps.db.transaction().execute(async (tx) => {
    const before = await q.findProduct(tx, id);
    if (!before) throw new AppError('NOT_FOUND', 'No such product');
    const ok = decision.approve
      ? await q.approveProduct(tx, id, { reviewedBy: auth.userId, now, revision: decision.revision })
      : await q.rejectProduct(tx, id, {
          reviewedBy: auth.userId,
          now,
          reason: decision.reason,
          revision: decision.revision,
        });
    if (!ok) {
      const current = (await q.findProduct(tx, id))!;
      if (decision.revision !== undefined && current.revision !== decision.revision) {
        throw new AppError('CONFLICT', 'The supplier changed the product since you opened it; review it again', {
          revision: current.revision,
        });
      }
      throw new AppError('INVALID_STATE', `The product is ${current.status}`, { status: current.status });
    }
    await writeAudit(tx, deps, {
      actorId: auth.userId,
      action: decision.approve ? 'product.approve' : 'product.reject',
      objectType: 'product',
      objectId: id,
      ip: meta.ip,
      details: {
        revision: before.revision,
        statusBefore: before.status,
        supplierId: before.supplier_id,
        ...(decision.approve ? {} : { reason: decision.reason }),
      },
    });
    return manageDto(deps, tx, (await q.findProduct(tx, id))!);
  });
  await invalidateCatalogCache(deps);
  return result;
}

export function approveProduct(
  deps: Deps,
  auth: AuthContext,
  id: string,
  revision: number | undefined,
  meta: RequestMeta,
): Promise<ProductManageDto> {
  return decide(deps, auth, id, { approve: true, revision }, meta);
}

/** Rejects a product under review, or takes an approved one off sale, with a reason the supplier sees. */
export function rejectProduct(
  deps: Deps,
  auth: AuthContext,
  id: string,
  body: { reason: string; revision?: number | undefined },
  meta: RequestMeta,
): Promise<ProductManageDto> {
  return decide(deps, auth, id, { approve: false, reason: body.reason, revision: body.revision }, meta);
}

export async function getBannedWords(deps: Deps): Promise<{ words: string[] }> {
  return { words: await q.listBannedWords(deps.db) };
}

export async function setBannedWords(
  deps: Deps,
  auth: AuthContext,
  words: string[],
  meta: RequestMeta,
): Promise<{ words: string[] }> {
  const wanted = [...new Set(words)].sort();
  await deps.db.transaction().execute(async (tx) => {
    const before = await q.listBannedWords(tx);
    await q.replaceBannedWords(tx, wanted, deps.clock.now());
    await writeAudit(tx, deps, {
      actorId: auth.userId,
      action: 'catalog.banned_words_set',
      objectType: 'settings',
      objectId: 'catalog.banned_words',
      ip: meta.ip,
      details: {
        added: wanted.filter((w) => !before.includes(w)),
        removed: before.filter((w) => !wanted.includes(w)),
      },
    });
  });
  return { words: wanted };
}
