import type { KamengModule } from '../../platform/module.ts';
import * as m0005 from './migrations/0005-orders.ts';
import { personalDataSection } from '../accounts/accounts.hooks.ts';
import * as m0015 from './migrations/0015-idempotency-and-export-indexes.ts';
import { paymentPaid, paymentRefund } from '../payments/payments.hooks.ts';
import { orderPaid } from './orders.checkout.ts';
import { ordersMetrics } from './orders.metrics.ts';
import { ordersJobs } from './orders.jobs.ts';
import { refundOrderPayment } from './orders.refunds.ts';
import { ordersRoutes } from './orders.routes.ts';
import { sitePrices } from '../catalog/catalog.hooks.ts';
import { sitePricesFor } from './orders.pricing.ts';
import { listBuyerOrders } from './orders.views.ts';

/** Carts, checkout, the order state machine, reservations, delivery and sales reports. */
export const ordersModule: KamengModule = {
  name: 'orders',
  migrations: { '0005-orders': m0005, '0015-idempotency-and-export-indexes': m0015 },
  routes: [{ plugin: ordersRoutes }],
  jobs: ordersJobs,
  metrics: ordersMetrics,
  install: (deps) => {
    // a paid order payment runs the rest of the purchase (orders.checkout.ts); its refund goes through the order
    deps.hooks.provide(paymentPaid, orderPaid, 'order');
    deps.hooks.provide(paymentRefund, refundOrderPayment, 'order');
    // an agent's 分站 lists and shows products at the prices checkout charges there (orders.pricing.ts)
    deps.hooks.provide(sitePrices, sitePricesFor);
    // PIPL: the buyer's orders (the latest 500) in his data export
    deps.hooks.provide(personalDataSection, (d, auth) => listBuyerOrders(d, auth, { limit: 500, offset: 0 }), 'orders');
  },
};
