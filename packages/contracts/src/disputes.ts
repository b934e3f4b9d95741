import { z } from 'zod';
import { millisSchema, pageQuerySchema } from './common.ts';

/** After-sales cases: buyer → supplier → platform arbitration (issue #13). */

export const disputeReasonSchema = z.enum(['invalid_key', 'wrong_item', 'not_received', 'other']);
export const disputeStatusSchema = z.enum([
  'open',
  'supplier_answered',
  'escalated',
  'resolved_refund',
  'resolved_replace',
  'rejected',
  'closed',
]);
export const disputeLevelSchema = z.enum(['supplier', 'platform']);
export const disputeActionSchema = z.enum(['refund', 'replace', 'reject']);
export const disputeActorSchema = z.enum(['buyer', 'supplier', 'platform', 'system']);

export type DisputeReason = z.infer<typeof disputeReasonSchema>;
export type DisputeStatus = z.infer<typeof disputeStatusSchema>;
export type DisputeLevel = z.infer<typeof disputeLevelSchema>;
export type DisputeAction = z.infer<typeof disputeActionSchema>;
export type DisputeActor = z.infer<typeof disputeActorSchema>;

const messageText = z.string().trim().min(1).max(4000);
const positiveCents = z.number().int().positive().max(1_000_000_000);

export const openDisputeBodySchema = z.strictObject({
  reason: disputeReasonSchema,
  message: messageText,
  /** positions in the order's delivered keys (as the order page lists them) the claim is about */
  cardKeyIndexes: z.array(z.number().int().min(0).max(9999)).min(1).max(500).optional(),
  /** which item of the order; may be left out when the order has one item or the keys name it */
  orderItemId: z.string().min(1).max(64).optional(),
});

export const disputeAnswerBodySchema = z.strictObject({
  action: disputeActionSchema,
  /** refund: the amount in fen; left out, the claimed keys' price (or the whole item when none were named) */
  amountCents: positiveCents.optional(),
  message: messageText,
});

export const disputeEscalateBodySchema = z.strictObject({ message: messageText });
export const disputeMessageBodySchema = z.strictObject({ message: messageText });

export const disputeRuleBodySchema = z.strictObject({
  action: disputeActionSchema,
  amountCents: positiveCents.optional(),
  ruling: messageText,
  /** where a refund goes: the buyer's wallet (default) or back through the channel the buyer paid with */
  refundTo: z.enum(['wallet', 'original']).optional(),
});

export const openDisputeResponseSchema = z.object({ id: z.string(), status: disputeStatusSchema });

export const disputeMessageSchema = z.object({
  id: z.string(),
  actor: disputeActorSchema,
  actorId: z.string().nullable(),
  kind: z.string(),
  action: disputeActionSchema.nullable(),
  amountCents: z.number().int().nullable(),
  body: z.string(),
  evidenceId: z.string().nullable(),
  createdAt: millisSchema,
});

export const disputeEvidenceSchema = z.object({
  id: z.string(),
  actor: disputeActorSchema,
  contentType: z.string(),
  bytes: z.number().int(),
  url: z.string(),
  createdAt: millisSchema,
});

export const disputeSchema = z
  .object({
    id: z.string(),
    orderId: z.string(),
    orderItemId: z.string(),
    itemTitle: z.string(),
    buyerId: z.string(),
    supplierId: z.string(),
    reason: disputeReasonSchema,
    status: disputeStatusSchema,
    level: disputeLevelSchema,
    /** when the party whose turn it is must act; null once the case is over */
    deadlineAt: millisSchema.nullable(),
    cardKeyIndexes: z.array(z.number().int()),
    /** what the buyer paid for the item */
    paidCents: z.number().int(),
    refundedCents: z.number().int(),
    replacedKeys: z.number().int(),
    answer: z.object({ action: disputeActionSchema, amountCents: z.number().int().nullable() }).nullable(),
    ruling: z.object({ action: disputeActionSchema, amountCents: z.number().int().nullable() }).nullable(),
    messages: z.array(disputeMessageSchema),
    evidence: z.array(disputeEvidenceSchema),
    createdAt: millisSchema,
    updatedAt: millisSchema,
    resolvedAt: millisSchema.nullable(),
  })
  .meta({ id: 'Dispute' });

export const disputeSummarySchema = disputeSchema.omit({ messages: true, evidence: true });

export const disputeListQuerySchema = pageQuerySchema.extend({
  status: disputeStatusSchema.optional(),
  level: disputeLevelSchema.optional(),
});

export const disputeListSchema = z.object({ items: z.array(disputeSummarySchema), total: z.number().int() });

export type DisputeDto = z.infer<typeof disputeSchema>;
export type DisputeSummaryDto = z.infer<typeof disputeSummarySchema>;

/** A bad-faith score (0–100) with the reasons behind it, shown to staff. */
export const badFaithScoreSchema = z.object({ score: z.number().int(), reasons: z.array(z.string()) });

export const standingSchema = z.object({
  userId: z.string(),
  side: z.enum(['buyer', 'supplier']),
  action: z.enum(['fast_track', 'warned', 'settlement_delayed', 'suspended']),
  score: z.number().int(),
  reasons: z.array(z.string()),
  setAt: millisSchema,
  liftedAt: millisSchema.nullable(),
  liftedBy: z.string().nullable(),
});

export const keyHistorySchema = z.object({
  keyId: z.string(),
  masked: z.string(),
  status: z.string(),
  claimed: z.boolean(),
  batchId: z.string(),
  batchSource: z.string(),
  importedAt: millisSchema,
  soldAt: millisSchema.nullable(),
  revealedAt: millisSchema.nullable(),
  soldElsewhere: z.number().int(),
  /** of those, sold before this sale: a used key sold again */
  soldElsewhereBefore: z.number().int(),
});

/** What the arbitrator weighs: the keys' history, the supplier's key record, both sides' scores. */
export const disputeDossierSchema = z.object({
  keys: z.array(keyHistorySchema),
  supplierKeys: z.object({
    soldKeys: z.number().int(),
    voidedUnsold: z.number().int(),
    replacedAfterSale: z.number().int(),
  }),
  buyer: badFaithScoreSchema,
  supplier: badFaithScoreSchema,
  standings: z.array(standingSchema),
});

export const userScoresSchema = z.object({
  buyer: badFaithScoreSchema,
  supplier: badFaithScoreSchema,
  standings: z.array(standingSchema),
});

export type BadFaithScore = z.infer<typeof badFaithScoreSchema>;
export type StandingDto = z.infer<typeof standingSchema>;

export const keyReturnBodySchema = z.strictObject({
  /** how many of the order's never-shown keys to give back; left out, all of them */
  quantity: z.number().int().min(1).max(500).optional(),
});

export const keyReturnSchema = z.object({
  id: z.string(),
  orderId: z.string(),
  keys: z.number().int(),
  refundedCents: z.number().int(),
  status: z.enum(['pending', 'restocked', 'discarded']),
  createdAt: millisSchema,
  decidedAt: millisSchema.nullable(),
});

const rateRowSchema = z.object({
  /** a supplier's user id or a category id */
  id: z.string(),
  orders: z.number().int(),
  cases: z.number().int(),
  lost: z.number().int(),
  /** cases per delivered order, in basis points (10 000 = one case per order) */
  rateBps: z.number().int(),
});

export const disputeRatesSchema = z.object({
  days: z.number().int(),
  suppliers: z.array(rateRowSchema),
  categories: z.array(rateRowSchema),
});

export const disputeRatesQuerySchema = z.strictObject({
  days: z.coerce.number().int().min(1).max(365).default(30),
});
