import type { KamengModule } from '../../platform/module.ts';
import { stockCounts } from './catalog.hooks.ts';
import { catalogJobs } from './catalog.jobs.ts';
import { catalogRoutes } from './catalog.routes.ts';

/** Categories, products, review, the storefront's cached pages and the carousel. */
export const catalogModule: KamengModule = {
  name: 'catalog',
  routes: [{ plugin: catalogRoutes }],
  jobs: catalogJobs,
  // card-key stock: the vault counts its keys
  requires: [stockCounts],
};
