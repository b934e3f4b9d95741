import type { KamengModule } from '../../platform/module.ts';
import * as m0005 from './migrations/0005-orders.ts';
import * as m0016 from './migrations/0016-idempotency-and-export-indexes.ts';
import { paymentPaid, paymentRefund } from '../payments/payments.hooks.ts';
import { orderPaid } from './orders.checkout.ts';
import { ordersJobs } from './orders.jobs.ts';
import { refundOrderPayment } from './orders.refunds.ts';
import { ordersRoutes } from './orders.routes.ts';

/** Carts, checkout, the order state machine, reservations, delivery and sales reports. */
export const ordersModule: KamengModule = {
  name: 'orders',
  migrations: { '0005-orders': m0005, '0016-idempotency-and-export-indexes': m0016 },
  routes: [{ plugin: ordersRoutes }],
  jobs: ordersJobs,
  install: (deps) => {
    // a paid order payment runs the rest of the purchase (orders.checkout.ts); its refund goes through the order
    deps.hooks.provide(paymentPaid, orderPaid, 'order');
    deps.hooks.provide(paymentRefund, refundOrderPayment, 'order');
  },
};
