import {
  bannedGoodsSchema,
  categoryRequirementsSchema,
  createQualificationBodySchema,
  pageQuerySchema,
  qualificationListSchema,
  qualificationRevealSchema,
  qualificationSchema,
  qualificationStatusSchema,
  rejectBodySchema,
  setBannedGoodsBodySchema,
  setCategoryRequirementBodySchema,
  traceQuerySchema,
} from '@kameng/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../platform/deps.ts';
import { requireAuth } from '../../platform/http/auth.ts';
import { errorResponses, metaOf } from '../../platform/http/route-helpers.ts';
import { MINUTE } from '../../platform/rate-limit.ts';
import * as compliance from './compliance.service.ts';

const idParams = z.strictObject({ id: z.string().min(1).max(64) });
const operators = ['operator', 'admin'] as const;

/** A document is served as an attachment nobody's browser runs: no sniffing, no caching, nothing active. */
const SAFE_DOCUMENT_HEADERS = {
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; sandbox",
  'cross-origin-resource-policy': 'same-origin',
};

export function complianceRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    // documents arrive as the raw request body; their type is decided by the bytes, not this header
    app.addContentTypeParser(
      compliance.DOCUMENT_CONTENT_TYPES,
      { parseAs: 'buffer', bodyLimit: compliance.MAX_DOCUMENT_BYTES },
      (_req, body, done) => done(null, body),
    );

    app.post(
      '/supplier/qualifications',
      {
        schema: {
          tags: ['supplier'],
          summary: 'File a qualification (资质): the real name and number it names, its expiry; the document follows',
          body: createQualificationBodySchema,
          response: { 201: qualificationSchema, ...errorResponses(401) },
        },
        config: { auth: 'user', rateLimit: { max: 20, windowMs: MINUTE, by: 'user' } },
      },
      async (req, reply) =>
        reply.status(201).send(await compliance.createQualification(deps, requireAuth(req), req.body, metaOf(req))),
    );

    app.post(
      '/supplier/qualifications/:id/document',
      {
        schema: {
          tags: ['supplier'],
          summary: 'Upload the document (PDF, PNG or JPEG, at most 5 MB) as the raw body; it goes to review',
          params: idParams,
          querystring: z.strictObject({ name: z.string().max(120).optional() }),
          response: { 200: qualificationSchema, ...errorResponses(401, 404, 409, 413, 415) },
        },
        config: { auth: 'user', rateLimit: { max: 20, windowMs: MINUTE, by: 'user' } },
        bodyLimit: compliance.MAX_DOCUMENT_BYTES,
      },
      async (req) =>
        compliance.uploadQualificationDocument(
          deps,
          requireAuth(req),
          req.params.id,
          req.body,
          req.query.name,
          metaOf(req),
        ),
    );

    app.get(
      '/supplier/qualifications',
      {
        schema: {
          tags: ['supplier'],
          summary: 'My qualifications (numbers masked; the documents only operators open)',
          response: { 200: z.object({ items: z.array(qualificationSchema) }), ...errorResponses(401) },
        },
        config: { auth: 'user' },
      },
      async (req) => compliance.myQualifications(deps, requireAuth(req)),
    );

    app.get(
      '/admin/qualifications',
      {
        schema: {
          tags: ['admin'],
          summary: 'Qualifications for review',
          querystring: pageQuerySchema.extend({
            status: qualificationStatusSchema.optional(),
            supplierId: z.string().max(64).optional(),
          }),
          response: { 200: qualificationListSchema, ...errorResponses(401, 403) },
        },
        config: { auth: operators },
      },
      async (req) => compliance.listQualificationsForReview(deps, req.query),
    );

    app.get(
      '/admin/qualifications/:id/document',
      {
        schema: {
          tags: ['admin'],
          summary: 'The document itself, as an attachment (audited)',
          params: idParams,
          response: {
            200: z.any().describe('the document: application/pdf, image/png or image/jpeg'),
            ...errorResponses(401, 403, 404),
          },
        },
        config: { auth: operators },
      },
      async (req, reply) => {
        const doc = await compliance.readQualificationDocument(deps, requireAuth(req), req.params.id, metaOf(req));
        return reply
          .headers(SAFE_DOCUMENT_HEADERS)
          .header(
            'content-disposition',
            `attachment; filename="${req.params.id}"; filename*=UTF-8''${encodeURIComponent(doc.fileName)}`,
          )
          .type(doc.contentType)
          .send(doc.body);
      },
    );

    app.post(
      '/admin/qualifications/:id/reveal',
      {
        schema: {
          tags: ['admin'],
          summary: 'The real name and number in full (audited)',
          params: idParams,
          response: { 200: qualificationRevealSchema, ...errorResponses(401, 403, 404) },
        },
        config: { auth: operators, rateLimit: { max: 60, windowMs: MINUTE, by: 'user' } },
      },
      async (req) => compliance.revealQualification(deps, requireAuth(req), req.params.id, metaOf(req)),
    );

    app.post(
      '/admin/qualifications/:id/approve',
      {
        schema: {
          tags: ['admin'],
          summary: 'Approve a qualification under review, with an optional remark',
          params: idParams,
          body: z.strictObject({ reason: z.string().trim().max(500).optional() }).nullish(),
          response: { 200: qualificationSchema, ...errorResponses(401, 403, 404, 409) },
        },
        config: { auth: operators },
      },
      async (req) =>
        compliance.decideQualification(
          deps,
          requireAuth(req),
          req.params.id,
          { approve: true, reason: req.body?.reason || undefined },
          metaOf(req),
        ),
    );

    app.post(
      '/admin/qualifications/:id/reject',
      {
        schema: {
          tags: ['admin'],
          summary: 'Reject a qualification with a reason the supplier sees',
          params: idParams,
          body: rejectBodySchema,
          response: { 200: qualificationSchema, ...errorResponses(401, 403, 404, 409) },
        },
        config: { auth: operators },
      },
      async (req) =>
        compliance.decideQualification(
          deps,
          requireAuth(req),
          req.params.id,
          { approve: false, reason: req.body.reason },
          metaOf(req),
        ),
    );

    app.get(
      '/admin/category-requirements',
      {
        schema: {
          tags: ['admin'],
          summary: 'The categories that need a qualification before a supplier may list in them',
          response: { 200: categoryRequirementsSchema, ...errorResponses(401, 403) },
        },
        config: { auth: operators },
      },
      async () => compliance.listCategoryRequirements(deps),
    );

    app.put(
      '/admin/categories/:id/requirement',
      {
        schema: {
          tags: ['admin'],
          summary: 'Require a qualification type in a category (and those under it); null lifts it',
          params: idParams,
          body: setCategoryRequirementBodySchema,
          response: { 200: categoryRequirementsSchema, ...errorResponses(401, 403, 404) },
        },
        config: { auth: operators },
      },
      async (req) =>
        compliance.setCategoryRequirement(
          deps,
          requireAuth(req),
          req.params.id,
          req.body.qualificationType,
          metaOf(req),
        ),
    );

    app.get(
      '/admin/banned-goods',
      {
        schema: {
          tags: ['admin'],
          summary: 'The classes of banned goods (盗版软件, 游戏外挂 …) and their keywords',
          response: { 200: bannedGoodsSchema, ...errorResponses(401, 403) },
        },
        config: { auth: operators },
      },
      async () => compliance.getBannedGoods(deps),
    );

    app.put(
      '/admin/banned-goods',
      {
        schema: {
          tags: ['admin'],
          summary: 'Replace the classes of banned goods',
          body: setBannedGoodsBodySchema,
          response: { 200: bannedGoodsSchema, ...errorResponses(401, 403) },
        },
        config: { auth: operators },
      },
      async (req) => compliance.setBannedGoods(deps, requireAuth(req), req.body.classes, metaOf(req)),
    );

    app.get(
      '/admin/orders/:id/trace',
      {
        schema: {
          tags: ['admin'],
          summary: "One order's traceability record (who sold, who bought, payments, keys, postings) as JSON or CSV",
          params: idParams,
          querystring: traceQuerySchema,
          response: { 200: z.unknown(), ...errorResponses(401, 403, 404) },
        },
        config: { auth: operators, rateLimit: { max: 30, windowMs: MINUTE, by: 'user' } },
      },
      async (req, reply) => {
        const trace = await compliance.orderTrace(deps, requireAuth(req), req.params.id, metaOf(req));
        reply.header('cache-control', 'no-store');
        if (req.query.format === 'csv') {
          return reply
            .type('text/csv; charset=utf-8')
            .header('content-disposition', `attachment; filename="trace-${req.params.id}.csv"`)
            .send(compliance.traceCsv(trace));
        }
        return trace;
      },
    );
  };
}
