import { pageHead } from '../../platform/http/web-pages.ts';
import type { KamengModule } from '../../platform/module.ts';
import * as m0013 from './migrations/0013-site.ts';
import { homeHead, sitePageHead } from './site.pages.ts';
import { siteRootRoutes, siteRoutes } from './site.routes.ts';

/** The site's own settings: name, logo, ICP and 公安 record numbers, 客服, announcements, terms and privacy; robots.txt. */
export const siteModule: KamengModule = {
  name: 'site',
  migrations: { '0013-site': m0013 },
  routes: [{ plugin: siteRoutes }, { plugin: siteRootRoutes, prefix: '' }],
  install: (deps) => {
    deps.hooks.provide(pageHead, homeHead, '/');
    deps.hooks.provide(pageHead, homeHead, '*');
    deps.hooks.provide(pageHead, (d) => sitePageHead(d, 'terms'), '/terms');
    deps.hooks.provide(pageHead, (d) => sitePageHead(d, 'privacy'), '/privacy');
  },
};
