import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import { z } from 'zod';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/http/errors.ts';
import { errorResponses } from '../../platform/http/route-helpers.ts';

export function systemRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/healthz',
      {
        schema: {
          tags: ['system'],
          summary: 'The process is up',
          response: { 200: z.object({ status: z.literal('ok') }) },
        },
        config: { auth: 'public' },
      },
      async () => ({ status: 'ok' as const }),
    );

    app.get(
      '/readyz',
      {
        schema: {
          tags: ['system'],
          summary: 'The database (and Redis, when configured) answer',
          response: {
            200: z.object({ status: z.literal('ready'), database: z.string(), redis: z.boolean() }),
            ...errorResponses(503),
          },
        },
        config: { auth: 'public' },
      },
      async () => {
        try {
          await sql`select 1`.execute(deps.db);
          if (deps.redis) await deps.redis.ping();
        } catch (err) {
          deps.log.warn({ err }, 'readiness check failed');
          throw new AppError('UNAVAILABLE', 'A backing service is not reachable');
        }
        return { status: 'ready' as const, database: deps.dialect, redis: deps.redis !== null };
      },
    );

    app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  };
}
