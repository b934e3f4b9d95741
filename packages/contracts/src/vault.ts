import { z } from 'zod';
import { millisSchema, pageSchema } from './common.ts';

export const cardKeyStatusSchema = z.enum(['available', 'reserved', 'sold', 'void']);

/** `POST /supplier/products/:id/card-keys` answered in the request: the counts of this import. */
export const importResultSchema = z
  .object({
    imported: z.number().int().describe('new keys stored'),
    duplicates: z.number().int().describe('keys already held for the product, or repeated in this import'),
    rejected: z.number().int().describe('lines that are no key (too long, control characters)'),
  })
  .meta({ id: 'ImportResult' });
export type ImportResultDto = z.infer<typeof importResultSchema>;

/** A large upload or a code generation runs as a job: poll `GET /supplier/imports/:jobId`. */
export const importQueuedSchema = z
  .object({
    jobId: z.string(),
    status: z.literal('queued'),
    total: z.number().int().describe('lines in the upload, or codes to generate'),
  })
  .meta({ id: 'ImportQueued' });
export type ImportQueuedDto = z.infer<typeof importQueuedSchema>;

export const importJobSchema = z
  .object({
    id: z.string(),
    productId: z.string(),
    kind: z.enum(['upload', 'generate']),
    status: z.enum(['queued', 'running', 'done', 'failed']),
    total: z.number().int(),
    processed: z.number().int().describe('lines read (upload) or codes made (generate) so far'),
    imported: z.number().int(),
    duplicates: z.number().int(),
    rejected: z.number().int(),
    error: z.string().nullable(),
    createdAt: millisSchema,
    finishedAt: millisSchema.nullable(),
  })
  .meta({ id: 'ImportJob' });

export const importJobsPageSchema = pageSchema('ImportJobsPage', importJobSchema);
export type ImportJobDto = z.infer<typeof importJobSchema>;

export const codeFormatSchema = z.strictObject({
  prefix: z
    .string()
    .max(16)
    .regex(/^[A-Za-z0-9-]*$/, 'letters, digits and dashes only')
    .optional(),
  length: z.number().int().min(6).max(64).describe('random characters, not counting prefix and dashes'),
  alphabet: z.enum(['digits', 'upper', 'alnum']),
  groupSize: z.number().int().min(2).max(16).optional().describe('a dash every N random characters'),
});
export type CodeFormatDto = z.infer<typeof codeFormatSchema>;

export const generateKeysBodySchema = z.strictObject({
  count: z.number().int().min(1).max(1_000_000),
  format: codeFormatSchema,
});
export type GenerateKeysBodyDto = z.infer<typeof generateKeysBodySchema>;

export const cardKeyItemSchema = z.object({
  id: z.string(),
  batchId: z.string(),
  masked: z.string(),
  status: cardKeyStatusSchema,
  orderId: z.string().nullable(),
  createdAt: millisSchema,
  reservedAt: millisSchema.nullable(),
  soldAt: millisSchema.nullable(),
});
export type CardKeyItemDto = z.infer<typeof cardKeyItemSchema>;

export const cardKeyListSchema = z.object({ total: z.number().int(), items: z.array(cardKeyItemSchema) });

export const noticeSchema = z
  .object({
    id: z.string(),
    kind: z.string(),
    title: z.string(),
    body: z.string(),
    link: z.string().nullable(),
    read: z.boolean(),
    createdAt: millisSchema,
  })
  .meta({ id: 'Notice' });
export type NoticeDto = z.infer<typeof noticeSchema>;

export const noticeListSchema = z.object({
  total: z.number().int(),
  unread: z.number().int(),
  items: z.array(noticeSchema),
});
export type NoticeListDto = z.infer<typeof noticeListSchema>;
