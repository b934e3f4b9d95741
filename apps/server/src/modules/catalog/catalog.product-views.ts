/** A product row as orders, listings and its supplier see it. */
import type { GoodsType, ProductListItemDto, ProductManageDto } from '@kameng/contracts';
import type { Executor } from '../../platform/db/database.ts';
import { UPLOADS_URL_PREFIX } from './catalog.content.ts';
import * as q from './catalog.queries.ts';
import type { DeliveryMode, ProductStatus } from './catalog.tables.ts';

export const GOODS_TYPE_MODE: Record<GoodsType, DeliveryMode> = {
  card_key: 'auto',
  direct: 'direct',
  manual: 'manual',
};

// ─── contract for orders (docs/trade-loop-contracts.md) ───

export interface PriceTierValue {
  minQuantity: number;
  priceCents: number;
}

export interface ProductForOrder {
  id: string;
  supplierId: string;
  categoryId: string;
  title: string;
  priceCents: number;
  priceTiers: PriceTierValue[];
  minPerOrder: number;
  maxPerOrder: number | null;
  deliveryMode: DeliveryMode;
  status: ProductStatus;
  onSale: boolean;
  lowStockThreshold: number | null;
}

export function parseTiers(json: string): PriceTierValue[] {
  const tiers = JSON.parse(json) as PriceTierValue[];
  return tiers.sort((a, b) => a.minQuantity - b.minQuantity);
}

function toProductForOrder(r: q.ProductRow): ProductForOrder {
  return {
    id: r.id,
    supplierId: r.supplier_id,
    categoryId: r.category_id,
    title: r.title,
    priceCents: r.price_cents,
    priceTiers: parseTiers(r.price_tiers),
    minPerOrder: r.min_per_order,
    maxPerOrder: r.max_per_order,
    deliveryMode: r.delivery_mode,
    status: r.status,
    onSale: r.on_sale === 1,
    lowStockThreshold: r.low_stock_threshold,
  };
}

/** The products of an order, read from the database (never from the client). Sellable = status 'approved' && onSale. */
export async function getProductsForOrder(db: Executor, ids: string[]): Promise<Map<string, ProductForOrder>> {
  const rows = await q.productsByIds(db, [...new Set(ids)]);
  return new Map(rows.map((r) => [r.id, toProductForOrder(r)]));
}

export function coverUrl(file: string | null): string | null {
  return file ? `${UPLOADS_URL_PREFIX}${file}` : null;
}

export function toListItem(r: q.ProductRow, stock: number | null): ProductListItemDto {
  return {
    id: r.id,
    supplierId: r.supplier_id,
    categoryId: r.category_id,
    title: r.title,
    priceCents: r.price_cents,
    priceTiers: parseTiers(r.price_tiers),
    deliveryMode: r.delivery_mode,
    stock,
    salesCount: r.sales_count,
    coverUrl: coverUrl(r.cover_file),
    minPerOrder: r.min_per_order,
    maxPerOrder: r.max_per_order,
    createdAt: r.created_at,
  };
}

export function toManageDto(r: q.ProductRow, stock: number | null): ProductManageDto {
  return {
    ...toListItem(r, stock),
    descriptionHtml: r.description_html,
    recipientField: r.recipient_field,
    status: r.status,
    onSale: r.on_sale === 1,
    updatedAt: r.updated_at,
    lowStockThreshold: r.low_stock_threshold,
    lowStock: stock !== null && r.low_stock_threshold !== null && stock <= r.low_stock_threshold,
    rejectReason: r.reject_reason,
    takedownReason: r.taken_down_at !== null ? r.takedown_reason : null,
    revision: r.revision,
    reviewedBy: r.reviewed_by,
    reviewedAt: r.reviewed_at,
  };
}
