import {
  buyLevelBodySchema,
  buyLevelResponseSchema,
  createdIdSchema,
  createLevelBodySchema,
  levelListSchema,
  levelPricesBodySchema,
  levelPricesSchema,
  levelSchema,
  okSchema,
  setUserLevelBodySchema,
  updateLevelBodySchema,
  userLevelSchema,
  userPriceBodySchema,
  userPriceListSchema,
} from '@kameng/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../platform/deps.ts';
import { requireAuth } from '../../platform/http/auth.ts';
import { errorResponses, idempotencyHeaders, metaOf } from '../../platform/http/route-helpers.ts';
import * as members from './members.service.ts';

const idParams = z.strictObject({ id: z.string().min(1).max(64) });
const operators = ['operator', 'admin'] as const;
const suppliers = ['supplier'] as const;

export function membersRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    // ── operators ──

    app.get(
      '/admin/levels',
      {
        schema: {
          tags: ['members'],
          summary: 'Every member level, lowest rank first, with its benefits',
          response: { 200: levelListSchema, ...errorResponses(401, 403) },
        },
        config: { auth: operators },
      },
      async () => members.listLevels(deps),
    );

    app.post(
      '/admin/levels',
      {
        schema: {
          tags: ['members'],
          summary: 'Define a member level (audited)',
          body: createLevelBodySchema,
          response: { 201: createdIdSchema, ...errorResponses(401, 403, 404, 409) },
        },
        config: { auth: operators },
      },
      async (req, reply) =>
        reply.status(201).send(await members.createLevel(deps, requireAuth(req), req.body, metaOf(req))),
    );

    app.put(
      '/admin/levels/:id',
      {
        schema: {
          tags: ['members'],
          summary: 'Replace a member level (audited)',
          params: idParams,
          body: updateLevelBodySchema,
          response: { 200: levelSchema, ...errorResponses(401, 403, 404, 409) },
        },
        config: { auth: operators },
      },
      async (req) => members.updateLevel(deps, requireAuth(req), req.params.id, req.body, metaOf(req)),
    );

    app.delete(
      '/admin/levels/:id',
      {
        schema: {
          tags: ['members'],
          summary: 'Delete a member level; users granted it fall back to the level their spend reaches (audited)',
          params: idParams,
          response: { 200: okSchema, ...errorResponses(401, 403, 404) },
        },
        config: { auth: operators },
      },
      async (req) => {
        await members.deleteLevel(deps, requireAuth(req), req.params.id, metaOf(req));
        return { ok: true as const };
      },
    );

    app.get(
      '/admin/users/:id/level',
      {
        schema: {
          tags: ['members'],
          summary: "A user's level, spend and grant",
          params: idParams,
          response: { 200: userLevelSchema, ...errorResponses(401, 403, 404) },
        },
        config: { auth: operators },
      },
      async (req) => members.adminUserLevel(deps, req.params.id),
    );

    app.put(
      '/admin/users/:id/level',
      {
        schema: {
          tags: ['members'],
          summary: 'Grant a user a level, or take the grant away with null (audited)',
          params: idParams,
          body: setUserLevelBodySchema,
          response: { 200: userLevelSchema, ...errorResponses(401, 403, 404) },
        },
        config: { auth: operators },
      },
      async (req) => members.setUserLevel(deps, requireAuth(req), req.params.id, req.body.levelId, metaOf(req)),
    );

    // ── members ──

    app.get(
      '/me/level',
      {
        schema: {
          tags: ['members'],
          summary: 'My level, my progress to the next, and what every level gives',
          response: { 200: userLevelSchema, ...errorResponses(401) },
        },
        config: { auth: 'user' },
      },
      async (req) => members.userLevel(deps.db, requireAuth(req).userId),
    );

    app.post(
      '/me/level/upgrades',
      {
        schema: {
          tags: ['members'],
          summary: 'Buy a level at its price: the wallet pays at once, a channel at its cashier',
          headers: idempotencyHeaders,
          body: buyLevelBodySchema,
          response: { 201: buyLevelResponseSchema, 200: buyLevelResponseSchema, ...errorResponses(401, 404, 409, 422) },
        },
        config: { auth: 'user' },
      },
      async (req, reply) => {
        const r = await members.buyLevel(deps, requireAuth(req), req.body, req.headers['idempotency-key']);
        return reply.status(r.replayed ? 200 : 201).send(r.value);
      },
    );

    // ── suppliers ──

    app.get(
      '/supplier/products/:id/level-prices',
      {
        schema: {
          tags: ['members'],
          summary: 'My prices of this product per member level',
          params: idParams,
          response: { 200: levelPricesSchema, ...errorResponses(401, 403, 404) },
        },
        config: { auth: suppliers },
      },
      async (req) => members.getLevelPrices(deps, requireAuth(req), req.params.id),
    );

    app.put(
      '/supplier/products/:id/level-prices',
      {
        schema: {
          tags: ['members'],
          summary: 'Replace my prices of this product per member level',
          params: idParams,
          body: levelPricesBodySchema,
          response: { 200: levelPricesSchema, ...errorResponses(401, 403, 404) },
        },
        config: { auth: suppliers },
      },
      async (req) => members.setLevelPrices(deps, requireAuth(req), req.params.id, req.body.items, metaOf(req)),
    );

    app.get(
      '/supplier/products/:id/user-prices',
      {
        schema: {
          tags: ['members'],
          summary: 'The buyers I granted a price (密价) on this product',
          params: idParams,
          response: { 200: userPriceListSchema, ...errorResponses(401, 403, 404) },
        },
        config: { auth: suppliers },
      },
      async (req) => members.listUserPrices(deps, requireAuth(req), req.params.id),
    );

    app.post(
      '/supplier/products/:id/user-prices',
      {
        schema: {
          tags: ['members'],
          summary: 'Grant a buyer (by email or phone) a price (密价) on this product; a second grant replaces it',
          params: idParams,
          body: userPriceBodySchema,
          response: { 201: createdIdSchema, ...errorResponses(401, 403, 404, 422) },
        },
        config: { auth: suppliers },
      },
      async (req, reply) =>
        reply
          .status(201)
          .send(await members.grantUserPrice(deps, requireAuth(req), req.params.id, req.body, metaOf(req))),
    );

    app.delete(
      '/supplier/products/:id/user-prices/:priceId',
      {
        schema: {
          tags: ['members'],
          summary: 'Take back a price (密价) I granted',
          params: z.strictObject({ id: z.string().min(1).max(64), priceId: z.string().min(1).max(64) }),
          response: { 200: okSchema, ...errorResponses(401, 403, 404) },
        },
        config: { auth: suppliers },
      },
      async (req) => {
        await members.deleteUserPrice(deps, requireAuth(req), req.params.id, req.params.priceId, metaOf(req));
        return { ok: true as const };
      },
    );
  };
}
