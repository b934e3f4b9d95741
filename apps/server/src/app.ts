import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { authenticate } from './modules/accounts/accounts.service.ts';
import { deriveKey, newToken } from './platform/crypto.ts';
import type { TrustProxy } from './platform/config.ts';
import type { Deps } from './platform/deps.ts';
import { REDACT_PATHS } from './platform/deps.ts';
import { checkCsrf, enforceGuard, readToken } from './platform/http/auth.ts';
import { registerCompression } from './platform/http/compress.ts';
import { AppError } from './platform/http/errors.ts';
import { errorHandler } from './platform/http/error-handler.ts';
import { registerMetrics } from './platform/http/metrics-route.ts';
import { openapiTransform, openapiTransformObject } from './platform/http/openapi.ts';
import { securityHeaders } from './platform/http/security-headers.ts';
import { registerWeb } from './platform/http/web.ts';
import { MINUTE } from './platform/rate-limit.ts';

export type App = FastifyInstance;

const here = dirname(fileURLToPath(import.meta.url));
export const DEFAULT_WEB_DIST = resolve(here, '../../web/dist');

export interface AppOptions {
  /** pino options for Fastify's own logger; tests pass false */
  logger?: boolean;
}

/** A hop count becomes the function proxy-addr expects: trust the nearest N hops. */
function fastifyTrustProxy(t: TrustProxy): boolean | string[] | ((addr: string, hop: number) => boolean) {
  return typeof t === 'number' ? (_addr, hop) => hop < t : t;
}

/** buildApp: platform plugins → module routes → error handler. */
export async function buildApp(deps: Deps, opts: AppOptions = {}): Promise<FastifyInstance> {
  const idPrefix = newToken(deps.random, 6);
  let requestCount = 0;
  const app = Fastify({
    logger:
      opts.logger === false
        ? false
        : { level: deps.config.logLevel, redact: { paths: REDACT_PATHS, censor: '[redacted]' } },
    trustProxy: fastifyTrustProxy(deps.config.trustProxy),
    bodyLimit: 1024 * 1024,
    requestIdHeader: false,
    // unique, not secret: a random prefix per app and a counter (a CSPRNG call per request showed in profiles)
    genReqId: () => `${idPrefix}${(requestCount++).toString(36).padStart(8, '0')}`,
    return503OnClosing: true,
    routerOptions: { maxParamLength: 200 },
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);

  const security = securityHeaders(deps.config.https);
  app.addHook('onRequest', (req, reply, done) => {
    reply.headers(security(req));
    reply.header('x-request-id', req.id);
    done();
  });
  // before every route, so each (API, pages, /openapi.json, errors) gets it
  registerCompression(app);
  await app.register(fastifyCookie);

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Kameng API', version: '1.0.0', description: 'Kameng (卡盟) virtual-goods marketplace' },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          cookie: { type: 'apiKey', in: 'cookie', name: 'kameng_session' },
        },
      },
    },
    // operationIds, security from each route's auth guard, response descriptions (platform/http/openapi.ts)
    transform: openapiTransform,
    // puts the schemas named with .meta({ id }) under components, where the $refs point
    transformObject: openapiTransformObject,
  });
  // the app's CSP covers /docs too: the plugin's own (staticCSP) refuses the reference's inline styles and
  // always asks for upgrade-insecure-requests
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });

  // Every API route must say who may call it; a route that forgets fails at start-up, not in production.
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/')) return;
    if (route.config?.auth === undefined) throw new Error(`route ${route.method} ${route.url} declares no auth guard`);
  });

  const csrfKey = deriveKey(deps.config.masterKey, 'csrf');
  const ipLimit = { max: deps.config.rateLimitPerMinute, windowMs: MINUTE };

  app.decorateRequest('auth', null);
  app.addHook('onRequest', async (req) => {
    if (!req.url.startsWith('/api/')) return;
    const config = req.routeOptions.config;
    if (deps.limiter.enabled && config?.ipLimit !== false) await deps.limiter.consume(`ip:${req.ip}`, ipLimit);
    const guard = config?.auth;
    if (guard === undefined) return;
    const presented = readToken(req);
    if (presented) {
      req.auth = await authenticate(deps, presented.token, presented.via, req.ip);
      if (!req.auth && guard !== 'public')
        throw new AppError('UNAUTHENTICATED', 'Your session has ended; sign in again');
    }
    enforceGuard(guard, req.auth);
    if (req.auth) checkCsrf(req, req.auth, csrfKey);
    const limit = config?.rateLimit;
    if (limit && deps.limiter.enabled) {
      const who = limit.by === 'user' && req.auth ? `u:${req.auth.userId}` : `ip:${req.ip}`;
      await deps.limiter.consume(`route:${req.routeOptions.url}:${who}`, limit);
    }
  });

  registerMetrics(app, deps);
  for (const m of deps.modules) {
    for (const r of m.routes ?? []) await app.register(r.plugin(deps), { prefix: r.prefix ?? '/api/v1' });
  }

  await registerWeb(app, deps.config.webDistDir ?? DEFAULT_WEB_DIST, deps);
  return app;
}
