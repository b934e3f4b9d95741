import {
  cardKeyListSchema,
  cardKeyStatusSchema,
  generateKeysBodySchema,
  importJobSchema,
  importJobsPageSchema,
  importQueuedSchema,
  importResultSchema,
  pageQuerySchema,
} from '@kameng/contracts';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod, ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../platform/deps.ts';
import { requireAuth } from '../../platform/http/auth.ts';
import { AppError } from '../../platform/http/errors.ts';
import { exportFileSchema, exportFormatSchema, sendExport } from '../../platform/http/export.ts';
import { errorResponses } from '../../platform/http/route-helpers.ts';
import * as vault from './vault.service.ts';
import { multipartBoundary } from './vault.upload.ts';

const MAX_JSON_KEYS = 100_000;
const idParams = z.strictObject({ id: z.string().min(1).max(64) });

/** Streamed bodies: the parser hands the raw request on untouched and the handler reads it as it arrives. */
const streams = new WeakMap<FastifyRequest, AsyncIterable<Buffer>>();

export function vaultRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    await app.register(async (scope) => {
      const r = scope.withTypeProvider<ZodTypeProvider>();
      r.removeContentTypeParser('text/plain');
      r.addContentTypeParser(['text/plain', 'text/csv', 'multipart/form-data'], (req, payload, done) => {
        streams.set(req, payload as AsyncIterable<Buffer>);
        done(null, undefined);
      });
      r.post(
        '/supplier/products/:id/card-keys',
        {
          schema: {
            tags: ['vault'],
            summary: 'Import card keys',
            description:
              'One key per line (`card,password` pairs become one key). Send JSON `{keys: [...]}` (up to 100,000), ' +
              'a `text/plain` or `text/csv` body, or a `multipart/form-data` file field, up to 128 MiB. ' +
              `Up to ${vault.SYNC_MAX_LINES} lines are imported at once (200); a larger upload is queued (202) ` +
              'and its progress read at GET /supplier/imports/{jobId}.',
            params: idParams,
            body: z.strictObject({ keys: z.array(z.string().max(4096)).min(1).max(MAX_JSON_KEYS) }).nullish(),
            response: {
              200: importResultSchema,
              202: importQueuedSchema,
              ...errorResponses(400, 401, 403, 404, 413, 415, 422),
            },
          },
          bodyLimit: 16 * 1024 * 1024,
          config: { auth: ['supplier'], rateLimit: { max: 60, windowMs: 60_000, by: 'user' } },
        },
        async (req, reply) => {
          const body = importBody(req, req.body);
          const out = await vault.importKeys(deps, requireAuth(req), req.params.id, body, req.ip);
          if (out.mode === 'queued') {
            return reply.code(202).send({ jobId: out.jobId, status: 'queued' as const, total: out.total });
          }
          return { imported: out.imported, duplicates: out.duplicates, rejected: out.rejected };
        },
      );
    });

    app.post(
      '/supplier/products/:id/card-keys/generate',
      {
        schema: {
          tags: ['vault'],
          summary: 'Generate unique one-time codes (一次一密) for a product; runs as a job',
          params: idParams,
          body: generateKeysBodySchema,
          response: { 202: importQueuedSchema, ...errorResponses(400, 401, 403, 404, 422) },
        },
        config: { auth: ['supplier'], rateLimit: { max: 30, windowMs: 60_000, by: 'user' } },
      },
      async (req, reply) => {
        const out = await vault.generateKeys(deps, requireAuth(req), req.params.id, req.body, req.ip);
        return reply.code(202).send({ jobId: out.jobId, status: 'queued' as const, total: out.total });
      },
    );

    app.get(
      '/supplier/imports/:jobId',
      {
        schema: {
          tags: ['vault'],
          summary: "An import's progress and result",
          params: z.strictObject({ jobId: z.string().min(1).max(64) }),
          response: { 200: importJobSchema, ...errorResponses(401, 403, 404) },
        },
        config: { auth: ['supplier'] },
      },
      async (req) => vault.getImport(deps, requireAuth(req), req.params.jobId),
    );

    app.get(
      '/supplier/imports',
      {
        schema: {
          tags: ['vault'],
          summary: "The supplier's imports, newest first",
          querystring: pageQuerySchema.extend({ productId: z.string().max(64).optional() }),
          response: {
            200: importJobsPageSchema,
            ...errorResponses(401, 403),
          },
        },
        config: { auth: ['supplier'] },
      },
      async (req) => vault.listImports(deps, requireAuth(req), req.query),
    );

    app.get(
      '/supplier/products/:id/card-keys',
      {
        schema: {
          tags: ['vault'],
          summary: "A product's keys, masked",
          params: idParams,
          querystring: z.strictObject({
            status: cardKeyStatusSchema.optional(),
            page: z.coerce.number().int().min(1).default(1),
            pageSize: z.coerce.number().int().min(1).max(200).default(50),
          }),
          response: {
            200: cardKeyListSchema,
            ...errorResponses(401, 403, 404),
          },
        },
        config: { auth: ['supplier'] },
      },
      async (req) => vault.listProductKeys(deps, requireAuth(req), req.params.id, req.query),
    );

    app.get(
      '/supplier/products/:id/card-keys/export',
      {
        schema: {
          tags: ['vault'],
          summary:
            "A product's unsold keys as CSV or Excel: masked, or in full with reveal=true (needs a recent password confirmation; audited)",
          params: idParams,
          querystring: z.strictObject({
            status: z.enum(['available', 'reserved', 'void']).default('available'),
            reveal: z
              .enum(['true', 'false'])
              .default('false')
              .transform((v) => v === 'true'),
            format: exportFormatSchema,
          }),
          response: { 200: exportFileSchema, ...errorResponses(401, 403, 404, 422) },
        },
        config: { auth: ['supplier'], rateLimit: { max: 10, windowMs: 60 * 60_000, by: 'user' } },
      },
      async (req, reply) => {
        const { format, ...f } = req.query;
        const spec = await vault.exportUnsoldKeys(deps, requireAuth(req), req.params.id, f, req.ip);
        return sendExport(reply, format, spec, deps.clock.now());
      },
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

function importBody(req: FastifyRequest, json: { keys: string[] } | null | undefined): vault.ImportBody {
  if (json) return { kind: 'json', keys: json.keys };
  const stream = streams.get(req);
  if (!stream) throw new AppError('VALIDATION_FAILED', 'Send the keys as JSON {keys}, text/plain or a multipart file');
  const type = req.headers['content-type'] ?? '';
  if (/^multipart\/form-data/i.test(type)) {
    const boundary = multipartBoundary(type);
    if (!boundary) throw new AppError('BAD_REQUEST', 'The multipart body names no boundary');
    return { kind: 'multipart', stream, boundary };
  }
  return { kind: 'text', stream };
}
