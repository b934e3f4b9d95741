import { z } from 'zod';
import { millisSchema, pageQuerySchema } from './common.ts';

/** A job that used up its attempts: what an operator sees before retrying or discarding it. */
export const deadJobSchema = z
  .object({
    id: z.string(),
    type: z.string(),
    attempts: z.number().int(),
    maxAttempts: z.number().int(),
    lastError: z.string().nullable(),
    createdAt: millisSchema,
    diedAt: millisSchema,
  })
  .meta({ id: 'DeadJob' });
export type DeadJobDto = z.infer<typeof deadJobSchema>;

export const deadJobsQuerySchema = pageQuerySchema.extend({
  type: z.string().trim().min(1).max(64).optional(),
});
export type DeadJobsQuery = z.infer<typeof deadJobsQuerySchema>;

export const deadJobPageSchema = z
  .object({
    items: z.array(deadJobSchema),
    total: z.number().int(),
    /** every kind that has dead jobs, with how many */
    types: z.array(z.object({ type: z.string(), count: z.number().int() })),
  })
  .meta({ id: 'DeadJobPage' });
export type DeadJobPageDto = z.infer<typeof deadJobPageSchema>;
