import type { FastifyRequest } from 'fastify';
import type { Deps } from '../deps.ts';
import { defineHook } from '../hooks.ts';

/** A page's own head: what a crawler and a link preview read before the app runs. */
export interface PageHead {
  title: string;
  description?: string | null;
  /** an absolute URL or a path on this site */
  image?: string | null;
  type?: 'website' | 'product' | 'article';
  /** a page for the visitor but not for an index (a search for words the visitor typed) */
  noindex?: boolean;
}

export interface PageRequest {
  /** the path's parameters by name (`/products/:id` → { id }) */
  params: Record<string, string>;
  query: URLSearchParams;
}

/**
 * The head of the pages under one route pattern of the web app, keyed by that pattern (`/`, `/products/:id`);
 * null means there is no such page (an unknown product): the answer is 404. The key `*` gives the head of
 * every other page the app knows. Modules provide it so the platform knows no module.
 */
export const pageHead = defineHook<(deps: Deps, page: PageRequest) => Promise<PageHead | null>>('web.pageHead', {
  required: false,
});

/**
 * The paths the web app (apps/web/src/app.tsx) answers. Anything else is a 404, with the app's own
 * "not found" page in the body.
 */
export const WEB_ROUTES: readonly string[] = [
  '/',
  '/login',
  '/register',
  '/reset-password',
  '/search',
  '/cart',
  '/checkout',
  '/terms',
  '/privacy',
  '/products/:id',
  '/order-lookup',
  '/shops/:id',
  '/cashier/:id',
  '/oauth-sandbox/:provider',
  '/orders/:id',
  '/account/*',
  '/supplier/*',
  '/admin/*',
  '/agent/*',
];

/** The route pattern and parameters `path` falls under, or null for a path the app does not know. */
export function matchWebRoute(path: string): { pattern: string; params: Record<string, string> } | null {
  const segments = (p: string) => p.split('/').filter(Boolean);
  const parts = segments(path);
  for (const pattern of WEB_ROUTES) {
    const want = segments(pattern);
    const wild = want.at(-1) === '*';
    const fixed = wild ? want.slice(0, -1) : want;
    if (wild ? parts.length < fixed.length : parts.length !== fixed.length) continue;
    const params: Record<string, string> = {};
    const ok = fixed.every((w, i) => {
      const p = parts[i] ?? '';
      if (!w.startsWith(':')) return w === p;
      try {
        params[w.slice(1)] = decodeURIComponent(p);
        return true;
      } catch {
        return false;
      }
    });
    if (ok) return { pattern, params };
  }
  return null;
}

/** The site's address as visitors see it: PUBLIC_URL, else the request's own protocol and host. */
export function siteOrigin(deps: Deps, req: Pick<FastifyRequest, 'protocol' | 'host'>): string {
  return deps.config.publicUrl ?? `${req.protocol}://${req.host}`;
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** index.html with the page's title, description, canonical link and Open Graph tags in its head. */
export function withHead(indexHtml: string, head: PageHead, url: string, origin: string): string {
  const abs = (u: string) => (/^https?:\/\//i.test(u) ? u : `${origin}${u.startsWith('/') ? '' : '/'}${u}`);
  const tags = [
    head.description ? `<meta name="description" content="${escapeHtml(head.description)}" />` : '',
    `<link rel="canonical" href="${escapeHtml(url)}" />`,
    `<meta property="og:title" content="${escapeHtml(head.title)}" />`,
    `<meta property="og:type" content="${head.type ?? 'website'}" />`,
    `<meta property="og:url" content="${escapeHtml(url)}" />`,
    head.description ? `<meta property="og:description" content="${escapeHtml(head.description)}" />` : '',
    head.image ? `<meta property="og:image" content="${escapeHtml(abs(head.image))}" />` : '',
  ].filter(Boolean);
  const title = `<title>${escapeHtml(head.title)}</title>`;
  const block = `${title}\n    ${tags.join('\n    ')}\n`;
  if (!indexHtml.includes('</head>'))
    return indexHtml.replace(/^(<!doctype html>)?/i, (d) => `${d}<head>${block}</head>`);
  const html = indexHtml.replace(/<title>[^<]*<\/title>\s*/, '');
  return html.replace('</head>', () => `  ${block}  </head>`);
}

/** A crawler may index the page but should not follow it as content (404s, the consoles). */
export function noIndex(indexHtml: string): string {
  const tag = '<meta name="robots" content="noindex" />';
  if (!indexHtml.includes('</head>'))
    return indexHtml.replace(/^(<!doctype html>)?/i, (d) => `${d}<head>${tag}</head>`);
  return indexHtml.replace('</head>', () => `  ${tag}\n  </head>`);
}
