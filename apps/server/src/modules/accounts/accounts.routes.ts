import {
  changePasswordBodySchema,
  loginBodySchema,
  loginResponseSchema,
  okSchema,
  reauthBodySchema,
  registerBodySchema,
  resetPasswordBodySchema,
  sendCodeBodySchema,
  sessionSchema,
  shopSchema,
  totpConfirmBodySchema,
  totpDisableBodySchema,
  totpEnrollResponseSchema,
  userSchema,
  verifyContactBodySchema,
  addCredentialsBodySchema,
} from '@kameng/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../platform/deps.ts';
import { clearSessionCookies, requireAuth, setSessionCookies } from '../../platform/http/auth.ts';
import { errorResponses, metaOf } from '../../platform/http/route-helpers.ts';
import { MINUTE } from '../../platform/rate-limit.ts';
import * as accounts from './accounts.service.ts';

const idParams = z.strictObject({ id: z.string().min(1).max(64) });

/** Signing up and in, codes, passwords, sessions and two-factor: what a user does to their own account. */
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
          response: {
            200: z.object({
              reauthAt: z.number(),
              stepUpSeconds: z.number().describe('how long sensitive actions go on without asking again'),
              factor: z.enum(['password', 'totp', 'sms']).describe('the second factor proved (password: none asked)'),
            }),
            ...errorResponses(401, 422),
          },
        },
        config: { auth: 'user' },
      },
      async (req) => accounts.reauthenticate(deps, requireAuth(req), req.body, metaOf(req)),
    );

    app.post(
      '/auth/reauth/sms-code',
      {
        schema: {
          tags: ['auth'],
          summary: "Text a step-up code to my verified phone (when the operators' rule lets SMS be the second factor)",
          response: {
            200: z.object({ sent: z.literal(true), phone: z.string(), expiresInSeconds: z.number() }),
            ...errorResponses(401, 409, 422),
          },
        },
        config: { auth: 'user', rateLimit: { max: 5, windowMs: MINUTE, by: 'user' } },
      },
      async (req) => accounts.sendStepUpCode(deps, requireAuth(req), metaOf(req)),
    );

    app.get(
      '/auth/session',
      {
        schema: {
          tags: ['auth'],
          summary: 'Who is signed in: the user, or null for a visitor (never 401, so a page can ask first)',
          response: { 200: z.object({ user: userSchema.nullable() }), ...errorResponses() },
        },
        config: { auth: 'public' },
      },
      async (req) => ({ user: await accounts.sessionUser(deps, req.auth) }),
    );

    app.get(
      '/shops/:id',
      {
        schema: {
          tags: ['catalog'],
          summary: "A supplier's shop as buyers see it (its products: GET /products?supplierId=)",
          params: idParams,
          response: { 200: shopSchema, ...errorResponses(404) },
        },
        config: { auth: 'public' },
      },
      async (req) => accounts.findShop(deps, req.params.id),
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
      '/me/credentials',
      {
        schema: {
          tags: ['me'],
          summary: 'Add an email or phone (with the code sent to it) and a password to an account made by WeChat/QQ',
          body: addCredentialsBodySchema,
          response: { 200: userSchema, ...errorResponses(401, 403, 409, 422) },
        },
        config: { auth: 'user', rateLimit: { max: 10, windowMs: MINUTE, by: 'user' } },
      },
      async (req) => accounts.addSignInCredentials(deps, requireAuth(req), req.body, metaOf(req)),
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
  };
}
