import {
  myIdentitiesSchema,
  oauthAppUpdateBodySchema,
  oauthAppViewSchema,
  oauthCallbackQuerySchema,
  oauthProviderSchema,
  oauthProvidersSchema,
  oauthStartQuerySchema,
  oauthTotpBodySchema,
  okSchema,
} from '@kameng/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../platform/deps.ts';
import { requireAuth, setSessionCookies } from '../../platform/http/auth.ts';
import { AppError } from '../../platform/http/errors.ts';
import { errorResponses, metaOf } from '../../platform/http/route-helpers.ts';
import { MINUTE } from '../../platform/rate-limit.ts';
import * as accounts from './accounts.service.ts';

/** Holds the nonce that binds a sign-in's `state` to the browser that started it. */
const BROWSER_COOKIE = 'kameng_oauth';
const COOKIE_PATH = '/api/v1/auth/oauth';

const providerParams = z.strictObject({ provider: oauthProviderSchema });
const admins = ['admin'] as const;

function browserNonce(req: FastifyRequest): string | undefined {
  const v = req.cookies?.[BROWSER_COOKIE];
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

function landWith(reply: FastifyReply, location: string) {
  return reply.header('cache-control', 'no-store').redirect(location, 302);
}

/** Signing in with WeChat and QQ, binding them in 账号安全, and the apps operators configure. */
export function oauthRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/auth/oauth/providers',
      {
        schema: {
          tags: ['auth'],
          summary: 'The third-party sign-ins this shop offers (sandbox: the built-in stand-in)',
          response: { 200: oauthProvidersSchema, ...errorResponses() },
        },
        config: { auth: 'public' },
      },
      async () => accounts.availableProviders(deps),
    );

    app.get(
      '/auth/oauth/:provider/start',
      {
        schema: {
          tags: ['auth'],
          summary:
            'Start signing in (or binding, signed in) with WeChat or QQ: 302 to the provider with a single-use state',
          params: providerParams,
          querystring: oauthStartQuerySchema,
          response: { 302: z.null(), ...errorResponses(400, 401, 404) },
        },
        config: { auth: 'public', rateLimit: { max: 30, windowMs: MINUTE } },
      },
      async (req, reply) => {
        const start = await accounts.startOauth(deps, req.params.provider, req.query, req.auth);
        reply.setCookie(BROWSER_COOKIE, start.browserNonce, {
          httpOnly: true,
          sameSite: 'lax',
          secure: req.protocol === 'https',
          path: COOKIE_PATH,
          maxAge: 600,
        });
        return landWith(reply, start.location);
      },
    );

    app.get(
      '/auth/oauth/:provider/callback',
      {
        schema: {
          tags: ['auth'],
          summary:
            'Where the provider sends the browser back: checks and spends the state, exchanges the code, signs in (302), asks for the authenticator code, or binds',
          params: providerParams,
          querystring: oauthCallbackQuerySchema,
          response: { 302: z.null(), ...errorResponses(400, 403, 404, 409, 422) },
        },
        config: { auth: 'public', rateLimit: { max: 30, windowMs: MINUTE } },
      },
      async (req, reply) => {
        const p = req.params.provider;
        const out = await accounts.oauthCallback(deps, p, req.query, browserNonce(req), req.auth, metaOf(req));
        if (out.kind === 'session') {
          setSessionCookies(reply, req, out.token, out.csrfToken, out.expiresAt);
          return landWith(reply, out.returnTo);
        }
        if (out.kind === 'totp') {
          const q = new URLSearchParams({ oauth: p, ticket: out.ticket, returnTo: out.returnTo });
          return landWith(reply, `/login?${q}`);
        }
        return landWith(reply, `${out.returnTo}${out.returnTo.includes('?') ? '&' : '?'}bound=${p}`);
      },
    );

    app.post(
      '/auth/oauth/totp',
      {
        schema: {
          tags: ['auth'],
          summary: 'The authenticator code after a third-party sign-in into an account with two-step sign-in',
          body: oauthTotpBodySchema,
          response: {
            200: z.object({ token: z.string(), csrfToken: z.string(), returnTo: z.string() }),
            ...errorResponses(403, 429),
          },
        },
        config: { auth: 'public', rateLimit: { max: 10, windowMs: MINUTE } },
      },
      async (req, reply) => {
        const out = await accounts.completeOauthTotp(deps, req.body, browserNonce(req), metaOf(req));
        setSessionCookies(reply, req, out.token, out.csrfToken, out.expiresAt);
        return { token: out.token, csrfToken: out.csrfToken, returnTo: out.returnTo };
      },
    );

    app.get(
      '/me/oauth',
      {
        schema: {
          tags: ['auth'],
          summary: 'The third-party identities bound to my account',
          response: { 200: myIdentitiesSchema, ...errorResponses(401) },
        },
        config: { auth: 'user' },
      },
      async (req) => accounts.myIdentities(deps, requireAuth(req)),
    );

    app.delete(
      '/me/oauth/:provider',
      {
        schema: {
          tags: ['auth'],
          summary: 'Unbind a third-party identity; refused when it is the only way into the account',
          params: providerParams,
          response: { 200: okSchema, ...errorResponses(401, 404, 422) },
        },
        config: { auth: 'user' },
      },
      async (req) => {
        await accounts.unbindIdentity(deps, requireAuth(req), req.params.provider, metaOf(req));
        return { ok: true as const };
      },
    );

    app.post(
      '/sandbox/oauth/:provider/authorize',
      {
        schema: {
          tags: ['sandbox'],
          summary: 'The sandbox provider approves a sign-in as `name` (KAMENG_SANDBOX=on, no app configured)',
          params: providerParams,
          body: z.strictObject({ state: z.string().min(1).max(128), name: z.string().trim().min(1).max(32) }),
          response: { 200: z.object({ redirect: z.string() }), ...errorResponses(404) },
        },
        config: { auth: 'public', rateLimit: { max: 30, windowMs: MINUTE } },
      },
      async (req) => accounts.sandboxAuthorize(deps, req.params.provider, req.body),
    );

    app.get(
      '/admin/oauth-apps',
      {
        schema: {
          tags: ['admin'],
          summary: 'The WeChat and QQ sign-in apps with their settings; secrets masked',
          response: { 200: z.object({ items: z.array(oauthAppViewSchema) }), ...errorResponses(401, 403) },
        },
        config: { auth: admins },
      },
      async () => accounts.listOauthAppViews(deps),
    );

    app.put(
      '/admin/oauth-apps/:provider',
      {
        schema: {
          tags: ['admin'],
          summary:
            'Configure a sign-in app: settings and secrets merge into what is stored; changing them needs a fresh password',
          params: providerParams,
          body: oauthAppUpdateBodySchema,
          response: { 200: oauthAppViewSchema, ...errorResponses(401, 403, 422) },
        },
        config: { auth: admins },
      },
      async (req) => {
        if (req.body.provider !== req.params.provider) {
          throw new AppError('VALIDATION_FAILED', 'The body is for another provider', {
            issues: [{ path: ['provider'], message: `must be ${req.params.provider}` }],
          });
        }
        return accounts.updateOauthApp(deps, requireAuth(req), req.body, metaOf(req));
      },
    );
  };
}
