import {
  noticeListSchema,
  smsGatewayIdSchema,
  smsGatewayUpdateBodySchema,
  smsGatewayViewSchema,
} from '@kameng/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../platform/deps.ts';
import { requireAuth } from '../../platform/http/auth.ts';
import { AppError } from '../../platform/http/errors.ts';
import { errorResponses, metaOf } from '../../platform/http/route-helpers.ts';
import * as notify from './notify.service.ts';

const admins = ['admin'] as const;

export function notifyRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/notices',
      {
        schema: {
          tags: ['notify'],
          summary: "The signed-in user's in-site notices, newest first",
          querystring: z.strictObject({
            unread: z
              .enum(['true', 'false'])
              .transform((v) => v === 'true')
              .optional(),
            page: z.coerce.number().int().min(1).max(10_000).default(1),
            pageSize: z.coerce.number().int().min(1).max(100).default(20),
          }),
          response: { 200: noticeListSchema, ...errorResponses(400, 401) },
        },
        config: { auth: 'user' },
      },
      async (req) => notify.listNotices(deps, requireAuth(req), req.query),
    );

    app.post(
      '/notices/read',
      {
        schema: {
          tags: ['notify'],
          summary: 'Mark notices read: the listed ids, or all of them when ids is absent',
          body: z.strictObject({ ids: z.array(z.string().max(64)).max(500).optional() }),
          response: { 200: z.object({ updated: z.number().int() }), ...errorResponses(400, 401) },
        },
        config: { auth: 'user' },
      },
      async (req) => notify.markNoticesRead(deps, requireAuth(req), req.body.ids),
    );

    app.get(
      '/admin/sms-gateways',
      {
        schema: {
          tags: ['admin'],
          summary: 'SMS gateways (Aliyun, Tencent Cloud) with their settings; secrets masked',
          response: { 200: z.object({ items: z.array(smsGatewayViewSchema) }), ...errorResponses(401, 403) },
        },
        config: { auth: admins },
      },
      async () => notify.listSmsGatewayViews(deps),
    );

    app.put(
      '/admin/sms-gateways/:provider',
      {
        schema: {
          tags: ['admin'],
          summary:
            'Configure an SMS gateway: settings and secrets merge into what is stored; changing them needs a fresh password; an incomplete gateway cannot be enabled; enabling one disables the other',
          params: z.strictObject({ provider: smsGatewayIdSchema }),
          body: smsGatewayUpdateBodySchema,
          response: { 200: smsGatewayViewSchema, ...errorResponses(401, 403, 422) },
        },
        config: { auth: admins },
      },
      async (req) => {
        if (req.body.provider !== req.params.provider) {
          throw new AppError('VALIDATION_FAILED', 'The body is for another gateway', {
            issues: [{ path: ['provider'], message: `must be ${req.params.provider}` }],
          });
        }
        return notify.updateSmsGateway(deps, requireAuth(req), req.body, metaOf(req));
      },
    );
  };
}
