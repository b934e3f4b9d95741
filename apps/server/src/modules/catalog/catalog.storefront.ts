/** What buyers browse: searches and listings, product pages, and the products a carousel shows. */
import type { ProductDetailDto, ProductListItemDto, ProductSearchQuery } from '@kameng/contracts';
import { productDetailSchema, productSearchResultSchema } from '@kameng/contracts';
import type { Executor } from '../../platform/db/database.ts';
import type { Deps } from '../../platform/deps.ts';
import type { AuthContext } from '../../platform/http/auth.ts';
import { AppError } from '../../platform/http/errors.ts';
import { shopNamesOf } from '../accounts/accounts.service.ts';
import { cachedJson, type JsonEntry } from './catalog.cache.ts';
import { type CategoryIndex, categoryIndex } from './catalog.categories.ts';
import { GOODS_TYPE_MODE, toListItem, toManageDto } from './catalog.product-views.ts';
import * as q from './catalog.queries.ts';
import { publicStockOf, stockOf } from './catalog.stock.ts';

function isOperator(auth: AuthContext | null): boolean {
  return !!auth && (auth.roles.includes('operator') || auth.roles.includes('admin'));
}

/** The public list items of those of `ids` that can be bought now (approved and on sale), by id. */
export async function sellableListItems(
  deps: Deps,
  db: Executor,
  ids: string[],
): Promise<Map<string, ProductListItemDto>> {
  if (ids.length === 0) return new Map();
  const rows = (await q.productsByIds(db, ids)).filter((r) => r.status === 'approved' && r.on_sale === 1);
  const stock = await stockOf(deps, db, rows);
  return new Map(rows.map((r) => [r.id, toListItem(r, stock.get(r.id) ?? null)]));
}

export async function searchProducts(
  deps: Deps,
  f: ProductSearchQuery,
): Promise<JsonEntry<{ items: ProductListItemDto[]; total: number; page: number; pageSize: number }>> {
  const key = `search:${JSON.stringify(Object.entries(f).sort(([a], [b]) => a.localeCompare(b)))}`;
  // stock and sales counts do not move a product in or out of a listing: only the sales sort reorders
  return cachedJson(
    deps,
    key,
    productSearchResultSchema,
    () => findProducts(deps, f),
    (page) => ({
      products: page.items.map((i) => i.id),
      bySales: f.sort === 'sales',
    }),
  );
}

async function findProducts(
  deps: Deps,
  f: ProductSearchQuery,
): Promise<{ items: ProductListItemDto[]; total: number; page: number; pageSize: number }> {
  let categoryIds: string[] | undefined;
  if (f.categoryId !== undefined || f.game !== undefined || f.denomination !== undefined) {
    const index = await categoryIndex(deps);
    let ids = f.categoryId !== undefined ? index.descendants(f.categoryId) : index.rows.map((r) => r.id);
    if (f.game !== undefined) ids = ids.filter((id) => index.effective(id, 'game') === f.game);
    if (f.denomination !== undefined) ids = ids.filter((id) => index.effective(id, 'denomination') === f.denomination);
    categoryIds = ids;
  }
  // the public catalog may lag the primary a little (it is cached anyway): it reads from the replica when there is one
  const { rows, total } = await q.searchProducts(deps.readDb, {
    sellableOnly: true,
    categoryIds,
    deliveryMode: f.goodsType ? GOODS_TYPE_MODE[f.goodsType] : undefined,
    supplierId: f.supplierId,
    q: f.q,
    minPriceCents: f.minPriceCents,
    maxPriceCents: f.maxPriceCents,
    sort: f.sort,
    limit: f.pageSize,
    offset: (f.page - 1) * f.pageSize,
  });
  const stock = await publicStockOf(deps, rows);
  return {
    items: rows.map((r) => toListItem(r, stock.get(r.id) ?? null)),
    total,
    page: f.page,
    pageSize: f.pageSize,
  };
}

function toDetail(
  r: q.ProductRow,
  stock: number | null,
  index: CategoryIndex,
  shopName: string | null,
  manage: boolean,
): ProductDetailDto {
  const m = toManageDto(r, stock);
  return {
    id: m.id,
    supplierId: m.supplierId,
    categoryId: m.categoryId,
    title: m.title,
    descriptionHtml: m.descriptionHtml,
    priceCents: m.priceCents,
    priceTiers: m.priceTiers,
    minPerOrder: m.minPerOrder,
    maxPerOrder: m.maxPerOrder,
    deliveryMode: m.deliveryMode,
    recipientField: m.recipientField,
    stock: m.stock,
    salesCount: m.salesCount,
    coverUrl: m.coverUrl,
    status: m.status,
    onSale: m.onSale,
    createdAt: m.createdAt,
    updatedAt: m.updatedAt,
    categoryPath: index.ancestry(r.category_id).map((c) => ({ id: c.id, name: c.name })),
    shopName,
    ...(manage
      ? {
          manage: {
            lowStockThreshold: m.lowStockThreshold,
            lowStock: m.lowStock,
            rejectReason: m.rejectReason,
            revision: m.revision,
          },
        }
      : {}),
  };
}

const publicPageSchema = productDetailSchema.nullable();

/** A page as everyone sees it (cached, already serialised), or as its supplier or an operator sees it. */
export type ProductPage = { public: JsonEntry<ProductDetailDto> } | { own: ProductDetailDto };

/**
 * A product page. Anyone sees a product on sale; its supplier and the operators also see it under
 * review, rejected or off sale (everyone else gets 404, as if it did not exist).
 */
export async function productDetail(deps: Deps, auth: AuthContext | null, id: string): Promise<ProductPage> {
  const loadDirect = async (): Promise<ProductDetailDto | null> => {
    const row = await q.findProduct(deps.db, id);
    if (!row) return null;
    if (!(isOperator(auth) || row.supplier_id === auth?.userId)) return null;
    const stock = (await stockOf(deps, deps.db, [row])).get(row.id) ?? null;
    const shop = (await shopNamesOf(deps.db, [row.supplier_id])).get(row.supplier_id) ?? null;
    return toDetail(row, stock, await categoryIndex(deps), shop, true);
  };
  if (auth && isOperator(auth)) {
    const d = await loadDirect();
    if (!d) throw new AppError('NOT_FOUND', 'No such product');
    return { own: d };
  }
  const pub = await cachedJson(
    deps,
    `product:${id}`,
    publicPageSchema,
    async () => {
      const row = await q.findProduct(deps.readDb, id);
      if (row?.status !== 'approved' || row.on_sale !== 1) return null;
      const stock = (await publicStockOf(deps, [row])).get(row.id) ?? null;
      const shop = (await shopNamesOf(deps.readDb, [row.supplier_id])).get(row.supplier_id) ?? null;
      return toDetail(row, stock, await categoryIndex(deps), shop, false);
    },
    () => ({ products: [id] }),
  );
  if (auth && (pub.value === null || pub.value.supplierId === auth.userId)) {
    const own = await loadDirect();
    if (own) return { own };
  }
  if (pub.value === null) throw new AppError('NOT_FOUND', 'No such product');
  return { public: pub as JsonEntry<ProductDetailDto> };
}
