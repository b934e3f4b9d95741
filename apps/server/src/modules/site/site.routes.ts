import {
  type SitePageName,
  sitePageNameSchema,
  sitePageSchema,
  siteSettingsAdminSchema,
  siteSettingsInputSchema,
  siteSettingsSchema,
} from '@kameng/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../platform/deps.ts';
import { requireAuth } from '../../platform/http/auth.ts';
import { AppError } from '../../platform/http/errors.ts';
import { errorResponses, metaOf } from '../../platform/http/route-helpers.ts';
import { siteOrigin } from '../../platform/http/web-pages.ts';
import { siteOverlay } from './site.hooks.ts';
import { robotsTxt } from './site.pages.ts';
import * as site from './site.service.ts';

export function siteRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/site',
      {
        schema: {
          tags: ['site'],
          summary: "The site's name, logo, record numbers (ICP, 公安联网备案), 客服 and announcements",
          response: { 200: siteSettingsSchema, ...errorResponses() },
        },
        config: { auth: 'public' },
      },
      async (req) => {
        const settings = await site.siteSettings(deps);
        const overlay = deps.hooks.has(siteOverlay) ? await deps.hooks.get(siteOverlay)(deps, req.headers.host) : null;
        if (!overlay) return settings;
        // an agent's 分站: his name and logo over the platform's; the record numbers stay the platform's
        return {
          ...settings,
          name: overlay.siteName,
          logoUrl: overlay.logoUrl ?? settings.logoUrl,
          agentSite: overlay,
        };
      },
    );

    app.get(
      '/site/pages/:page',
      {
        schema: {
          tags: ['site'],
          summary: 'The terms of service or the privacy policy',
          params: z.object({ page: sitePageNameSchema }),
          response: { 200: sitePageSchema, ...errorResponses(404) },
        },
        config: { auth: 'public' },
      },
      async (req) => {
        const page: SitePageName = req.params.page;
        const text = (await site.siteSettingsFull(deps))[page];
        if (!text) throw new AppError('NOT_FOUND', 'This page has not been written yet');
        return { page, text };
      },
    );

    app.get(
      '/admin/site',
      {
        schema: {
          tags: ['admin'],
          summary: "The site's settings as operators edit them",
          response: { 200: siteSettingsAdminSchema, ...errorResponses(401, 403) },
        },
        config: { auth: ['operator', 'admin'] },
      },
      async () => site.siteSettingsFull(deps),
    );

    app.put(
      '/admin/site',
      {
        schema: {
          tags: ['admin'],
          summary: "Replace the site's settings (operators); audited",
          body: siteSettingsInputSchema,
          response: { 200: siteSettingsAdminSchema, ...errorResponses(401, 403) },
        },
        config: { auth: ['operator', 'admin'] },
      },
      async (req) => site.replaceSiteSettings(deps, requireAuth(req), req.body, metaOf(req)),
    );
  };
}

/** Plain files a crawler asks for at the site's root. */
export function siteRootRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/robots.txt', { schema: { hide: true } }, async (req, reply) =>
      reply
        .type('text/plain; charset=utf-8')
        .header('cache-control', 'public, max-age=3600')
        .send(robotsTxt(siteOrigin(deps, req))),
    );
  };
}
