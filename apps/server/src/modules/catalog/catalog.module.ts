import type { KamengModule } from '../../platform/module.ts';
import * as m0002 from './migrations/0002-catalog.ts';
import * as m0009 from './migrations/0009-carousel.ts';
import { stockCounts } from './catalog.hooks.ts';
import { catalogJobs } from './catalog.jobs.ts';
import { catalogRoutes } from './catalog.routes.ts';

/** Categories, products, review, the storefront's cached pages and the carousel. */
export const catalogModule: KamengModule = {
  name: 'catalog',
  migrations: { '0002-catalog': m0002, '0009-carousel': m0009 },
  routes: [{ plugin: catalogRoutes }],
  jobs: catalogJobs,
  // card-key stock: the vault counts its keys
  requires: [stockCounts],
};
