import type { KamengModule } from '../../platform/module.ts';
import * as m0010 from './migrations/0010-disputes.ts';
import { disputesJobs } from './disputes.jobs.ts';
import { disputesRoutes } from './disputes.routes.ts';

/** After-sales cases: the buyer opens, the supplier answers, the platform arbitrates; escrow frozen meanwhile. */
export const disputesModule: KamengModule = {
  name: 'disputes',
  migrations: { '0010-disputes': m0010 },
  routes: [{ plugin: disputesRoutes }],
  jobs: disputesJobs,
};
