import { z } from 'zod';
import { plainTextSchema, productListItemSchema } from './catalog.ts';
import { millisSchema } from './common.ts';

/** Slots of the home page's recommendation carousel, in the order they show. */
export const MAX_CAROUSEL_SLOTS = 10;

export const carouselSlotInputSchema = z
  .strictObject({
    productId: z.string().min(1).max(64),
    headline: plainTextSchema(60).optional().describe('shown over the slide; the product title when left out'),
    startsAt: millisSchema.nullable().optional().describe('epoch ms; shown from then on (null = at once)'),
    endsAt: millisSchema.nullable().optional().describe('epoch ms; hidden from then on (null = until removed)'),
  })
  .refine((s) => s.startsAt == null || s.endsAt == null || s.startsAt < s.endsAt, {
    message: 'startsAt must come before endsAt',
    path: ['endsAt'],
  });
export type CarouselSlotInput = z.infer<typeof carouselSlotInputSchema>;

export const setCarouselBodySchema = z.strictObject({
  slots: z
    .array(carouselSlotInputSchema)
    .max(MAX_CAROUSEL_SLOTS)
    .refine((ss) => new Set(ss.map((s) => s.productId)).size === ss.length, 'a product may fill one slot only'),
});
export type SetCarouselBody = z.infer<typeof setCarouselBodySchema>;

/** A slot as operators manage it: shown or not right now, and why. */
export const carouselSlotSchema = z
  .object({
    id: z.string(),
    position: z.number().int(),
    productId: z.string(),
    headline: z.string().nullable(),
    startsAt: millisSchema.nullable(),
    endsAt: millisSchema.nullable(),
    product: z
      .object({ title: z.string(), status: z.string(), onSale: z.boolean(), coverUrl: z.string().nullable() })
      .nullable()
      .describe('null when the product no longer exists'),
    live: z.boolean().describe('shown on the home page now: inside its time window, product approved and on sale'),
    updatedAt: millisSchema,
  })
  .meta({ id: 'CarouselSlot' });
export type CarouselSlotDto = z.infer<typeof carouselSlotSchema>;

export const adminCarouselSchema = z.object({ items: z.array(carouselSlotSchema) });

/** What the home page shows: only live slots, each with its product as the product list shows it. */
export const carouselSchema = z
  .object({
    items: z.array(z.object({ id: z.string(), headline: z.string().nullable(), product: productListItemSchema })),
  })
  .meta({ id: 'Carousel' });
export type CarouselDto = z.infer<typeof carouselSchema>;
