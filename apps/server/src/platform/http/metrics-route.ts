import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../deps.ts';
import { createMetrics, eventLoopMetrics, jobMetrics, poolMetrics } from '../metrics.ts';
import { clusterMetrics } from '../metrics-cluster.ts';
import { AppError } from './errors.ts';

/**
 * The route a request matched, as a label: the static files of the web app are one route per file, and a
 * deploy renames every hashed asset, so they count together.
 */
export function routeLabel(url: string | undefined): string {
  if (url === undefined) return 'unmatched';
  return url.startsWith('/assets/') ? '/assets/*' : url;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * `GET /metrics` in Prometheus text: this process's HTTP figures, the platform's job queue and pool, and
 * what every module counts (its descriptor's `metrics`). Closed unless METRICS_TOKEN is set, and then only
 * to `Authorization: Bearer <token>`: the figures tell a competitor the shop's sales.
 */
export function registerMetrics(app: FastifyInstance, deps: Deps): void {
  const token = deps.config.metricsToken;
  const loop = eventLoopMetrics();
  app.addHook('onClose', async () => loop.stop());
  const metrics = createMetrics(
    [...jobMetrics(deps.db, () => deps.clock.now()), ...deps.modules.flatMap((m) => m.metrics?.(deps) ?? [])],
    [...poolMetrics(deps.poolStats), ...loop.sources],
  );
  // in a cluster child: every child's own figures, summed by the primary
  const ownText = clusterMetrics(metrics.own) ?? (() => metrics.own.metrics());

  app.addHook('onResponse', (req, reply, done) => {
    metrics.observe(req.method, routeLabel(req.routeOptions.url), reply.statusCode, reply.elapsedTime / 1000);
    done();
  });

  app.get('/metrics', { schema: { hide: true } }, async (req, reply) => {
    if (!token) throw new AppError('NOT_FOUND', 'No route for GET /metrics');
    const m = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
    if (!m?.[1] || !timingSafeEqual(digest(m[1]), digest(token))) {
      throw new AppError('UNAUTHENTICATED', 'GET /metrics needs Authorization: Bearer <METRICS_TOKEN>');
    }
    const [shared, own] = await Promise.all([metrics.shared.metrics(), ownText()]);
    return reply.type(metrics.shared.contentType).header('cache-control', 'no-store').send(`${shared}\n${own}`);
  });
}
