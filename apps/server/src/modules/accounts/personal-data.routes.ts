import { okSchema } from '@kameng/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../platform/deps.ts';
import { clearSessionCookies, requireAuth } from '../../platform/http/auth.ts';
import { errorResponses, metaOf } from '../../platform/http/route-helpers.ts';
import * as accounts from './accounts.service.ts';

/** A user's own data (PIPL): a copy of it, and closing the account. */
export function personalDataRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/me/export',
      {
        schema: {
          tags: ['me'],
          summary: 'Everything Kameng keeps about me, as JSON (个人信息查阅、复制)',
          response: { 200: z.record(z.string(), z.unknown()), ...errorResponses(401, 429) },
        },
        config: { auth: 'user' },
      },
      async (req, reply) => {
        reply.header('content-disposition', 'attachment; filename="kameng-my-data.json"');
        reply.header('cache-control', 'no-store');
        return accounts.exportMyData(deps, requireAuth(req));
      },
    );

    app.post(
      '/me/close',
      {
        schema: {
          tags: ['me'],
          summary:
            'Close my account (confirm the password first): personal fields are blanked; orders and the ledger keep the account id',
          body: z.strictObject({}).optional(),
          response: { 200: okSchema.extend({ closed: z.literal(true) }), ...errorResponses(401, 403, 422) },
        },
        config: { auth: 'user' },
      },
      async (req, reply) => {
        const out = await accounts.closeMyAccount(deps, requireAuth(req), metaOf(req));
        clearSessionCookies(reply);
        return { ok: true as const, ...out };
      },
    );
  };
}
