import {
  pageQuerySchema,
  rejectBodySchema,
  supplierApplicationBodySchema,
  supplierApplicationSchema,
  supplierApplicationsPageSchema,
} from '@kameng/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../platform/deps.ts';
import { requireAuth } from '../../platform/http/auth.ts';
import { errorResponses, metaOf } from '../../platform/http/route-helpers.ts';
import { MINUTE } from '../../platform/rate-limit.ts';
import * as accounts from './accounts.service.ts';

const idParams = z.strictObject({ id: z.string().min(1).max(64) });
const operators = ['operator', 'admin'] as const;

/** A buyer applies to become a supplier; operators review the applications. */
export function supplierApplicationRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/supplier/applications',
      {
        schema: {
          tags: ['supplier'],
          summary: 'Apply to become a supplier',
          body: supplierApplicationBodySchema,
          response: { 201: supplierApplicationSchema, ...errorResponses(401, 409) },
        },
        config: { auth: 'user', rateLimit: { max: 10, windowMs: MINUTE, by: 'user' } },
      },
      async (req, reply) =>
        reply.status(201).send(await accounts.applyForSupplier(deps, requireAuth(req), req.body, metaOf(req))),
    );

    app.get(
      '/supplier/applications',
      {
        schema: {
          tags: ['supplier'],
          summary: 'My supplier applications',
          response: { 200: z.object({ items: z.array(supplierApplicationSchema) }), ...errorResponses(401) },
        },
        config: { auth: 'user' },
      },
      async (req) => ({ items: await accounts.myApplications(deps, requireAuth(req)) }),
    );

    app.get(
      '/admin/supplier-applications',
      {
        schema: {
          tags: ['admin'],
          summary: 'Supplier applications for review',
          querystring: pageQuerySchema.extend({ status: z.enum(['pending', 'approved', 'rejected']).optional() }),
          response: {
            200: supplierApplicationsPageSchema,
            ...errorResponses(401, 403),
          },
        },
        config: { auth: operators },
      },
      async (req) => accounts.listApplicationsForReview(deps, req.query),
    );

    app.post(
      '/admin/supplier-applications/:id/approve',
      {
        schema: {
          tags: ['admin'],
          summary: 'Approve: the applicant becomes a supplier',
          params: idParams,
          response: { 200: supplierApplicationSchema, ...errorResponses(401, 403, 404, 409) },
        },
        config: { auth: operators },
      },
      async (req) =>
        accounts.decideSupplierApplication(deps, requireAuth(req), req.params.id, { approve: true }, metaOf(req)),
    );

    app.post(
      '/admin/supplier-applications/:id/reveal',
      {
        schema: {
          tags: ['admin'],
          summary: "The applicant's real name and contact in full (audited); lists show them masked",
          params: idParams,
          response: { 200: z.object({ realName: z.string(), contact: z.string() }), ...errorResponses(401, 403, 404) },
        },
        config: { auth: operators, rateLimit: { max: 60, windowMs: MINUTE, by: 'user' } },
      },
      async (req) => accounts.revealApplication(deps, requireAuth(req), req.params.id, metaOf(req)),
    );

    app.post(
      '/admin/supplier-applications/:id/reject',
      {
        schema: {
          tags: ['admin'],
          summary: 'Reject with a reason',
          params: idParams,
          body: rejectBodySchema,
          response: { 200: supplierApplicationSchema, ...errorResponses(401, 403, 404, 409) },
        },
        config: { auth: operators },
      },
      async (req) =>
        accounts.decideSupplierApplication(
          deps,
          requireAuth(req),
          req.params.id,
          { approve: false, reason: req.body.reason },
          metaOf(req),
        ),
    );
  };
}
