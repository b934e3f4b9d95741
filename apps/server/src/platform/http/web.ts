import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { AppError } from './errors.ts';

/** Vite names what it puts under assets/ by content hash: a changed file is a new URL. */
const HASHED = 'public, max-age=31536000, immutable';
/** Everything else (index.html, favicon) is checked again on every use, by ETag. */
const REVALIDATE = 'no-cache';

/** The files the build left a `.br` or `.gz` copy of (apps/web/vite.config.ts: precompress), relative to the dist. */
function precompressed(distDir: string): Set<string> {
  const have = new Set<string>();
  for (const entry of readdirSync(distDir, { recursive: true, encoding: 'utf8' })) {
    const m = /^(.*)\.(br|gz)$/.exec(entry);
    if (m?.[1]) have.add(m[1].split(sep).join('/'));
  }
  return have;
}

/**
 * Serves the built web app at `/`, with deep links falling back to index.html. Hashed assets go out
 * as their build-time brotli or gzip copy when the browser accepts one (no compression per request).
 */
export async function registerWeb(app: FastifyInstance, distDir: string): Promise<void> {
  const indexFile = join(distDir, 'index.html');
  const hasWeb = existsSync(indexFile);
  if (hasWeb) {
    const compressed = precompressed(distDir);
    await app.register(fastifyStatic, {
      root: distDir,
      prefix: '/',
      wildcard: false,
      index: false,
      preCompressed: true,
      cacheControl: false,
      setHeaders: (res, path) => {
        const file = relative(distDir, path).split(sep).join('/');
        const original = file.replace(/\.(br|gz)$/, '');
        res.setHeader('cache-control', original.startsWith('assets/') ? HASHED : REVALIDATE);
        // a cache between us and the browser (nginx, a CDN) must keep one copy per encoding
        if (compressed.has(original)) res.setHeader('vary', 'Accept-Encoding');
      },
    });
  }
  const indexHtml = hasWeb ? readFileSync(indexFile, 'utf8') : null;
  app.setNotFoundHandler((req, reply) => {
    const apiLike = /^\/(api|sandbox|docs|openapi\.json|healthz|readyz)(\/|$|\?)/.test(req.url);
    if (req.method === 'GET' && !apiLike && indexHtml) {
      return reply.type('text/html; charset=utf-8').header('cache-control', REVALIDATE).send(indexHtml);
    }
    throw new AppError('NOT_FOUND', `No route for ${req.method} ${req.url.split('?')[0]}`);
  });
}
