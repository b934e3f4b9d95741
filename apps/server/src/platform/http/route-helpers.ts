import { errorBodySchema } from '@kameng/contracts';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';

/** Who sent a request, for audit records and rate limits. */
export interface RequestMeta {
  ip: string;
  userAgent?: string | undefined;
}

type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 503;

/** The error responses a route can give, for its OpenAPI entry. 400 and 429 apply to every API route. */
export function errorResponses(...statuses: ErrorStatus[]): Record<number, typeof errorBodySchema> {
  const out: Record<number, typeof errorBodySchema> = { 400: errorBodySchema, 429: errorBodySchema };
  for (const s of statuses) out[s] = errorBodySchema;
  return out;
}

export function metaOf(req: FastifyRequest): RequestMeta {
  const ua = req.headers['user-agent'];
  return { ip: req.ip, userAgent: typeof ua === 'string' ? ua : undefined };
}

/** The optional `Idempotency-Key` header of a route that creates something (platform/idempotency.ts). */
export const idempotencyHeaders = z.object({
  'idempotency-key': z
    .string()
    .min(1)
    .max(128)
    .optional()
    .describe('same key + same body → the same result (200); same key + another body → 422 IDEMPOTENCY_MISMATCH'),
});
