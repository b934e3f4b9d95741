import type { KamengModule } from '../../platform/module.ts';
import * as m0023 from './migrations/0023-export-jobs.ts';
import { exportsJobs } from './exports.jobs.ts';
import { exportsRoutes } from './exports.routes.ts';

/** Large exports run as jobs: progress, a download link for the requester only, files that expire. */
export const exportsModule: KamengModule = {
  name: 'exports',
  migrations: { '0023-export-jobs': m0023 },
  routes: [{ plugin: exportsRoutes }],
  jobs: exportsJobs,
};
