import { adminCarouselSchema, carouselSchema, setCarouselBodySchema } from '@kameng/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Deps } from '../../platform/deps.ts';
import { requireAuth } from '../../platform/http/auth.ts';
import { errorResponses, metaOf } from '../../platform/http/route-helpers.ts';
import * as carousel from './carousel.service.ts';

const operators = ['operator', 'admin'] as const;

/** The home page's recommendation carousel; registered by catalogRoutes under the same prefix. */
export function carouselRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/carousel',
      {
        schema: {
          tags: ['catalog'],
          summary: "The home page's recommendation carousel: live slots with products on sale, in order",
          response: { 200: carouselSchema, ...errorResponses() },
        },
        config: { auth: 'public' },
      },
      async () => carousel.carousel(deps),
    );

    app.get(
      '/admin/carousel',
      {
        schema: {
          tags: ['admin'],
          summary: 'Every carousel slot, with whether it shows now',
          response: { 200: adminCarouselSchema, ...errorResponses(401, 403) },
        },
        config: { auth: operators },
      },
      async () => carousel.adminCarousel(deps),
    );

    app.put(
      '/admin/carousel',
      {
        schema: {
          tags: ['admin'],
          summary: 'Replace the carousel: up to 10 slots in the order given; audited',
          body: setCarouselBodySchema,
          response: { 200: adminCarouselSchema, ...errorResponses(401, 403, 422) },
        },
        config: { auth: operators },
      },
      async (req) => carousel.setCarousel(deps, requireAuth(req), req.body, metaOf(req)),
    );
  };
}
