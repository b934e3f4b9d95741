/** The category tree: its cached index, operators' edits (no cycles, at most MAX_CATEGORY_DEPTH deep), and a category's path up. */
import type { CategoryDto, CategoryNodeDto, CreateCategoryBody, UpdateCategoryBody } from '@kameng/contracts';
import { categoryTreeSchema } from '@kameng/contracts';
import { writeAudit } from '../../platform/audit.ts';
import { newId } from '../../platform/clock.ts';
import type { Executor } from '../../platform/db/database.ts';
import { forUpdate, isUniqueViolation } from '../../platform/db/dialect.ts';
import type { Deps } from '../../platform/deps.ts';
import type { AuthContext } from '../../platform/http/auth.ts';
import { AppError } from '../../platform/http/errors.ts';
import type { RequestMeta } from '../accounts/accounts.service.ts';
import { cached, cachedJson, invalidateCatalogCache, type JsonEntry } from './catalog.cache.ts';
import * as q from './catalog.queries.ts';

/** Categories nest at most this deep, which also bounds every walk up the tree. */
export const MAX_CATEGORY_DEPTH = 8;

function isForeignKeyViolation(err: unknown): boolean {
  const e = err as { code?: string; message?: string } | null;
  if (!e) return false;
  return e.code === '23503' || (typeof e.message === 'string' && /FOREIGN KEY constraint failed/i.test(e.message));
}

/** The category and its ancestors, nearest first: [categoryId, parentId, …, top-level id]. */
export async function categoryPath(db: Executor, categoryId: string): Promise<string[]> {
  return q.pathUp(db, categoryId, MAX_CATEGORY_DEPTH);
}

// ─── categories ───

function toCategoryDto(r: q.CategoryRow): CategoryDto {
  return {
    id: r.id,
    parentId: r.parent_id,
    name: r.name,
    goodsType: r.goods_type,
    game: r.game,
    denomination: r.denomination,
    sortOrder: r.sort_order,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** An in-memory view of the whole tree: it is small, read often and cached. */
export class CategoryIndex {
  readonly rows: q.CategoryRow[];
  readonly byId: Map<string, q.CategoryRow>;
  readonly children = new Map<string | null, q.CategoryRow[]>();
  constructor(rows: q.CategoryRow[]) {
    this.rows = rows;
    this.byId = new Map(rows.map((r) => [r.id, r]));
    for (const r of rows) this.children.set(r.parent_id, [...(this.children.get(r.parent_id) ?? []), r]);
  }

  /** the id itself and everything below it */
  descendants(id: string): string[] {
    if (!this.byId.has(id)) return [];
    const out: string[] = [];
    const stack = [id];
    while (stack.length > 0) {
      const cur = stack.pop()!;
      out.push(cur);
      for (const c of this.children.get(cur) ?? []) stack.push(c.id);
    }
    return out;
  }

  /** top-level first */
  ancestry(id: string): q.CategoryRow[] {
    const out: q.CategoryRow[] = [];
    let cur = this.byId.get(id);
    while (cur && out.length <= MAX_CATEGORY_DEPTH) {
      out.unshift(cur);
      cur = cur.parent_id === null ? undefined : this.byId.get(cur.parent_id);
    }
    return out;
  }

  depth(id: string): number {
    return this.ancestry(id).length;
  }

  height(id: string): number {
    const kids = this.children.get(id) ?? [];
    return 1 + Math.max(0, ...kids.map((k) => this.height(k.id)));
  }

  /** A facet set on a category applies to everything below it unless overridden. */
  effective(id: string, facet: 'goods_type' | 'game' | 'denomination'): string | null {
    const chain = this.ancestry(id);
    for (let i = chain.length - 1; i >= 0; i--) {
      const v = chain[i]![facet];
      if (v !== null) return v;
    }
    return null;
  }

  tree(parentId: string | null = null): CategoryNodeDto[] {
    return (this.children.get(parentId) ?? []).map((r) => ({ ...toCategoryDto(r), children: this.tree(r.id) }));
  }
}

export async function categoryIndex(deps: Deps): Promise<CategoryIndex> {
  return new CategoryIndex(await cached(deps, 'categories', () => q.listCategories(deps.readDb)));
}

export async function categoryTree(deps: Deps): Promise<JsonEntry<{ items: CategoryNodeDto[] }>> {
  return cachedJson(
    deps,
    'tree',
    categoryTreeSchema,
    async () => ({ items: (await categoryIndex(deps)).tree() }),
    () => ({ products: [] }),
  );
}

async function lockedCategoryIndex(deps: Deps, tx: Executor): Promise<CategoryIndex> {
  // moves lock the whole (small) table so two concurrent moves cannot build a cycle
  const rows = await forUpdate(deps.dialect, tx.selectFrom('categories').selectAll()).execute();
  return new CategoryIndex(rows);
}

function siblingConflict(name: string): AppError {
  return new AppError('ALREADY_EXISTS', `A category named "${name}" already exists here`, {
    issues: [{ path: ['name'], message: 'taken by a sibling' }],
  });
}

export async function createCategory(
  deps: Deps,
  auth: AuthContext,
  body: CreateCategoryBody,
  meta: RequestMeta,
): Promise<CategoryDto> {
  const now = deps.clock.now();
  const row: q.CategoryRow = {
    id: newId('cat', deps.clock, deps.random),
    parent_id: body.parentId ?? null,
    name: body.name,
    goods_type: body.goodsType ?? null,
    game: body.game ?? null,
    denomination: body.denomination ?? null,
    sort_order: body.sortOrder ?? 0,
    created_at: now,
    updated_at: now,
  };
  try {
    await deps.db.transaction().execute(async (tx) => {
      if (row.parent_id !== null) {
        const index = await lockedCategoryIndex(deps, tx);
        if (!index.byId.has(row.parent_id)) {
          throw new AppError('UNPROCESSABLE', 'The parent category does not exist', {
            issues: [{ path: ['parentId'], message: 'no such category' }],
          });
        }
        if (index.depth(row.parent_id) + 1 > MAX_CATEGORY_DEPTH) {
          throw new AppError('UNPROCESSABLE', `Categories nest at most ${MAX_CATEGORY_DEPTH} deep`, {
            issues: [{ path: ['parentId'], message: 'too deep' }],
          });
        }
      }
      await q.insertCategory(tx, row);
      await writeAudit(tx, deps, {
        actorId: auth.userId,
        action: 'category.create',
        objectType: 'category',
        objectId: row.id,
        ip: meta.ip,
        details: { name: row.name, parentId: row.parent_id },
      });
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw siblingConflict(row.name);
    throw err;
  }
  await invalidateCatalogCache(deps);
  return toCategoryDto(row);
}

export async function updateCategory(
  deps: Deps,
  auth: AuthContext,
  id: string,
  body: UpdateCategoryBody,
  meta: RequestMeta,
): Promise<CategoryDto> {
  const now = deps.clock.now();
  try {
    const updated = await deps.db.transaction().execute(async (tx) => {
      const index = await lockedCategoryIndex(deps, tx);
      const before = index.byId.get(id);
      if (!before) throw new AppError('NOT_FOUND', 'No such category');
      const patch: Partial<q.CategoryRow> = { updated_at: now };
      if (body.name !== undefined) patch.name = body.name;
      if (body.goodsType !== undefined) patch.goods_type = body.goodsType;
      if (body.game !== undefined) patch.game = body.game;
      if (body.denomination !== undefined) patch.denomination = body.denomination;
      if (body.sortOrder !== undefined) patch.sort_order = body.sortOrder;
      if (body.parentId !== undefined && body.parentId !== before.parent_id) {
        const parentId = body.parentId;
        if (parentId !== null) {
          if (!index.byId.has(parentId)) {
            throw new AppError('UNPROCESSABLE', 'The new parent category does not exist', {
              issues: [{ path: ['parentId'], message: 'no such category' }],
            });
          }
          if (index.descendants(id).includes(parentId)) {
            throw new AppError('UNPROCESSABLE', 'A category cannot move under itself or one of its descendants', {
              issues: [{ path: ['parentId'], message: 'would make a cycle' }],
            });
          }
          if (index.depth(parentId) + index.height(id) > MAX_CATEGORY_DEPTH) {
            throw new AppError('UNPROCESSABLE', `Categories nest at most ${MAX_CATEGORY_DEPTH} deep`, {
              issues: [{ path: ['parentId'], message: 'too deep' }],
            });
          }
        }
        patch.parent_id = parentId;
      }
      await q.updateCategory(tx, id, patch);
      await writeAudit(tx, deps, {
        actorId: auth.userId,
        action: 'category.update',
        objectType: 'category',
        objectId: id,
        ip: meta.ip,
        details: { before: toCategoryDto(before), changes: body },
      });
      return { ...before, ...patch };
    });
    await invalidateCatalogCache(deps);
    return toCategoryDto(updated);
  } catch (err) {
    if (isUniqueViolation(err)) throw siblingConflict(body.name ?? 'that name');
    throw err;
  }
}

export async function deleteCategory(deps: Deps, auth: AuthContext, id: string, meta: RequestMeta): Promise<void> {
  try {
    await deps.db.transaction().execute(async (tx) => {
      const row = await q.findCategory(tx, id);
      if (!row) throw new AppError('NOT_FOUND', 'No such category');
      if (await q.hasChildren(tx, id)) throw new AppError('CONFLICT', 'Move or delete its sub-categories first');
      if (await q.hasProducts(tx, id)) throw new AppError('CONFLICT', 'The category still holds products');
      await q.deleteCategory(tx, id);
      await writeAudit(tx, deps, {
        actorId: auth.userId,
        action: 'category.delete',
        objectType: 'category',
        objectId: id,
        ip: meta.ip,
        details: { name: row.name, parentId: row.parent_id },
      });
    });
  } catch (err) {
    // a product or sub-category added while we deleted
    if (isForeignKeyViolation(err)) throw new AppError('CONFLICT', 'The category is no longer empty');
    throw err;
  }
  await invalidateCatalogCache(deps);
}
