import type { KamengModule } from '../../platform/module.ts';
import { jobsRoutes } from './jobs.routes.ts';
import { settingsRoutes } from './settings.routes.ts';
import { systemJobs } from './system.jobs.ts';
import { systemRoutes } from './system.routes.ts';

/** Health, readiness, the platform settings, the operators' dead-job queue, and pruning old idempotency keys. */
export const systemModule: KamengModule = {
  name: 'system',
  routes: [{ plugin: systemRoutes, prefix: '' }, { plugin: settingsRoutes }, { plugin: jobsRoutes }],
  jobs: systemJobs,
};
