import type { Millis } from '../../platform/db/schema.ts';

export type GoodsType = 'card_key' | 'direct' | 'manual';
export type DeliveryMode = 'auto' | 'manual' | 'direct';
export type ProductStatus = 'pending_review' | 'approved' | 'rejected';

export interface CategoriesTable {
  id: string;
  parent_id: string | null;
  name: string;
  goods_type: GoodsType | null;
  game: string | null;
  denomination: string | null;
  sort_order: number;
  created_at: Millis;
  updated_at: Millis;
}

export interface ProductsTable {
  id: string;
  supplier_id: string;
  category_id: string;
  title: string;
  /** sanitised HTML: only what the allow-list kept */
  description_html: string;
  price_cents: number;
  /** JSON array of { minQuantity, priceCents }, sorted by minQuantity */
  price_tiers: string;
  min_per_order: number;
  max_per_order: number | null;
  low_stock_threshold: number | null;
  recipient_field: string | null;
  delivery_mode: DeliveryMode;
  /** counted units for manual and direct goods; null = not counted (and always null for card keys) */
  stock: number | null;
  status: ProductStatus;
  /** 0 or 1: the same on both dialects */
  on_sale: number;
  /** bumped by every change that needs review, so an approval applies to what the reviewer saw */
  revision: number;
  reject_reason: string | null;
  reviewed_by: string | null;
  reviewed_at: Millis | null;
  sales_count: number;
  cover_file: string | null;
  created_at: Millis;
  updated_at: Millis;
}

export interface CatalogBannedWordsTable {
  word: string;
  created_at: Millis;
}

export interface CarouselSlotsTable {
  id: string;
  /** 0, 1, 2 … in the order the home page shows them */
  position: number;
  product_id: string;
  headline: string | null;
  starts_at: Millis | null;
  ends_at: Millis | null;
  updated_by: string | null;
  created_at: Millis;
  updated_at: Millis;
}

/** Tables owned by the catalog module. */
export interface CatalogTables {
  categories: CategoriesTable;
  products: ProductsTable;
  catalog_banned_words: CatalogBannedWordsTable;
  carousel_slots: CarouselSlotsTable;
}

declare module '../../platform/db/schema.ts' {
  interface DB extends CatalogTables {}
}
