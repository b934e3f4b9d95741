import type { KamengModule } from '../../platform/module.ts';
import { notifyJobs } from './notify.jobs.ts';
import { notifyRoutes } from './notify.routes.ts';

/** In-site notices and the email that follows them. */
export const notifyModule: KamengModule = {
  name: 'notify',
  routes: [{ plugin: notifyRoutes }],
  jobs: notifyJobs,
};
