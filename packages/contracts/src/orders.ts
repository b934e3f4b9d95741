import { z } from 'zod';
import { emailSchema, verificationCodeSchema } from './accounts.ts';
import { CHANNEL_IDS } from './channels/registry.ts';
import { millisSchema, pageSchema } from './common.ts';

/** The wallet, the built-in sandbox, and every real payment channel. */
export const paymentMethodSchema = z.enum(['balance', 'sandbox', ...CHANNEL_IDS]);
export const orderStatusSchema = z.enum([
  'pending_payment',
  'paid',
  'delivered',
  'completed',
  'cancelled',
  'refunded',
  'delivery_failed',
  'disputed',
]);

export const orderItemInputSchema = z.strictObject({
  productId: z.string().min(1).max(64),
  quantity: z.number().int().min(1).max(10_000),
});

export const createOrderBodySchema = z.strictObject({
  items: z.array(orderItemInputSchema).min(1).max(50),
  paymentMethod: paymentMethodSchema,
  recipientAccount: z
    .string()
    .trim()
    .min(1)
    .max(128)
    .optional()
    .describe('the game/phone account for direct top-up goods'),
  guest: z
    .strictObject({
      email: emailSchema,
      lookupPassword: z.string().min(6).max(64),
    })
    .optional()
    .describe('buy without an account: the order is found again with its number and this password'),
});

export const paymentViewSchema = z
  .object({
    id: z.string(),
    method: z.string(),
    status: z.enum(['pending', 'paid', 'failed', 'closed']),
    amountCents: z.number().int(),
    expiresAt: millisSchema.optional(),
    scene: z.string().nullable().optional().describe('how the buyer pays at the channel, once checked out'),
    payUrl: z.string().optional().describe('where to send the buyer (a cashier page or H5 link)'),
    qrCode: z.string().optional().describe('the content to render as a QR code on our cashier page'),
  })
  .meta({ id: 'Payment' });

export const orderViewSchema = z
  .object({
    id: z.string(),
    status: orderStatusSchema,
    amountCents: z.number().int(),
    paymentMethod: z.string(),
    supplierId: z.string(),
    guest: z.boolean(),
    recipientAccount: z.string().nullable(),
    reservedUntil: millisSchema,
    createdAt: millisSchema,
    paidAt: millisSchema.nullable(),
    deliveredAt: millisSchema.nullable(),
    completedAt: millisSchema.nullable(),
    items: z.array(
      z.object({
        productId: z.string(),
        title: z.string(),
        quantity: z.number().int(),
        unitPriceCents: z.number().int(),
        amountCents: z.number().int(),
        deliveryMode: z.string(),
        priceRule: z.string().nullable().optional().describe('which rule gave the unit price (contracts/pricing.ts)'),
      }),
    ),
    shopName: z.string().nullable().optional().describe("the supplier's shop name"),
    buyerContact: z
      .string()
      .nullable()
      .optional()
      .describe("the buyer's email or phone (or a guest's email): in full for operators, masked for the supplier"),
    cardKeys: z.array(z.string()).optional().describe('delivered keys: only ever shown to the buyer'),
    cardKeyCount: z
      .number()
      .int()
      .optional()
      .describe('with ?keys=hidden: how many keys the order holds (POST /orders/:id/keys/reveal shows them)'),
    deliveryContent: z.string().optional(),
  })
  .meta({ id: 'Order' });

export const ordersPageSchema = pageSchema('OrdersPage', orderViewSchema);

export const createOrderResponseSchema = orderViewSchema.extend({ payment: paymentViewSchema });

export const orderListQuerySchema = z.strictObject({
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
  status: orderStatusSchema.optional(),
  from: z.coerce.number().int().optional(),
  to: z.coerce.number().int().optional(),
  categoryId: z.string().max(64).optional(),
  deliveryMode: z.enum(['auto', 'manual', 'direct']).optional(),
  queue: z
    .enum(['delivery'])
    .optional()
    .describe('delivery: the paid orders that wait for a person (manual goods and direct top-ups), oldest first'),
});

export const guestLookupBodySchema = z.strictObject({
  orderId: z.string().min(1).max(64),
  lookupPassword: z.string().min(1).max(64),
});

/** A guest who lost the lookup password asks for a code at the email he bought with. */
export const guestCodeBodySchema = z.strictObject({ email: emailSchema });
export const guestCodeSentSchema = z
  .object({
    sent: z.literal(true).describe('the same answer whether or not this address bought anything'),
    expiresInSeconds: z.number().int(),
  })
  .meta({ id: 'GuestCodeSent' });
export const guestCodeLookupBodySchema = z.strictObject({ email: emailSchema, code: verificationCodeSchema });
export const guestOrdersSchema = z
  .object({
    items: z.array(orderViewSchema).describe("this email's guest orders, newest first (at most 20), keys included"),
  })
  .meta({ id: 'GuestOrders' });
export type GuestOrders = z.infer<typeof guestOrdersSchema>;

export const manualDeliveryBodySchema = z.strictObject({ content: z.string().trim().min(1).max(10_000) });

export const supplierRefundBodySchema = z.strictObject({ reason: z.string().trim().min(1).max(500) });

export const cartItemBodySchema = z.strictObject({
  productId: z.string().min(1).max(64),
  quantity: z.number().int().min(0).max(10_000),
});

export const cartSchema = z.object({
  items: z.array(
    z.object({
      productId: z.string(),
      quantity: z.number().int(),
      title: z.string().nullable(),
      supplierId: z.string().nullable(),
      shopName: z.string().nullable().describe("the supplier's shop name"),
      available: z.boolean(),
      unitPriceCents: z.number().int().nullable().describe('what checkout will charge this buyer per unit'),
      priceRule: z.string().nullable().optional().describe('which rule gave it (contracts/pricing.ts)'),
    }),
  ),
});

export const topUpBodySchema = z.strictObject({
  amountCents: z.number().int().min(100).max(5_000_000),
  paymentMethod: z.enum(['sandbox', ...CHANNEL_IDS]),
});

export const topUpResponseSchema = z.object({ payment: paymentViewSchema }).meta({ id: 'TopUp' });

export const sandboxCompleteBodySchema = z
  .strictObject({
    outcome: z.enum(['success', 'fail']).default('success'),
    duplicates: z.coerce.number().int().min(0).max(50).default(0),
    delayMs: z.coerce.number().int().min(0).max(600_000).default(0),
    dropFirst: z.coerce.number().int().min(0).max(10).default(0),
    loseFirstAck: z.coerce.boolean().default(false),
    staleAfter: z.coerce.boolean().default(false),
  })
  .default({ outcome: 'success', duplicates: 0, delayMs: 0, dropFirst: 0, loseFirstAck: false, staleAfter: false });
