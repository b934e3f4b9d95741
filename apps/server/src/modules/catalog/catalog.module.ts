import { pageHead } from '../../platform/http/web-pages.ts';
import type { KamengModule } from '../../platform/module.ts';
import * as m0002 from './migrations/0002-catalog.ts';
import * as m0009 from './migrations/0009-carousel.ts';
import { stockCounts } from './catalog.hooks.ts';
import { catalogJobs } from './catalog.jobs.ts';
import { catalogRootRoutes, catalogRoutes } from './catalog.routes.ts';
import { productHead, searchHead } from './catalog.seo.ts';

/** Categories, products, review, the storefront's cached pages and the carousel. */
export const catalogModule: KamengModule = {
  name: 'catalog',
  migrations: { '0002-catalog': m0002, '0009-carousel': m0009 },
  routes: [{ plugin: catalogRoutes }, { plugin: catalogRootRoutes, prefix: '' }],
  jobs: catalogJobs,
  // card-key stock: the vault counts its keys
  requires: [stockCounts],
  install: (deps) => {
    // the storefront's pages answer with their own title, description and Open Graph tags
    deps.hooks.provide(pageHead, productHead, '/products/:id');
    deps.hooks.provide(pageHead, searchHead, '/search');
  },
};
