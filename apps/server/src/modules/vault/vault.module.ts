import type { KamengModule } from '../../platform/module.ts';
import { stockCounts } from '../catalog/catalog.service.ts';
import { availableCounts } from './vault.allocation.ts';
import { vaultJobs } from './vault.jobs.ts';
import { vaultRoutes } from './vault.routes.ts';

/** Card keys: encrypted imports, allocation, reveal. */
export const vaultModule: KamengModule = {
  name: 'vault',
  routes: [{ plugin: vaultRoutes }],
  jobs: vaultJobs,
  install: (deps) => deps.hooks.provide(stockCounts, availableCounts),
};
