import { z } from 'zod';

const text = (max: number) => z.string().trim().min(1).max(max);

/** The documents a supplier proves his right to sell with (资质): a business licence, a brand's authorisation letter … */
export const QUALIFICATION_TYPES = [
  'business_licence',
  'authorisation_letter',
  'publishing_licence',
  'icp_licence',
] as const;
export const qualificationTypeSchema = z.enum(QUALIFICATION_TYPES);
export type QualificationType = z.infer<typeof qualificationTypeSchema>;

export const qualificationStatusSchema = z.enum(['awaiting_document', 'pending', 'approved', 'rejected', 'expired']);

export const createQualificationBodySchema = z.strictObject({
  type: qualificationTypeSchema,
  /** the person or company the document names (实名): stored encrypted */
  holderName: text(100),
  /** 身份证号 or 统一社会信用代码: stored encrypted, shown masked */
  idNumber: z
    .string()
    .trim()
    .regex(/^[0-9A-Za-z]{6,32}$/, 'letters and digits only'),
  expiresAt: z.number().int().positive().describe('epoch ms; the qualification lapses then'),
  note: z.string().trim().max(500).optional(),
});
export type CreateQualificationBody = z.infer<typeof createQualificationBodySchema>;

export const qualificationSchema = z
  .object({
    id: z.string(),
    supplierId: z.string(),
    type: qualificationTypeSchema,
    holderNameMasked: z.string(),
    idNumberMasked: z.string(),
    expiresAt: z.number().int(),
    status: qualificationStatusSchema,
    reason: z.string().nullable().describe('why an operator rejected it'),
    note: z.string().nullable(),
    document: z
      .object({ contentType: z.string(), bytes: z.number().int(), fileName: z.string() })
      .nullable()
      .describe('the uploaded file: only operators can open it'),
    reviewedBy: z.string().nullable(),
    reviewedAt: z.number().int().nullable(),
    createdAt: z.number().int(),
  })
  .meta({ id: 'Qualification' });
export type QualificationDto = z.infer<typeof qualificationSchema>;

export const qualificationListSchema = z.object({ items: z.array(qualificationSchema), total: z.number().int() });

export const qualificationRevealSchema = z.object({ holderName: z.string(), idNumber: z.string() });

export const categoryRequirementSchema = z.object({
  categoryId: z.string(),
  categoryName: z.string(),
  qualificationType: qualificationTypeSchema,
});
export const categoryRequirementsSchema = z.object({ items: z.array(categoryRequirementSchema) });
export const setCategoryRequirementBodySchema = z.strictObject({
  qualificationType: qualificationTypeSchema.nullable(),
});

/** A class of forbidden goods (盗版软件, 游戏外挂 …) and the words that give a listing away as one. */
export const bannedGoodsClassSchema = z.object({ name: text(50), keywords: z.array(text(50)).min(1).max(200) });
export const bannedGoodsSchema = z.object({ classes: z.array(bannedGoodsClassSchema) });
export const setBannedGoodsBodySchema = z.strictObject({
  classes: z.array(z.strictObject({ name: text(50), keywords: z.array(text(50)).min(1).max(200) })).max(100),
});
export type BannedGoodsClass = z.infer<typeof bannedGoodsClassSchema>;

export const takedownBodySchema = z.strictObject({ reason: text(500) });

export const traceQuerySchema = z.strictObject({ format: z.enum(['json', 'csv']).default('json') });
