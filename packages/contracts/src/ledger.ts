import { z } from 'zod';
import { millisSchema, pageQuerySchema, pageSchema } from './common.ts';

const text = (max: number) => z.string().trim().min(1).max(max);

/** Integer fen, strictly positive, well inside Number's exact range. */
export const positiveCentsSchema = z.number().int().min(1).max(1_000_000_000_000);

// ─── wallet and postings ───

export const walletSchema = z.object({ balanceCents: z.number().int() }).meta({ id: 'Wallet' });

export const postingSchema = z
  .object({
    id: z.string(),
    entryId: z.string(),
    accountId: z.string(),
    kind: z.string().describe('what the journal entry was: top_up, sale_hold, hold_settle, withdrawal_request …'),
    refType: z.string().nullable(),
    refId: z.string().nullable(),
    memo: z.string().nullable(),
    amountCents: z.number().int().describe('signed: negative when money left the account'),
    createdAt: millisSchema,
  })
  .meta({ id: 'Posting' });
export type PostingDto = z.infer<typeof postingSchema>;

export const postingsQuerySchema = pageQuerySchema.extend({
  from: z.coerce.number().int().min(0).optional().describe('epoch ms, inclusive'),
  to: z.coerce.number().int().min(0).optional().describe('epoch ms, exclusive'),
  kind: z.string().trim().min(1).max(64).optional(),
});

export const postingsPageSchema = pageSchema('PostingsPage', postingSchema);

export const supplierPostingsQuerySchema = postingsQuerySchema.extend({
  account: z.enum(['held', 'available', 'withdrawing']).optional(),
});

export const supplierBalanceSchema = z
  .object({
    heldCents: z.number().int().describe('in escrow: sold, not yet settled (includes frozenCents)'),
    frozenCents: z.number().int().describe('the part of heldCents frozen by disputes'),
    availableCents: z.number().int().describe('may be withdrawn'),
    withdrawingCents: z.number().int().describe('requested withdrawals not yet paid out'),
  })
  .meta({ id: 'SupplierBalance' });

// ─── payout accounts ───

const alipayAccountSchema = z
  .string()
  .trim()
  .max(100)
  .refine((s) => /^1[3-9]\d{9}$/.test(s) || /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(s), {
    message: 'an Alipay account is a mainland mobile number or an email address',
  });

const bankCardSchema = z
  .string()
  .transform((s) => s.replace(/[\s-]/g, ''))
  .pipe(z.string().regex(/^\d{12,19}$/, 'a bank card number has 12 to 19 digits'));

export const createPayoutAccountBodySchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('alipay'), holderName: text(64), account: alipayAccountSchema }),
  z.strictObject({ kind: z.literal('bank'), holderName: text(64), bankName: text(64), account: bankCardSchema }),
]);
export type CreatePayoutAccountBody = z.infer<typeof createPayoutAccountBodySchema>;

export const payoutAccountSchema = z
  .object({
    id: z.string(),
    kind: z.enum(['alipay', 'bank']),
    holderName: z.string(),
    bankName: z.string().nullable(),
    accountMasked: z.string().describe('only the last four characters are ever shown'),
    createdAt: millisSchema,
  })
  .meta({ id: 'PayoutAccount' });
export type PayoutAccountDto = z.infer<typeof payoutAccountSchema>;

export const revealedPayoutAccountSchema = payoutAccountSchema.extend({ account: z.string() });

// ─── withdrawals ───

export const withdrawalStatusSchema = z.enum(['pending', 'approved', 'paid', 'rejected', 'failed']);

export const requestWithdrawalBodySchema = z.strictObject({
  amountCents: positiveCentsSchema,
  payoutAccountId: z.string().min(1).max(64),
});

export const withdrawalSchema = z
  .object({
    id: z.string(),
    supplierId: z.string(),
    shopName: z.string().nullable().optional().describe("operators' list: the supplier's shop name"),
    amountCents: z.number().int(),
    status: withdrawalStatusSchema,
    payoutAccount: payoutAccountSchema,
    requiredApprovals: z.number().int().describe('2 above the second-approval threshold'),
    approvals: z.array(z.object({ operatorId: z.string(), at: millisSchema })),
    reason: z.string().nullable(),
    payoutRef: z.string().nullable(),
    createdAt: millisSchema,
    approvedAt: millisSchema.nullable(),
    paidAt: millisSchema.nullable(),
    rejectedAt: millisSchema.nullable(),
    failedAt: millisSchema.nullable(),
  })
  .meta({ id: 'Withdrawal' });
export type WithdrawalDto = z.infer<typeof withdrawalSchema>;

export const withdrawalsQuerySchema = pageQuerySchema.extend({ status: withdrawalStatusSchema.optional() });
export const adminWithdrawalsQuerySchema = withdrawalsQuerySchema.extend({
  supplierId: z.string().min(1).max(64).optional(),
  shop: z.string().trim().min(1).max(64).optional().describe("part of the supplier's shop name"),
});
export const withdrawalsPageSchema = pageSchema('WithdrawalsPage', withdrawalSchema);

export const markPaidBodySchema = z.strictObject({
  payoutRef: text(128).optional().describe("the bank's or Alipay's transfer reference"),
});
export const withdrawalReasonBodySchema = z.strictObject({ reason: text(500) });

// ─── commission ───

export const commissionScopeSchema = z.enum(['platform', 'category', 'supplier']);

export const setCommissionRateBodySchema = z
  .strictObject({
    scope: commissionScopeSchema,
    scopeId: z.string().trim().min(1).max(64).optional(),
    rateBps: z.number().int().min(0).max(5000).describe('basis points: 500 = 5%'),
  })
  .refine((b) => (b.scope === 'platform') === (b.scopeId === undefined), {
    message: 'scopeId names the category or supplier, and is left out for the platform rate',
    path: ['scopeId'],
  });

export const commissionRateSchema = z
  .object({
    scope: commissionScopeSchema,
    scopeId: z.string().nullable(),
    rateBps: z.number().int(),
    updatedBy: z.string().nullable(),
    updatedAt: millisSchema,
  })
  .meta({ id: 'CommissionRate' });

export const commissionRatesSchema = z.object({
  defaultRateBps: z.number().int().describe('the platform rate when none is set'),
  items: z.array(commissionRateSchema),
});

// ─── operator views ───

export const trialBalanceSchema = z
  .object({
    balanced: z.boolean().describe('postings sum to zero, balances sum to zero, every balance equals its postings'),
    totalPostingsCents: z.number().int(),
    debitsCents: z.number().int().describe('sum of every negative posting, as a positive number'),
    creditsCents: z.number().int().describe('sum of every positive posting'),
    totalBalancesCents: z.number().int(),
    accountsChecked: z.number().int(),
    entriesChecked: z.number().int(),
    mismatches: z.array(
      z.object({ accountId: z.string(), balanceCents: z.number().int(), postingsCents: z.number().int() }),
    ),
    unbalancedEntries: z.array(z.object({ entryId: z.string(), sumCents: z.number().int() })),
    negativeAccounts: z
      .array(z.object({ accountId: z.string(), balanceCents: z.number().int() }))
      .describe('wallet or supplier accounts below zero; always empty'),
    checkedAt: millisSchema,
  })
  .meta({ id: 'TrialBalance' });
export type TrialBalanceDto = z.infer<typeof trialBalanceSchema>;

export const ledgerAccountSchema = z
  .object({
    id: z.string(),
    kind: z.string(),
    ownerId: z.string().nullable(),
    mayGoNegative: z.boolean(),
    balanceCents: z.number().int(),
    createdAt: millisSchema,
  })
  .meta({ id: 'LedgerAccount' });

export const accountPostingsSchema = postingsPageSchema.extend({ account: ledgerAccountSchema });

export const dailySummaryQuerySchema = z.strictObject({
  date: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD')
    .refine(
      (s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s),
      {
        message: 'not a calendar date',
      },
    )
    .describe('a day in China Standard Time (UTC+8)'),
});

export const dailySummarySchema = z
  .object({
    date: z.string(),
    from: millisSchema,
    to: millisSchema,
    entries: z.number().int(),
    commissionCents: z.number().int().describe('net platform commission booked that day (sales minus refunds)'),
    heldCents: z.number().int().describe('money put into escrow that day'),
    settledCents: z.number().int().describe('escrow released to suppliers that day'),
    refundedFromEscrowCents: z.number().int().describe('escrow returned to buyers that day'),
    withdrawalsRequestedCents: z.number().int(),
    withdrawnCents: z.number().int().describe('paid out to suppliers that day'),
    topUpsCents: z.number().int(),
    closing: z.object({
      heldCents: z.number().int(),
      availableCents: z.number().int(),
      withdrawingCents: z.number().int(),
      walletsCents: z.number().int(),
      commissionCents: z.number().int(),
    }),
  })
  .meta({ id: 'LedgerDailySummary' });
