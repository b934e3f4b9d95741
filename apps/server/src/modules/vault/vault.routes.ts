import type { FastifyPluginAsyncZod, ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../platform/deps.ts';
import { requireAuth } from '../../platform/http/auth.ts';
import { AppError } from '../../platform/http/errors.ts';
import { errorResponses } from '../../platform/http/route-helpers.ts';
import * as vault from './vault.service.ts';

const MAX_LINES = 100_000;
const idParams = z.strictObject({ id: z.string().min(1).max(64) });
const importResult = z.object({ imported: z.number().int(), duplicates: z.number().int(), rejected: z.number().int() });

export function vaultRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    await app.register(async (scope) => {
      const r = scope.withTypeProvider<ZodTypeProvider>();
      r.addContentTypeParser('text/plain', { parseAs: 'string', bodyLimit: 16 * 1024 * 1024 }, (_req, body, done) =>
        done(null, body),
      );
      r.post(
        '/supplier/products/:id/card-keys',
        {
          schema: {
            tags: ['vault'],
            summary: 'Import card keys: text/plain one per line (card,password pairs allowed) or JSON {keys}',
            params: idParams,
            body: z.union([
              z.string().max(16 * 1024 * 1024),
              z.strictObject({ keys: z.array(z.string().max(4096)).min(1).max(MAX_LINES) }),
            ]),
            response: { 200: importResult, ...errorResponses(401, 403, 404, 413, 422) },
          },
          bodyLimit: 16 * 1024 * 1024,
          config: { auth: ['supplier'] },
        },
        async (req) => {
          const lines = typeof req.body === 'string' ? req.body.split(/\r?\n/) : req.body.keys;
          if (lines.length > MAX_LINES + 1)
            throw new AppError('PAYLOAD_TOO_LARGE', `At most ${MAX_LINES} keys per import`);
          const source = typeof req.body === 'string' ? 'text' : 'json';
          return vault.importKeys(deps, requireAuth(req), req.params.id, lines, source, req.ip);
        },
      );
    });

    app.get(
      '/supplier/products/:id/card-keys',
      {
        schema: {
          tags: ['vault'],
          summary: "A product's keys, masked",
          params: idParams,
          querystring: z.strictObject({
            status: z.enum(['available', 'reserved', 'sold', 'void']).optional(),
            page: z.coerce.number().int().min(1).default(1),
            pageSize: z.coerce.number().int().min(1).max(200).default(50),
          }),
          response: {
            200: z.object({
              total: z.number(),
              items: z.array(
                z.object({
                  id: z.string(),
                  masked: z.string(),
                  status: z.string(),
                  orderId: z.string().nullable(),
                  createdAt: z.number(),
                  soldAt: z.number().nullable(),
                }),
              ),
            }),
            ...errorResponses(401, 403, 404),
          },
        },
        config: { auth: ['supplier'] },
      },
      async (req) => vault.listProductKeys(deps, requireAuth(req), req.params.id, req.query),
    );

    app.post(
      '/supplier/card-keys/:id/reveal',
      {
        schema: {
          tags: ['vault'],
          summary: 'Show one key in full (audited)',
          params: idParams,
          response: { 200: z.object({ id: z.string(), secret: z.string() }), ...errorResponses(401, 403, 404) },
        },
        config: { auth: ['supplier'], rateLimit: { max: 60, windowMs: 60_000, by: 'user' } },
      },
      async (req) => vault.revealKey(deps, requireAuth(req), req.params.id, req.ip),
    );

    app.post(
      '/supplier/products/:id/card-keys/void',
      {
        schema: {
          tags: ['vault'],
          summary: 'Void unsold keys',
          params: idParams,
          body: z.strictObject({ ids: z.array(z.string().max(64)).min(1).max(10_000) }),
          response: { 200: z.object({ voided: z.number() }), ...errorResponses(401, 403, 404) },
        },
        config: { auth: ['supplier'] },
      },
      async (req) => vault.voidUnsold(deps, requireAuth(req), req.params.id, req.body.ids, req.ip),
    );
  };
}
