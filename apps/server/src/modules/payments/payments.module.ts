import type { KamengModule } from '../../platform/module.ts';
import * as m0006 from './migrations/0006-payments.ts';
import * as m0008 from './migrations/0008-payment-channels.ts';
import { paymentsJobs } from './payments.jobs.ts';
import { paymentsRoutes } from './payments.routes.ts';

/** Payments, the channels that take the money, their notifications, queries, refunds and reconciliation. */
export const paymentsModule: KamengModule = {
  name: 'payments',
  migrations: { '0006-payments': m0006, '0008-payment-channels': m0008 },
  // also serves the gateway notifications and the sandbox gateway's pages outside /api/v1
  routes: [{ plugin: paymentsRoutes, prefix: '' }],
  jobs: paymentsJobs,
};
