import type { KamengModule } from '../../platform/module.ts';
import { paymentsJobs } from './payments.jobs.ts';
import { paymentsRoutes } from './payments.routes.ts';

/** Payments, the channels that take the money, their notifications, queries, refunds and reconciliation. */
export const paymentsModule: KamengModule = {
  name: 'payments',
  // also serves the gateway notifications and the sandbox gateway's pages outside /api/v1
  routes: [{ plugin: paymentsRoutes, prefix: '' }],
  jobs: paymentsJobs,
};
