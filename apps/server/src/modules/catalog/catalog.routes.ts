import { compiledSerializer } from '../../platform/http/compiled-serializer.ts';
import {
  approveProductBodySchema,
  bannedWordsSchema,
  categorySchema,
  categoryTreeSchema,
  coverUploadResponseSchema,
  createCategoryBodySchema,
  createProductBodySchema,
  createProductResponseSchema,
  manageProductListSchema,
  manageProductsQuerySchema,
  okSchema,
  productDetailSchema,
  productManageSchema,
  productSearchQuerySchema,
  productSearchResultSchema,
  rejectProductBodySchema,
  setBannedWordsBodySchema,
  takedownBodySchema,
  updateCategoryBodySchema,
  updateProductBodySchema,
} from '@kameng/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../platform/deps.ts';
import { requireAuth } from '../../platform/http/auth.ts';
import { errorResponses, metaOf } from '../../platform/http/route-helpers.ts';
import { siteOrigin } from '../../platform/http/web-pages.ts';
import { MINUTE } from '../../platform/rate-limit.ts';
import { carouselRoutes } from './carousel.routes.ts';
import type { JsonEntry } from './catalog.cache.ts';
import { sitemapXml } from './catalog.seo.ts';
import * as catalog from './catalog.service.ts';

const idParams = z.strictObject({ id: z.string().min(1).max(64) });
const operators = ['operator', 'admin'] as const;
const suppliers = ['supplier'] as const;
const IMAGE_CONTENT_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'application/octet-stream'];

const JSON_TYPE = 'application/json; charset=utf-8';

function holds(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch === etag || ifNoneMatch.trim() === '*') return true;
  return ifNoneMatch.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
}

/**
 * A cached public response goes out as the bytes it was serialised to when the entry was filled (validated
 * then, against the route's schema): no serialiser runs. A client that already holds them gets 304.
 */
function viewerOf(req: FastifyRequest): catalog.PriceViewer {
  return { buyerId: req.auth?.userId ?? null, host: req.headers.host };
}

function sendEntry(req: FastifyRequest, reply: FastifyReply, entry: JsonEntry<unknown>): FastifyReply {
  reply.header('etag', entry.etag);
  if (holds(req.headers['if-none-match'], entry.etag)) return reply.code(304).send();
  return reply.header('content-type', JSON_TYPE).send(entry.body);
}

export function catalogRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    // cover images arrive as the raw request body; the type is decided by the bytes, not this header
    app.addContentTypeParser(
      IMAGE_CONTENT_TYPES,
      { parseAs: 'buffer', bodyLimit: catalog.MAX_COVER_BYTES },
      (_req, body, done) => done(null, body),
    );

    // ── categories ──

    app.get(
      '/categories',
      {
        schema: {
          tags: ['catalog'],
          summary: 'The category tree with its facets',
          response: { 200: categoryTreeSchema, ...errorResponses() },
        },
        config: { auth: 'public' },
      },
      async (req, reply) => sendEntry(req, reply, await catalog.categoryTree(deps)),
    );

    app.post(
      '/admin/categories',
      {
        schema: {
          tags: ['admin'],
          summary: 'Create a category (at the top, or under parentId)',
          body: createCategoryBodySchema,
          response: { 201: categorySchema, ...errorResponses(401, 403, 409, 422) },
        },
        config: { auth: operators },
      },
      async (req, reply) =>
        reply.status(201).send(await catalog.createCategory(deps, requireAuth(req), req.body, metaOf(req))),
    );

    app.patch(
      '/admin/categories/:id',
      {
        schema: {
          tags: ['admin'],
          summary: 'Rename, move (parentId, null = top level) or change the facets of a category',
          params: idParams,
          body: updateCategoryBodySchema,
          response: { 200: categorySchema, ...errorResponses(401, 403, 404, 409, 422) },
        },
        config: { auth: operators },
      },
      async (req) => catalog.updateCategory(deps, requireAuth(req), req.params.id, req.body, metaOf(req)),
    );

    app.delete(
      '/admin/categories/:id',
      {
        schema: {
          tags: ['admin'],
          summary: 'Delete a category that has no sub-categories and no products',
          params: idParams,
          response: { 200: okSchema, ...errorResponses(401, 403, 404, 409) },
        },
        config: { auth: operators },
      },
      async (req) => {
        await catalog.deleteCategory(deps, requireAuth(req), req.params.id, metaOf(req));
        return { ok: true as const };
      },
    );

    // ── public catalog ──

    app.get(
      '/products',
      {
        schema: {
          tags: ['catalog'],
          summary: 'Search products on sale: text, category (and below), facets, price range, sort',
          querystring: productSearchQuerySchema,
          response: { 200: productSearchResultSchema, ...errorResponses() },
        },
        serializerCompiler: compiledSerializer,
        config: { auth: 'public' },
      },
      async (req, reply) => {
        const entry = await catalog.searchProducts(deps, req.query);
        // a buyer with prices of his own, or a 分站 (its Host), gets his copy; everyone else the shared cached one
        const mine = await catalog.listForViewer(deps, viewerOf(req), entry.value);
        if (!mine) return sendEntry(req, reply, entry);
        reply.header('vary', 'host');
        return mine;
      },
    );

    app.get(
      '/products/:id',
      {
        schema: {
          tags: ['catalog'],
          summary: 'A product page (its supplier and operators also see it before approval)',
          params: idParams,
          response: { 200: productDetailSchema, ...errorResponses(404) },
        },
        serializerCompiler: compiledSerializer,
        config: { auth: 'public' },
      },
      async (req, reply) => {
        const page = await catalog.productDetail(deps, req.auth, req.params.id);
        const shown = 'public' in page ? page.public.value : page.own;
        const mine = await catalog.detailForViewer(deps, viewerOf(req), shown);
        if (!mine) return 'public' in page ? sendEntry(req, reply, page.public) : page.own;
        reply.header('vary', 'host');
        return mine;
      },
    );

    app.get(
      '/uploads/:name',
      {
        schema: {
          tags: ['catalog'],
          summary: 'An uploaded image (product covers)',
          params: z.strictObject({ name: z.string().max(64) }),
          response: {
            200: z.unknown().describe('the image bytes: image/png, image/jpeg or image/webp'),
            ...errorResponses(404),
          },
        },
        config: { auth: 'public' },
      },
      async (req, reply) => {
        const file = await catalog.readUpload(deps, req.params.name);
        // names are random and never reused, so the file never changes
        return reply
          .type(file.contentType)
          .header('cache-control', 'public, max-age=31536000, immutable')
          .send(file.body);
      },
    );

    // ── suppliers ──

    app.post(
      '/supplier/products',
      {
        schema: {
          tags: ['supplier'],
          summary: 'Create a product; it waits for review before it is listed',
          body: createProductBodySchema,
          response: { 201: createProductResponseSchema, ...errorResponses(401, 403, 422) },
        },
        config: { auth: suppliers, rateLimit: { max: 60, windowMs: MINUTE, by: 'user' } },
      },
      async (req, reply) =>
        reply.status(201).send(await catalog.createProduct(deps, requireAuth(req), req.body, metaOf(req))),
    );

    app.get(
      '/supplier/products',
      {
        schema: {
          tags: ['supplier'],
          summary: 'My products, newest first',
          querystring: manageProductsQuerySchema.omit({ supplierId: true }),
          response: { 200: manageProductListSchema, ...errorResponses(401, 403) },
        },
        config: { auth: suppliers },
      },
      async (req) => catalog.myProducts(deps, requireAuth(req), req.query),
    );

    app.get(
      '/supplier/products/:id',
      {
        schema: {
          tags: ['supplier'],
          summary: 'One of my products',
          params: idParams,
          response: { 200: productManageSchema, ...errorResponses(401, 403, 404) },
        },
        config: { auth: suppliers },
      },
      async (req) => catalog.getMyProduct(deps, requireAuth(req), req.params.id),
    );

    app.patch(
      '/supplier/products/:id',
      {
        schema: {
          tags: ['supplier'],
          summary:
            'Edit my product: title, description, price, tiers, category or delivery mode send it back to review',
          params: idParams,
          body: updateProductBodySchema,
          response: { 200: productManageSchema, ...errorResponses(401, 403, 404, 409, 422) },
        },
        config: { auth: suppliers, rateLimit: { max: 120, windowMs: MINUTE, by: 'user' } },
      },
      async (req) => catalog.updateProduct(deps, requireAuth(req), req.params.id, req.body, metaOf(req)),
    );

    app.post(
      '/supplier/products/:id/cover',
      {
        schema: {
          tags: ['supplier'],
          summary: 'Upload the cover image: the raw PNG, JPEG or WebP bytes as the body, at most 2 MB',
          params: idParams,
          response: { 200: coverUploadResponseSchema, ...errorResponses(401, 403, 404, 413, 415) },
        },
        bodyLimit: catalog.MAX_COVER_BYTES,
        config: { auth: suppliers, rateLimit: { max: 30, windowMs: MINUTE, by: 'user' } },
      },
      async (req) => catalog.uploadCover(deps, requireAuth(req), req.params.id, req.body, metaOf(req)),
    );

    // ── review ──

    app.get(
      '/admin/products',
      {
        schema: {
          tags: ['admin'],
          summary: 'Products by status, e.g. the review queue (status=pending_review)',
          querystring: manageProductsQuerySchema,
          response: { 200: manageProductListSchema, ...errorResponses(401, 403) },
        },
        config: { auth: operators },
      },
      async (req) => catalog.listProductsForReview(deps, req.query),
    );

    app.post(
      '/admin/products/:id/approve',
      {
        schema: {
          tags: ['admin'],
          summary: 'Approve a product under review: it is listed at once',
          params: idParams,
          body: approveProductBodySchema,
          response: { 200: productManageSchema, ...errorResponses(401, 403, 404, 409) },
        },
        config: { auth: operators },
      },
      async (req) => catalog.approveProduct(deps, requireAuth(req), req.params.id, req.body?.revision, metaOf(req)),
    );

    app.post(
      '/admin/products/:id/reject',
      {
        schema: {
          tags: ['admin'],
          summary: 'Reject a product under review, or take an approved one off the market, with a reason',
          params: idParams,
          body: rejectProductBodySchema,
          response: { 200: productManageSchema, ...errorResponses(401, 403, 404, 409) },
        },
        config: { auth: operators },
      },
      async (req) => catalog.rejectProduct(deps, requireAuth(req), req.params.id, req.body, metaOf(req)),
    );

    app.get(
      '/admin/banned-words',
      {
        schema: {
          tags: ['admin'],
          summary: 'Words refused in product titles and descriptions',
          response: { 200: bannedWordsSchema, ...errorResponses(401, 403) },
        },
        config: { auth: operators },
      },
      async () => catalog.getBannedWords(deps),
    );

    app.put(
      '/admin/banned-words',
      {
        schema: {
          tags: ['admin'],
          summary: 'Replace the banned-word list',
          body: setBannedWordsBodySchema,
          response: { 200: bannedWordsSchema, ...errorResponses(401, 403) },
        },
        config: { auth: operators },
      },
      async (req) => catalog.setBannedWords(deps, requireAuth(req), req.body.words, metaOf(req)),
    );

    app.post(
      '/admin/products/:id/takedown',
      {
        schema: {
          tags: ['admin'],
          summary: 'Take a product down (违规下架) with a reason the supplier sees; he cannot put it back on sale',
          params: idParams,
          body: takedownBodySchema,
          response: { 200: productManageSchema, ...errorResponses(401, 403, 404, 409) },
        },
        config: { auth: operators },
      },
      async (req) => catalog.takeDownProduct(deps, requireAuth(req), req.params.id, req.body.reason, metaOf(req)),
    );

    app.delete(
      '/admin/products/:id/takedown',
      {
        schema: {
          tags: ['admin'],
          summary: 'Lift a takedown; the supplier may then put the product back on sale',
          params: idParams,
          response: { 200: productManageSchema, ...errorResponses(401, 403, 404, 409) },
        },
        config: { auth: operators },
      },
      async (req) => catalog.liftTakedown(deps, requireAuth(req), req.params.id, metaOf(req)),
    );

    await app.register(carouselRoutes(deps));
  };
}

/** sitemap.xml at the site's root: every public product's and category's page. */
export function catalogRootRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/sitemap.xml', { schema: { hide: true } }, async (req, reply) =>
      reply
        .type('application/xml; charset=utf-8')
        .header('cache-control', 'public, max-age=600')
        .send(await sitemapXml(deps, siteOrigin(deps, req))),
    );
  };
}
