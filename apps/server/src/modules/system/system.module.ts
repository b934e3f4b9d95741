import type { KamengModule } from '../../platform/module.ts';
import { settingsRoutes } from './settings.routes.ts';
import { systemJobs } from './system.jobs.ts';
import { systemRoutes } from './system.routes.ts';

/** Health, readiness, the operator's site settings, and pruning old idempotency keys. */
export const systemModule: KamengModule = {
  name: 'system',
  routes: [{ plugin: systemRoutes, prefix: '' }, { plugin: settingsRoutes }],
  jobs: systemJobs,
};
