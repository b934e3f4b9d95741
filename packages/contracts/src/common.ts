import { z } from 'zod';
import { ERROR_CODES } from './errors.ts';

export const errorCodeSchema = z
  .enum(ERROR_CODES)
  .describe('Stable machine-readable error code from one closed list, e.g. VALIDATION_FAILED');

export const errorBodySchema = z
  .object({
    error: z.object({
      code: errorCodeSchema,
      message: z.string(),
      details: z.unknown(),
    }),
  })
  .meta({ id: 'Error' });

export type ErrorBodyDto = z.infer<typeof errorBodySchema>;

/** A page of a list: its items and how many there are in all, named `id` in the OpenAPI description. */
export function pageSchema<T extends z.ZodType>(id: string, item: T) {
  return z.object({ items: z.array(item), total: z.number().int() }).meta({ id });
}

export const okSchema = z.object({ ok: z.literal(true) });

/** Epoch milliseconds. */
export const millisSchema = z.number().int();

export const pageQuerySchema = z.strictObject({
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});
