import type { KamengModule } from '../../platform/module.ts';
import * as m0018 from './migrations/0018-compliance.ts';
import { listingCheck } from '../catalog/catalog.service.ts';
import { complianceJobs } from './compliance.jobs.ts';
import { complianceRoutes } from './compliance.routes.ts';
import { checkListing } from './compliance.service.ts';

/** Supplier qualifications (资质审核), category requirements, banned goods, and an order's traceability export. */
export const complianceModule: KamengModule = {
  name: 'compliance',
  migrations: { '0018-compliance': m0018 },
  routes: [{ plugin: complianceRoutes }],
  jobs: complianceJobs,
  // catalog asks before any listing: banned goods, and the qualification its category requires
  install: (deps) => deps.hooks.provide(listingCheck, checkListing),
};
