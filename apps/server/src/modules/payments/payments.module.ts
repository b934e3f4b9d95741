import { masterKeyRotation } from '../../platform/master-key.ts';
import type { KamengModule } from '../../platform/module.ts';
import * as m0006 from './migrations/0006-payments.ts';
import * as m0008 from './migrations/0008-payment-channels.ts';
import * as m0010 from './migrations/0010-payment-channel-providers.ts';
import { rotateChannelSecrets } from './payments.channels.ts';
import { paymentPaid, paymentRefund } from './payments.hooks.ts';
import { paymentsMetrics } from './payments.metrics.ts';
import { paymentsJobs } from './payments.jobs.ts';
import { paymentsRoutes } from './payments.routes.ts';
import { bookTopUp, refundTopUp } from './payments.top-ups.ts';

/** Payments, the channels that take the money, their notifications, queries, refunds and reconciliation. */
export const paymentsModule: KamengModule = {
  name: 'payments',
  migrations: { '0006-payments': m0006, '0008-payment-channels': m0008, '0010-payment-channel-providers': m0010 },
  // also serves the gateway notifications and the sandbox gateway's pages outside /api/v1
  routes: [{ plugin: paymentsRoutes, prefix: '' }],
  jobs: paymentsJobs,
  metrics: paymentsMetrics,
  // what a paid or refunded payment means belongs to its purpose's owner: orders provides "order"
  requires: [paymentPaid, paymentRefund],
  install: (deps) => {
    deps.hooks.provide(paymentPaid, bookTopUp, 'top_up');
    deps.hooks.provide(paymentRefund, refundTopUp, 'top_up');
    deps.hooks.on(masterKeyRotation, rotateChannelSecrets);
  },
};
