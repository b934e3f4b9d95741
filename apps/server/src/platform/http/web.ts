import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Deps } from '../deps.ts';
import { AppError } from './errors.ts';
import { matchWebRoute, noIndex, type PageHead, pageHead, siteOrigin, withHead } from './web-pages.ts';

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
export async function registerWeb(app: FastifyInstance, distDir: string, deps: Deps): Promise<void> {
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
  app.setNotFoundHandler(async (req, reply) => {
    const apiLike = /^\/(api|sandbox|docs|openapi\.json|healthz|readyz|metrics)(\/|$|\?)/.test(req.url);
    if ((req.method === 'GET' || req.method === 'HEAD') && !apiLike && indexHtml) {
      const page = await renderPage(deps, req, indexHtml);
      return reply
        .code(page.status)
        .type('text/html; charset=utf-8')
        .header('cache-control', REVALIDATE)
        .send(page.html);
    }
    throw new AppError('NOT_FOUND', `No route for ${req.method} ${req.url.split('?')[0]}`);
  });
}

/**
 * index.html for a page of the app, with that page's head when a module provides one (pageHead); 404 for a
 * path the app does not know or a page whose object does not exist, the app's own "not found" in the body.
 */
async function renderPage(
  deps: Deps,
  req: FastifyRequest,
  indexHtml: string,
): Promise<{ status: number; html: string }> {
  const url = new URL(req.url, 'http://local');
  const route = matchWebRoute(url.pathname);
  if (!route) return { status: 404, html: noIndex(indexHtml) };
  const key = deps.hooks.has(pageHead, route.pattern) ? route.pattern : deps.hooks.has(pageHead, '*') ? '*' : null;
  let head: PageHead | null = { title: '' };
  if (key) {
    try {
      head = await deps.hooks.get(pageHead, key)(deps, { params: route.params, query: url.searchParams });
    } catch (err) {
      // the page still works without its head: the app fills the page in
      req.log.warn({ err }, 'page head failed');
      return { status: 200, html: indexHtml };
    }
  }
  if (!head) return { status: 404, html: noIndex(indexHtml) };
  if (!head.title) return { status: 200, html: indexHtml };
  const origin = siteOrigin(deps, req);
  const html = withHead(
    indexHtml,
    head,
    `${origin}${url.pathname}${route.pattern === '/search' ? url.search : ''}`,
    origin,
  );
  // the consoles and a buyer's own pages are nobody's search result
  const privatePage = /^\/(account|supplier|admin|cashier|orders)(\/|$)/.test(url.pathname);
  return { status: 200, html: privatePage || head.noindex ? noIndex(html) : html };
}
