import type { KamengModule } from '../../platform/module.ts';
import * as m0007 from './migrations/0007-vault-imports.ts';
import { notifyJobs } from './notify.jobs.ts';
import { notifyRoutes } from './notify.routes.ts';

/** In-site notices and the email that follows them. */
export const notifyModule: KamengModule = {
  name: 'notify',
  migrations: { '0007-vault-imports': m0007 },
  routes: [{ plugin: notifyRoutes }],
  jobs: notifyJobs,
};
