import {
  auditLogPageSchema,
  dailySignupsSchema,
  daysQuerySchema,
  pageQuerySchema,
  roleSchema,
  setRolesBodySchema,
  setUserStatusBodySchema,
  userSchema,
  userContactSchema,
  usersPageSchema,
} from '@kameng/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listAudit } from '../../platform/audit.ts';
import type { Deps } from '../../platform/deps.ts';
import { requireAuth } from '../../platform/http/auth.ts';
import { errorResponses, metaOf } from '../../platform/http/route-helpers.ts';
import { MINUTE } from '../../platform/rate-limit.ts';
import * as accounts from './accounts.service.ts';

const idParams = z.strictObject({ id: z.string().min(1).max(64) });
const operators = ['operator', 'admin'] as const;

/** Operators' user management (search, roles, freezing, sign-ups per day) and the audit log. */
export function usersRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/admin/users',
      {
        schema: {
          tags: ['admin'],
          summary: 'Search users by id, email or phone',
          querystring: pageQuerySchema.extend({
            q: z.string().trim().max(254).optional(),
            role: roleSchema.optional(),
            status: z.enum(['active', 'frozen']).optional(),
          }),
          response: {
            200: usersPageSchema,
            ...errorResponses(401, 403),
          },
        },
        config: { auth: operators },
      },
      async (req) => accounts.searchUsers(deps, req.query),
    );

    app.get(
      '/admin/users/daily-signups',
      {
        schema: {
          tags: ['admin'],
          summary: 'New accounts per day (China Standard Time), for the dashboard chart',
          querystring: daysQuerySchema,
          response: { 200: dailySignupsSchema, ...errorResponses(401, 403) },
        },
        config: { auth: operators },
      },
      async (req) => accounts.signupsPerDay(deps, req.query.days),
    );

    app.get(
      '/admin/users/:id',
      {
        schema: {
          tags: ['admin'],
          summary: 'One user',
          params: idParams,
          response: { 200: userSchema, ...errorResponses(401, 403, 404) },
        },
        config: { auth: operators },
      },
      async (req) => accounts.getUser(deps, req.params.id),
    );

    app.post(
      '/admin/users/:id/contact',
      {
        schema: {
          tags: ['admin'],
          summary: "A user's email and phone in full (audited); lists and details show the phone masked",
          params: idParams,
          body: z.strictObject({}).nullish().describe('nothing: the reveal is recorded under the caller'),
          response: { 200: userContactSchema, ...errorResponses(401, 403, 404) },
        },
        config: { auth: operators, rateLimit: { max: 60, windowMs: MINUTE, by: 'user' } },
      },
      async (req) => accounts.revealUserContact(deps, requireAuth(req), req.params.id, metaOf(req)),
    );

    app.put(
      '/admin/users/:id/roles',
      {
        schema: {
          tags: ['admin'],
          summary: "Set a user's roles (admin only)",
          params: idParams,
          body: setRolesBodySchema,
          response: { 200: userSchema, ...errorResponses(401, 403, 404) },
        },
        config: { auth: ['admin'] },
      },
      async (req) => accounts.setRoles(deps, requireAuth(req), req.params.id, req.body.roles, metaOf(req)),
    );

    app.put(
      '/admin/users/:id/status',
      {
        schema: {
          tags: ['admin'],
          summary: 'Freeze or unfreeze a user',
          params: idParams,
          body: setUserStatusBodySchema,
          response: { 200: userSchema, ...errorResponses(401, 403, 404) },
        },
        config: { auth: operators },
      },
      async (req) => accounts.setUserStatus(deps, requireAuth(req), req.params.id, req.body, metaOf(req)),
    );

    app.get(
      '/admin/audit-log',
      {
        schema: {
          tags: ['admin'],
          summary: 'The audit log, newest first',
          querystring: pageQuerySchema.extend({
            actorId: z.string().max(64).optional(),
            action: z.string().max(64).optional(),
            objectType: z.string().max(64).optional(),
            objectId: z.string().max(64).optional(),
            from: z.coerce.number().int().optional(),
            to: z.coerce.number().int().optional(),
          }),
          response: {
            200: auditLogPageSchema,
            ...errorResponses(401, 403),
          },
        },
        config: { auth: operators },
      },
      async (req) => {
        const { page, pageSize, ...f } = req.query;
        const { rows, total } = await listAudit(deps.db, { ...f, limit: pageSize, offset: (page - 1) * pageSize });
        return {
          total,
          items: rows.map((r) => ({
            id: r.id,
            actorId: r.actor_id,
            action: r.action,
            objectType: r.object_type,
            objectId: r.object_id,
            ip: r.ip,
            details: r.details ? JSON.parse(r.details) : null,
            createdAt: r.created_at,
          })),
        };
      },
    );
  };
}
