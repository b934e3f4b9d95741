import {
  auditEntrySchema,
  changePasswordBodySchema,
  dailySignupsSchema,
  daysQuerySchema,
  loginBodySchema,
  loginResponseSchema,
  okSchema,
  pageQuerySchema,
  reauthBodySchema,
  registerBodySchema,
  rejectBodySchema,
  resetPasswordBodySchema,
  roleSchema,
  sendCodeBodySchema,
  sessionSchema,
  setRolesBodySchema,
  setUserStatusBodySchema,
  supplierApplicationBodySchema,
  supplierApplicationSchema,
  totpConfirmBodySchema,
  totpDisableBodySchema,
  totpEnrollResponseSchema,
  userSchema,
  verifyContactBodySchema,
} from '@kameng/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listAudit } from '../../platform/audit.ts';
import type { Deps } from '../../platform/deps.ts';
import { clearSessionCookies, requireAuth, setSessionCookies } from '../../platform/http/auth.ts';
import { errorResponses, metaOf } from '../../platform/http/route-helpers.ts';
import { MINUTE } from '../../platform/rate-limit.ts';
import * as accounts from './accounts.service.ts';

const idParams = z.strictObject({ id: z.string().min(1).max(64) });
const operators = ['operator', 'admin'] as const;

export function accountsRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/auth/register',
      {
        schema: {
          tags: ['auth'],
          summary: 'Register with email or mainland mobile number',
          body: registerBodySchema,
          response: { 201: z.object({ user: userSchema }), ...errorResponses(409, 422) },
        },
        config: { auth: 'public', rateLimit: { max: 10, windowMs: MINUTE } },
      },
      async (req, reply) => reply.status(201).send({ user: await accounts.register(deps, req.body, metaOf(req)) }),
    );

    app.post(
      '/auth/login',
      {
        schema: {
          tags: ['auth'],
          summary: 'Sign in; sets the session cookie and returns the token',
          body: loginBodySchema,
          response: { 200: loginResponseSchema, ...errorResponses(401, 403) },
        },
        config: { auth: 'public', rateLimit: { max: 20, windowMs: MINUTE } },
      },
      async (req, reply) => {
        const result = await accounts.login(deps, req.body, metaOf(req));
        setSessionCookies(reply, req, result.token, result.csrfToken, result.expiresAt);
        return result;
      },
    );

    app.post(
      '/auth/logout',
      {
        schema: { tags: ['auth'], summary: 'End this session', response: { 200: okSchema, ...errorResponses(401) } },
        config: { auth: 'user' },
      },
      async (req, reply) => {
        await accounts.logout(deps, requireAuth(req), metaOf(req));
        clearSessionCookies(reply);
        return { ok: true as const };
      },
    );

    app.post(
      '/auth/codes',
      {
        schema: {
          tags: ['auth'],
          summary: 'Send a 6-digit verification or password-reset code by email or SMS',
          description:
            'Refused with SMS_NOT_CONFIGURED / EMAIL_NOT_CONFIGURED when the site has no SMS provider / mail server (outside sandbox mode).',
          body: sendCodeBodySchema,
          response: {
            202: z.object({ sent: z.literal(true), expiresInSeconds: z.number() }),
            ...errorResponses(422),
          },
        },
        config: { auth: 'public', rateLimit: { max: 5, windowMs: MINUTE } },
      },
      async (req, reply) => reply.status(202).send(await accounts.sendCode(deps, req.body, metaOf(req))),
    );

    app.post(
      '/auth/password/reset',
      {
        schema: {
          tags: ['auth'],
          summary: 'Set a new password with a reset code; ends every session',
          body: resetPasswordBodySchema,
          response: { 200: okSchema, ...errorResponses(422) },
        },
        config: { auth: 'public', rateLimit: { max: 10, windowMs: MINUTE } },
      },
      async (req) => {
        await accounts.resetPassword(deps, req.body, metaOf(req));
        return { ok: true as const };
      },
    );

    app.post(
      '/auth/reauth',
      {
        schema: {
          tags: ['auth'],
          summary: 'Confirm the password (and 2FA code) before a sensitive action',
          body: reauthBodySchema,
          response: { 200: z.object({ reauthAt: z.number() }), ...errorResponses(401) },
        },
        config: { auth: 'user' },
      },
      async (req) => accounts.reauthenticate(deps, requireAuth(req), req.body, metaOf(req)),
    );

    app.get(
      '/me',
      {
        schema: { tags: ['me'], summary: 'The signed-in user', response: { 200: userSchema, ...errorResponses(401) } },
        config: { auth: 'user' },
      },
      async (req) => accounts.me(deps, requireAuth(req)),
    );

    app.post(
      '/me/verify',
      {
        schema: {
          tags: ['me'],
          summary: 'Verify my email or phone with a code',
          body: verifyContactBodySchema,
          response: { 200: userSchema, ...errorResponses(401, 422) },
        },
        config: { auth: 'user' },
      },
      async (req) => accounts.verifyContact(deps, requireAuth(req), req.body, metaOf(req)),
    );

    app.post(
      '/me/password',
      {
        schema: {
          tags: ['me'],
          summary: 'Change my password: every session ends, this client gets a new one',
          body: changePasswordBodySchema,
          response: { 200: loginResponseSchema, ...errorResponses(401, 422) },
        },
        config: { auth: 'user' },
      },
      async (req, reply) => {
        const result = await accounts.changePassword(deps, requireAuth(req), req.body, metaOf(req));
        setSessionCookies(reply, req, result.token, result.csrfToken, result.expiresAt);
        return result;
      },
    );

    app.get(
      '/me/sessions',
      {
        schema: {
          tags: ['me'],
          summary: 'My signed-in sessions',
          response: { 200: z.object({ items: z.array(sessionSchema) }), ...errorResponses(401) },
        },
        config: { auth: 'user' },
      },
      async (req) => ({ items: await accounts.mySessions(deps, requireAuth(req)) }),
    );

    app.delete(
      '/me/sessions/:id',
      {
        schema: {
          tags: ['me'],
          summary: 'Sign one of my sessions out',
          params: idParams,
          response: { 200: okSchema, ...errorResponses(401, 404) },
        },
        config: { auth: 'user' },
      },
      async (req) => {
        await accounts.revokeMySession(deps, requireAuth(req), req.params.id, metaOf(req));
        return { ok: true as const };
      },
    );

    app.post(
      '/me/2fa/enroll',
      {
        schema: {
          tags: ['me'],
          summary: 'Start TOTP enrolment (needs a recent password confirmation)',
          response: { 200: totpEnrollResponseSchema, ...errorResponses(401, 403, 409) },
        },
        config: { auth: 'user' },
      },
      async (req) => accounts.enrollTotp(deps, requireAuth(req)),
    );

    app.post(
      '/me/2fa/confirm',
      {
        schema: {
          tags: ['me'],
          summary: 'Confirm TOTP enrolment with a code; returns one-time recovery codes',
          body: totpConfirmBodySchema,
          response: { 200: z.object({ recoveryCodes: z.array(z.string()) }), ...errorResponses(401, 409) },
        },
        config: { auth: 'user' },
      },
      async (req) => accounts.confirmTotp(deps, requireAuth(req), req.body.code, metaOf(req)),
    );

    app.post(
      '/me/2fa/disable',
      {
        schema: {
          tags: ['me'],
          summary: 'Turn TOTP off (password and a code)',
          body: totpDisableBodySchema,
          response: { 200: okSchema, ...errorResponses(401, 409) },
        },
        config: { auth: 'user' },
      },
      async (req) => {
        await accounts.disableTotp(deps, requireAuth(req), req.body, metaOf(req));
        return { ok: true as const };
      },
    );

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
            200: z.object({ items: z.array(supplierApplicationSchema), total: z.number() }),
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
          response: { 200: z.object({ items: z.array(userSchema), total: z.number() }), ...errorResponses(401, 403) },
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
            200: z.object({ items: z.array(auditEntrySchema), total: z.number() }),
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
