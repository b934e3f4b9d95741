import { z } from 'zod';
import { millisSchema } from './common.ts';

// Control characters never belong in names or titles, and PostgreSQL text cannot hold NUL at all.
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly what is refused
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

/** One line of plain text: trimmed, no control characters. */
export function plainTextSchema(max: number, min = 1) {
  return z
    .string()
    .trim()
    .min(min)
    .max(max)
    .refine((s) => !CONTROL_CHARS.test(s), 'must not contain control characters');
}

const idSchema = z.string().min(1).max(64);

/** How a category's goods are delivered; a product's deliveryMode must agree with it (card_key ↔ auto). */
export const goodsTypeSchema = z.enum(['card_key', 'direct', 'manual']);
export type GoodsType = z.infer<typeof goodsTypeSchema>;

export const deliveryModeSchema = z.enum(['auto', 'manual', 'direct']);
export type DeliveryMode = z.infer<typeof deliveryModeSchema>;

export const productStatusSchema = z.enum(['pending_review', 'approved', 'rejected']);
export type ProductStatus = z.infer<typeof productStatusSchema>;

export const productSortSchema = z.enum(['sales', 'price_asc', 'price_desc', 'newest']);

const MAX_PRICE_CENTS = 100_000_000;
const MAX_QUANTITY = 10_000;
export const priceCentsSchema = z.number().int().min(1, 'must be at least 1 fen').max(MAX_PRICE_CENTS);

// --- categories ---

export const categorySchema = z
  .object({
    id: z.string(),
    parentId: z.string().nullable(),
    name: z.string(),
    goodsType: goodsTypeSchema.nullable(),
    game: z.string().nullable(),
    denomination: z.string().nullable(),
    sortOrder: z.number().int(),
    createdAt: millisSchema,
    updatedAt: millisSchema,
  })
  .meta({ id: 'Category' });
export type CategoryDto = z.infer<typeof categorySchema>;

export interface CategoryNodeDto extends CategoryDto {
  children: CategoryNodeDto[];
}

export const categoryNodeSchema: z.ZodType<CategoryNodeDto> = categorySchema
  .extend({
    get children() {
      return z.array(categoryNodeSchema);
    },
  })
  .meta({ id: 'CategoryNode' });

export const categoryTreeSchema = z.object({ items: z.array(categoryNodeSchema) });

const facetText = plainTextSchema(64);

export const createCategoryBodySchema = z.strictObject({
  name: plainTextSchema(64),
  parentId: idSchema.optional(),
  goodsType: goodsTypeSchema.optional(),
  game: facetText.optional().describe('game or brand, e.g. 王者荣耀, 腾讯'),
  denomination: facetText.optional().describe('face value, e.g. 10元, 60点券'),
  sortOrder: z.number().int().min(-1_000_000).max(1_000_000).optional(),
});
export type CreateCategoryBody = z.infer<typeof createCategoryBodySchema>;

/** Rename, move (parentId; null = to the top), change facets. Omitted fields stay; null clears. */
export const updateCategoryBodySchema = z
  .strictObject({
    name: plainTextSchema(64).optional(),
    parentId: idSchema.nullable().optional(),
    goodsType: goodsTypeSchema.nullable().optional(),
    game: facetText.nullable().optional(),
    denomination: facetText.nullable().optional(),
    sortOrder: z.number().int().min(-1_000_000).max(1_000_000).optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'change at least one field' });
export type UpdateCategoryBody = z.infer<typeof updateCategoryBodySchema>;

// --- products ---

export const priceTierSchema = z.strictObject({
  minQuantity: z.number().int().min(2).max(MAX_QUANTITY),
  priceCents: priceCentsSchema,
});
export type PriceTier = z.infer<typeof priceTierSchema>;

const priceTiersSchema = z
  .array(priceTierSchema)
  .max(10)
  .refine((ts) => new Set(ts.map((t) => t.minQuantity)).size === ts.length, 'minQuantity must differ between tiers');

const productFields = {
  categoryId: idSchema,
  title: plainTextSchema(120),
  description: z.string().max(50_000).describe('rich text (HTML); sanitised on the server to an allow-list'),
  priceCents: priceCentsSchema,
  deliveryMode: deliveryModeSchema,
  priceTiers: priceTiersSchema.describe('quantity discounts: the highest minQuantity not above the quantity applies'),
  minPerOrder: z.number().int().min(1).max(MAX_QUANTITY),
  maxPerOrder: z.number().int().min(1).max(MAX_QUANTITY).nullable(),
  lowStockThreshold: z.number().int().min(0).max(1_000_000).nullable(),
  recipientField: plainTextSchema(32).nullable().describe('direct top-up only: what the buyer types, e.g. 充值QQ号'),
  stock: z
    .number()
    .int()
    .min(0)
    .max(100_000_000)
    .nullable()
    .describe('manual and direct goods only; null = not counted. Card-key stock is the number of keys'),
};

export const createProductBodySchema = z
  .strictObject({
    categoryId: productFields.categoryId,
    title: productFields.title,
    description: productFields.description,
    priceCents: productFields.priceCents,
    deliveryMode: productFields.deliveryMode,
    priceTiers: productFields.priceTiers.optional(),
    minPerOrder: productFields.minPerOrder.optional(),
    maxPerOrder: productFields.maxPerOrder.optional(),
    lowStockThreshold: productFields.lowStockThreshold.optional(),
    recipientField: productFields.recipientField.optional(),
    stock: productFields.stock.optional(),
  })
  .refine((b) => b.maxPerOrder == null || b.maxPerOrder >= (b.minPerOrder ?? 1), {
    message: 'maxPerOrder must not be below minPerOrder',
    path: ['maxPerOrder'],
  });
export type CreateProductBody = z.infer<typeof createProductBodySchema>;

/** Title, description, price, tiers, category or delivery mode send the product back to review; onSale does not. */
export const updateProductBodySchema = z
  .strictObject({
    categoryId: productFields.categoryId.optional(),
    title: productFields.title.optional(),
    description: productFields.description.optional(),
    priceCents: productFields.priceCents.optional(),
    deliveryMode: productFields.deliveryMode.optional(),
    priceTiers: productFields.priceTiers.optional(),
    minPerOrder: productFields.minPerOrder.optional(),
    maxPerOrder: productFields.maxPerOrder.optional(),
    lowStockThreshold: productFields.lowStockThreshold.optional(),
    recipientField: productFields.recipientField.optional(),
    stock: productFields.stock.optional(),
    onSale: z.boolean().optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'change at least one field' });
export type UpdateProductBody = z.infer<typeof updateProductBodySchema>;

/** What anyone may see of a product on sale. */
export const productSchema = z
  .object({
    id: z.string(),
    supplierId: z.string(),
    categoryId: z.string(),
    title: z.string(),
    descriptionHtml: z.string(),
    priceCents: z.number().int(),
    priceTiers: z.array(z.object({ minQuantity: z.number().int(), priceCents: z.number().int() })),
    minPerOrder: z.number().int(),
    maxPerOrder: z.number().int().nullable(),
    deliveryMode: deliveryModeSchema,
    recipientField: z.string().nullable(),
    stock: z.number().int().nullable().describe('keys or units available; null = not counted'),
    salesCount: z.number().int(),
    coverUrl: z.string().nullable(),
    status: productStatusSchema,
    onSale: z.boolean(),
    createdAt: millisSchema,
    updatedAt: millisSchema,
  })
  .meta({ id: 'Product' });
export type ProductDto = z.infer<typeof productSchema>;

/** A product as its supplier and the operators see it. */
export const productManageSchema = productSchema
  .extend({
    lowStockThreshold: z.number().int().nullable(),
    lowStock: z.boolean(),
    rejectReason: z.string().nullable(),
    takedownReason: z.string().nullable().describe('why an operator took it down (null: not taken down)'),
    revision: z.number().int().describe('bumped by every change that needs review'),
    reviewedBy: z.string().nullable(),
    reviewedAt: millisSchema.nullable(),
    shopName: z.string().nullable().optional().describe("operators' lists: the supplier's shop name"),
    categoryPath: z.string().optional().describe("operators' lists: the category path, top level first"),
  })
  .meta({ id: 'ProductManage' });
export type ProductManageDto = z.infer<typeof productManageSchema>;

/** For a signed-in buyer, priceCents is his price (orders.pricing.ts); these say what it was before and why. */
const buyerPriceFields = {
  listPriceCents: z.number().int().optional().describe("the product's list price, when the buyer's price differs"),
  priceRule: z.string().optional().describe('which rule gave priceCents for this buyer (contracts/pricing.ts)'),
};

export const productDetailSchema = productSchema
  .extend({
    categoryPath: z.array(z.object({ id: z.string(), name: z.string() })).describe('top-level category first'),
    shopName: z.string().nullable().describe("the supplier's shop name (null: a supplier without an approved shop)"),
    ...buyerPriceFields,
    manage: productManageSchema
      .pick({ lowStockThreshold: true, lowStock: true, rejectReason: true, revision: true })
      .optional()
      .describe('only for the supplier who owns it and operators'),
  })
  .meta({ id: 'ProductDetail' });
export type ProductDetailDto = z.infer<typeof productDetailSchema>;

export const productListItemSchema = productSchema
  .pick({
    id: true,
    supplierId: true,
    categoryId: true,
    title: true,
    priceCents: true,
    priceTiers: true,
    deliveryMode: true,
    stock: true,
    salesCount: true,
    coverUrl: true,
    minPerOrder: true,
    maxPerOrder: true,
    createdAt: true,
  })
  .extend(buyerPriceFields)
  .meta({ id: 'ProductListItem' });
export type ProductListItemDto = z.infer<typeof productListItemSchema>;

const pageFields = {
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
};
const searchText = plainTextSchema(100).optional();
const centsQuery = z.coerce.number().int().min(0).max(MAX_PRICE_CENTS).optional();

export const productSearchQuerySchema = z
  .strictObject({
    ...pageFields,
    q: searchText,
    categoryId: idSchema.optional().describe('includes every category below it'),
    goodsType: goodsTypeSchema.optional(),
    game: facetText.optional(),
    denomination: facetText.optional(),
    supplierId: idSchema.optional(),
    minPriceCents: centsQuery,
    maxPriceCents: centsQuery,
    sort: productSortSchema.default('sales'),
  })
  .refine((f) => f.minPriceCents === undefined || f.maxPriceCents === undefined || f.minPriceCents <= f.maxPriceCents, {
    message: 'minPriceCents must not exceed maxPriceCents',
    path: ['minPriceCents'],
  });
export type ProductSearchQuery = z.infer<typeof productSearchQuerySchema>;

export const productSearchResultSchema = z.object({
  items: z.array(productListItemSchema),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
});

export const manageProductsQuerySchema = z.strictObject({
  ...pageFields,
  status: productStatusSchema.optional(),
  q: searchText,
  supplierId: idSchema.optional().describe('operators only'),
});

export const manageProductListSchema = z.object({ items: z.array(productManageSchema), total: z.number().int() });

export const createProductResponseSchema = productManageSchema;

export const approveProductBodySchema = z
  .strictObject({
    revision: z.number().int().optional().describe('the revision reviewed; a newer edit makes the approval fail'),
  })
  .nullish();

export const rejectProductBodySchema = z.strictObject({
  reason: plainTextSchema(500),
  revision: z.number().int().optional(),
});

export const bannedWordsSchema = z.object({ words: z.array(z.string()) });
export const setBannedWordsBodySchema = z.strictObject({
  words: z.array(plainTextSchema(50)).max(5_000),
});

export const coverUploadResponseSchema = z.object({ coverUrl: z.string() });
