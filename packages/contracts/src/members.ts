import { z } from 'zod';
import { plainTextSchema } from './catalog.ts';
import { millisSchema } from './common.ts';
import { paymentMethodSchema, paymentViewSchema } from './orders.ts';
import { PRICE_RULES } from './pricing.ts';

// Member levels (会员等级): operators define them, buyers reach them by spend, buy them or are granted them;
// suppliers price their products per level and grant single buyers a price (密价).

const idSchema = z.string().min(1).max(64);
/** a price or amount in fen a supplier or operator sets: a positive integer, at most ¥1,000,000 */
const priceSchema = z.number().int().min(1).max(100_000_000);
const bpsSchema = z.number().int().min(0).max(10_000);

export const priceRuleSchema = z.enum(PRICE_RULES as unknown as [string, ...string[]]);

export const levelDiscountOverrideSchema = z
  .strictObject({
    productId: idSchema.optional(),
    categoryId: idSchema.optional(),
    discountBps: bpsSchema,
  })
  .refine((o) => (o.productId === undefined) !== (o.categoryId === undefined), {
    message: 'exactly one of productId and categoryId',
  });

const levelFields = {
  name: plainTextSchema(32),
  rank: z.number().int().min(0).max(1000).describe('higher is better; unique'),
  discountBps: bpsSchema.default(0).describe("the level's discount on every product (bps of the list price)"),
  feeDiscountBps: bpsSchema
    .default(0)
    .describe("a supplier's fee discount at this level: a fraction of the commission"),
  spendThresholdCents: z
    .number()
    .int()
    .min(0)
    .max(10_000_000_000)
    .nullable()
    .default(null)
    .describe('cumulative spend that reaches it; null: not reached by spend; 0: everyone'),
  upgradePriceCents: priceSchema.nullable().default(null).describe('bought as an upgrade for this; null: not for sale'),
  serviceContact: z
    .union([plainTextSchema(120), z.literal('')])
    .nullish()
    .transform((v) => (v ? v : null))
    .describe('专属客服: shown to members of this level'),
  overrides: z.array(levelDiscountOverrideSchema).max(500).default([]),
};

export const createLevelBodySchema = z.strictObject(levelFields);
export type CreateLevelBody = z.infer<typeof createLevelBodySchema>;
export const updateLevelBodySchema = z.strictObject(levelFields);

export const levelSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    rank: z.number().int(),
    discountBps: z.number().int(),
    feeDiscountBps: z.number().int(),
    spendThresholdCents: z.number().int().nullable(),
    upgradePriceCents: z.number().int().nullable(),
    serviceContact: z.string().nullable().optional().describe('operators, and members of this level'),
    overrides: z.array(
      z.object({ productId: z.string().optional(), categoryId: z.string().optional(), discountBps: z.number().int() }),
    ),
    createdAt: millisSchema,
    updatedAt: millisSchema,
  })
  .meta({ id: 'MemberLevel' });
export type LevelDto = z.infer<typeof levelSchema>;

export const levelListSchema = z.object({ items: z.array(levelSchema) });
export const createdIdSchema = z.object({ id: z.string() });

export const setUserLevelBodySchema = z.strictObject({
  levelId: idSchema.nullable().describe('null: take the granted level away (spend still counts)'),
});

export const userLevelSchema = z
  .object({
    level: levelSchema.nullable(),
    source: z.enum(['spend', 'purchase', 'operator']).nullable(),
    spendCents: z.number().int(),
    grantedLevelId: z.string().nullable(),
    next: z
      .object({ level: levelSchema, remainingCents: z.number().int() })
      .nullable()
      .describe('the next level reached by spend, and what is left to spend'),
    levels: z.array(levelSchema).describe('every level, lowest first, with what it gives'),
  })
  .meta({ id: 'UserLevel' });
export type UserLevelDto = z.infer<typeof userLevelSchema>;

export const buyLevelBodySchema = z.strictObject({ levelId: idSchema, paymentMethod: paymentMethodSchema });
export const buyLevelResponseSchema = z.object({ payment: paymentViewSchema });

export const levelPricesBodySchema = z.strictObject({
  items: z
    .array(z.strictObject({ levelId: idSchema, priceCents: priceSchema }))
    .max(100)
    .describe('replaces every level price of this product'),
});
export const levelPricesSchema = z.object({
  items: z.array(z.object({ levelId: z.string(), levelName: z.string(), priceCents: z.number().int() })),
});

export const userPriceBodySchema = z.strictObject({
  buyer: z.string().trim().min(3).max(254).describe("the buyer's email or phone"),
  priceCents: priceSchema,
});
export const userPriceSchema = z.object({
  id: z.string(),
  productId: z.string(),
  buyerId: z.string(),
  buyer: z.string().describe("the buyer's email or phone"),
  priceCents: z.number().int(),
  createdAt: millisSchema,
});
export const userPriceListSchema = z.object({ items: z.array(userPriceSchema) });
