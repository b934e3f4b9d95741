import { z } from 'zod';
import { orderListQuerySchema } from './orders.ts';

/** An export run as a job: a large list written to a file in the background, with progress and a download link. */
export const exportJobStatusSchema = z
  .enum(['queued', 'running', 'done', 'failed', 'expired'])
  .describe('queued → running → done (the file can be downloaded until expiresAt) | failed; done → expired');

export const exportJobSchema = z
  .object({
    id: z.string(),
    kind: z.enum(['orders']).describe('what is exported: orders = every order on the platform (operators)'),
    format: z.enum(['csv', 'xlsx']),
    status: exportJobStatusSchema,
    rowsDone: z.number().int().describe('rows written so far'),
    rowsTotal: z.number().int().nullable().describe('rows the filters matched when the job started; null before'),
    fileBytes: z.number().int().nullable(),
    createdAt: z.number().int(),
    finishedAt: z.number().int().nullable(),
    expiresAt: z.number().int().nullable().describe('after this the file is deleted and the link answers 404'),
    downloadUrl: z.string().nullable().describe('while done and not expired: GET it signed in as the requester'),
  })
  .meta({ id: 'ExportJob' });
export type ExportJob = z.infer<typeof exportJobSchema>;

export const exportJobListSchema = z.object({ items: z.array(exportJobSchema) }).meta({ id: 'ExportJobList' });

/** Starting an orders export job: the format and the order list's filters (as its export takes them). */
export const orderExportJobBodySchema = orderListQuerySchema
  .omit({ page: true, pageSize: true })
  .extend({
    format: z.enum(['csv', 'xlsx']).default('csv'),
    q: z.string().trim().max(254).optional(),
    needsAttention: z.boolean().optional(),
  })
  .strict();
export type OrderExportJobBody = z.infer<typeof orderExportJobBodySchema>;
