import type { KamengModule } from '../../platform/module.ts';
import * as m0005 from './migrations/0005-orders.ts';
import { paymentPaid, paymentRefund } from '../payments/payments.hooks.ts';
import { orderPaid } from './orders.checkout.ts';
import { ordersMetrics } from './orders.metrics.ts';
import { ordersJobs } from './orders.jobs.ts';
import { refundOrderPayment } from './orders.refunds.ts';
import { ordersRoutes } from './orders.routes.ts';

/** Carts, checkout, the order state machine, reservations, delivery and sales reports. */
export const ordersModule: KamengModule = {
  name: 'orders',
  migrations: { '0005-orders': m0005 },
  routes: [{ plugin: ordersRoutes }],
  jobs: ordersJobs,
  metrics: ordersMetrics,
  install: (deps) => {
    // a paid order payment runs the rest of the purchase (orders.checkout.ts); its refund goes through the order
    deps.hooks.provide(paymentPaid, orderPaid, 'order');
    deps.hooks.provide(paymentRefund, refundOrderPayment, 'order');
  },
};
