/**
 * What may be listed: the classes of banned goods (盗版软件, 游戏外挂 …) operators keep, and the qualification a
 * category requires. Catalog asks through its `listingCheck` hook on every create, edit and return to sale.
 */
import type { BannedGoodsClass, CategoryNodeDto, QualificationType } from '@kameng/contracts';
import { writeAudit } from '../../platform/audit.ts';
import type { Executor } from '../../platform/db/database.ts';
import type { Deps } from '../../platform/deps.ts';
import type { AuthContext } from '../../platform/http/auth.ts';
import { AppError } from '../../platform/http/errors.ts';
import type { RequestMeta } from '../accounts/accounts.service.ts';
import { categoryPath, categoryTree, findBannedWords, type ListingDraft } from '../catalog/catalog.service.ts';
import * as q from './compliance.queries.ts';
import { qualificationLabel } from './qualifications.ts';

function parseClasses(rows: { name: string; keywords: string }[]): BannedGoodsClass[] {
  return rows.map((r) => ({ name: r.name, keywords: JSON.parse(r.keywords) as string[] }));
}

export async function getBannedGoods(deps: Deps): Promise<{ classes: BannedGoodsClass[] }> {
  return { classes: parseClasses(await q.listBannedClasses(deps.db)) };
}

export async function setBannedGoods(
  deps: Deps,
  auth: AuthContext,
  classes: BannedGoodsClass[],
  meta: RequestMeta,
): Promise<{ classes: BannedGoodsClass[] }> {
  const byName = new Map<string, Set<string>>();
  for (const c of classes) {
    const set = byName.get(c.name) ?? new Set<string>();
    for (const k of c.keywords) set.add(k);
    byName.set(c.name, set);
  }
  const wanted = [...byName].map(([name, set]) => ({ name, keywords: [...set].sort() }));
  wanted.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  await deps.db.transaction().execute(async (tx) => {
    const before = parseClasses(await q.listBannedClasses(tx));
    await q.replaceBannedClasses(tx, wanted, deps.clock.now());
    await writeAudit(tx, deps, {
      actorId: auth.userId,
      action: 'compliance.banned_goods_set',
      objectType: 'settings',
      objectId: 'compliance.banned_goods',
      ip: meta.ip,
      details: { before, after: wanted },
    });
  });
  return { classes: wanted };
}

/** Refuses a listing of banned goods, or one in a category whose required qualification the supplier lacks. */
export async function checkListing(db: Executor, deps: Deps, l: ListingDraft): Promise<void> {
  for (const c of parseClasses(await q.listBannedClasses(db))) {
    const words = findBannedWords(c.keywords, [l.title, l.text]);
    if (words.length > 0) {
      throw new AppError('BANNED_GOODS', `这类商品禁止销售（${c.name}）/ Banned goods: ${c.name}`, {
        class: c.name,
        words,
      });
    }
  }
  const now = deps.clock.now();
  for (const r of await q.requirementsIn(db, l.categoryPath)) {
    if (!(await q.hasLiveQualification(db, l.supplierId, r.qualification_type, now))) {
      throw new AppError(
        'QUALIFICATION_REQUIRED',
        `在此类目上架需要通过审核且在有效期内的${qualificationLabel(r.qualification_type)} / This category needs an approved ${r.qualification_type}`,
        { qualificationType: r.qualification_type, categoryId: r.category_id },
      );
    }
  }
}

export async function listCategoryRequirements(deps: Deps) {
  const [rows, tree] = await Promise.all([q.listRequirements(deps.db), categoryTree(deps)]);
  const names = new Map<string, string>();
  const walk = (nodes: readonly CategoryNodeDto[]) => {
    for (const n of nodes) {
      names.set(n.id, n.name);
      walk(n.children);
    }
  };
  walk(tree.value.items);
  return {
    items: rows.map((r) => ({
      categoryId: r.category_id,
      categoryName: names.get(r.category_id) ?? r.category_id,
      qualificationType: r.qualification_type,
    })),
  };
}

export async function setCategoryRequirement(
  deps: Deps,
  auth: AuthContext,
  categoryId: string,
  type: QualificationType | null,
  meta: RequestMeta,
) {
  await deps.db.transaction().execute(async (tx) => {
    if ((await categoryPath(tx, categoryId)).length === 0) throw new AppError('NOT_FOUND', 'No such category');
    await q.setRequirement(tx, categoryId, type, auth.userId, deps.clock.now());
    await writeAudit(tx, deps, {
      actorId: auth.userId,
      action: 'compliance.category_requirement',
      objectType: 'category',
      objectId: categoryId,
      ip: meta.ip,
      details: { qualificationType: type },
    });
  });
  return listCategoryRequirements(deps);
}
