import { deadJobPageSchema, deadJobsQuerySchema, okSchema } from '@kameng/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../platform/deps.ts';
import { requireAuth } from '../../platform/http/auth.ts';
import { errorResponses, metaOf } from '../../platform/http/route-helpers.ts';
import { discardDeadJob, listDeadJobs, retryDeadJob } from '../../platform/jobs/dead-jobs.ts';

const idParams = z.object({ id: z.string().min(1).max(64) });

/** Dead jobs for operators: see them, put one back in the queue, or drop it; both audited. */
export function jobsRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    const actor = (req: Parameters<typeof metaOf>[0]) => ({ userId: requireAuth(req).userId, ip: metaOf(req).ip });

    app.get(
      '/admin/jobs/dead',
      {
        schema: {
          tags: ['admin'],
          summary: 'Jobs that used up their attempts',
          querystring: deadJobsQuerySchema,
          response: { 200: deadJobPageSchema, ...errorResponses(401, 403) },
        },
        config: { auth: ['operator', 'admin'] },
      },
      async (req) => listDeadJobs(deps, req.query),
    );

    app.post(
      '/admin/jobs/:id/retry',
      {
        schema: {
          tags: ['admin'],
          summary: 'Queue a dead job again with fresh attempts (audited)',
          params: idParams,
          response: { 200: okSchema, ...errorResponses(401, 403, 404) },
        },
        config: { auth: ['operator', 'admin'] },
      },
      async (req) => {
        await retryDeadJob(deps, actor(req), req.params.id);
        return { ok: true as const };
      },
    );

    app.delete(
      '/admin/jobs/:id',
      {
        schema: {
          tags: ['admin'],
          summary: 'Discard a dead job for good (audited)',
          params: idParams,
          response: { 200: okSchema, ...errorResponses(401, 403, 404) },
        },
        config: { auth: ['operator', 'admin'] },
      },
      async (req) => {
        await discardDeadJob(deps, actor(req), req.params.id);
        return { ok: true as const };
      },
    );
  };
}
