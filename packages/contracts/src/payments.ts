import { z } from 'zod';
import { channelProviderSchema, sceneSchema } from './channels/registry.ts';
import { millisSchema, pageSchema } from './common.ts';

export {
  type AnyChannelDefinition,
  CHANNEL_IDS,
  CHANNEL_SCENES,
  type ChannelProviderDto,
  type ChannelUpdateBody,
  type ChannelViewDto,
  channelOf,
  channelProviderSchema,
  channelUpdateBodySchema,
  channelViewSchema,
  isChannelId,
  PAYMENT_CHANNELS,
  type SceneDto,
  sceneSchema,
} from './channels/registry.ts';
export type { ChannelDefinition, FieldKind, FieldSpec } from './channels/define.ts';

/** What the cashier page asks for: which way to pay at the channel. */
export const checkoutBodySchema = z.strictObject({ scene: sceneSchema });

export const availableMethodsSchema = z.object({
  methods: z.array(
    z.object({
      method: z.string().describe('the paymentMethod for orders and top-ups'),
      scenes: z.array(z.string()).describe('the scenes to pass to checkout (see sceneSchema)'),
    }),
  ),
});

export const refundBodySchema = z.strictObject({
  amountCents: z.number().int().positive().max(100_000_000),
  destination: z
    .enum(['original', 'wallet'])
    .default('original')
    .describe("original: back through the channel the buyer paid with; wallet: to the buyer's Kameng wallet"),
  reason: z.string().trim().min(1).max(200),
});

export const refundViewSchema = z
  .object({
    id: z.string(),
    paymentId: z.string(),
    orderId: z.string().nullable(),
    amountCents: z.number().int(),
    destination: z.enum(['wallet', 'original']),
    reason: z.string(),
    status: z.enum(['pending', 'succeeded', 'failed']),
    channelRefundNo: z.string().nullable(),
    attempts: z.number().int(),
    lastError: z.string().nullable(),
    createdAt: millisSchema,
    updatedAt: millisSchema,
  })
  .meta({ id: 'Refund' });

export const refundsPageSchema = pageSchema('RefundsPage', refundViewSchema);

export const refundListQuerySchema = z.strictObject({
  status: z.enum(['pending', 'succeeded', 'failed']).optional(),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});

export const reconciliationDifferenceSchema = z.object({
  kind: z.enum(['missing_ours', 'missing_theirs', 'amount_mismatch', 'status_mismatch']),
  paymentId: z.string(),
  refundId: z.string().nullable().describe('set when the difference is about a refund'),
  tradeNo: z.string().nullable(),
  oursCents: z.number().int().nullable(),
  theirsCents: z.number().int().nullable(),
  repaired: z.boolean(),
  note: z.string(),
});

export const reconciliationReportSchema = z
  .object({
    id: z.string(),
    provider: z.string(),
    day: z.string(),
    matched: z.number().int(),
    missingOurs: z.number().int(),
    missingTheirs: z.number().int(),
    amountMismatches: z.number().int(),
    repaired: z.number().int(),
    differences: z.array(reconciliationDifferenceSchema),
    createdBy: z.string().nullable(),
    createdAt: millisSchema,
  })
  .meta({ id: 'ReconciliationReport' });

export const reconciliationReportsPageSchema = pageSchema('ReconciliationReportsPage', reconciliationReportSchema);

export const reconciliationRunBodySchema = z.strictObject({
  day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD'),
  provider: channelProviderSchema.optional(),
});

export const reconciliationListQuerySchema = z.strictObject({
  day: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional(),
  provider: channelProviderSchema.optional(),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});

export const operatorPaymentSchema = z.object({
  id: z.string(),
  method: z.string(),
  status: z.enum(['pending', 'paid', 'failed', 'closed']),
  amountCents: z.number().int(),
  expiresAt: millisSchema.optional(),
  scene: z.string().nullable().optional(),
  payUrl: z.string().optional(),
  qrCode: z.string().optional(),
  purpose: z.enum(['order', 'top_up', 'level_upgrade', 'agent_opening']),
  orderId: z.string().nullable(),
  userId: z.string().nullable(),
  providerTradeId: z.string().nullable(),
  feeBps: z.number().int(),
  paidAt: millisSchema.nullable(),
  createdAt: millisSchema,
  queryAttempts: z.number().int(),
  nextQueryAt: millisSchema.nullable(),
  providerClosedAt: millisSchema.nullable(),
  notifications: z
    .array(z.object({ outcome: z.string(), detail: z.string().nullable(), receivedAt: millisSchema }))
    .describe('newest first: every notification about this payment, accepted or refused, and why'),
  refunds: z.array(refundViewSchema),
});
