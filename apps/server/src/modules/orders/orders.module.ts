import { masterKeyRotation } from '../../platform/master-key.ts';
import type { KamengModule } from '../../platform/module.ts';
import * as m0016 from './migrations/0016-after-sales.ts';
import * as m0005 from './migrations/0005-orders.ts';
import { personalDataSection } from '../accounts/accounts.hooks.ts';
import * as m0015 from './migrations/0015-idempotency-and-export-indexes.ts';
import * as m0018 from './migrations/0018-order-origin.ts';
import * as m0020 from './migrations/0020-member-levels.ts';
import { quotePrices } from '../agents/agents.hooks.ts';
import { buyerPrices } from '../catalog/catalog.service.ts';
import { paymentPaid, paymentRefund } from '../payments/payments.hooks.ts';
import { orderPaid } from './orders.checkout.ts';
import { ordersMetrics } from './orders.metrics.ts';
import { ordersJobs } from './orders.jobs.ts';
import { listingPrices, quoteItems } from './orders.pricing.ts';
import { refundOrderPayment } from './orders.refunds.ts';
import { ordersRoutes } from './orders.routes.ts';
import { listBuyerOrders, rotateDeliveries } from './orders.views.ts';

/** Carts, checkout, the order state machine, reservations, delivery and sales reports. */
export const ordersModule: KamengModule = {
  name: 'orders',
  migrations: {
    '0005-orders': m0005,
    '0015-idempotency-and-export-indexes': m0015,
    '0016-after-sales': m0016,
    '0018-order-origin': m0018,
    '0020-member-levels': m0020,
  },
  routes: [{ plugin: ordersRoutes }],
  jobs: ordersJobs,
  metrics: ordersMetrics,
  install: (deps) => {
    // a paid order payment runs the rest of the purchase (orders.checkout.ts); its refund goes through the order
    deps.hooks.provide(paymentPaid, orderPaid, 'order');
    deps.hooks.provide(paymentRefund, refundOrderPayment, 'order');
    // the catalog's pages show each buyer, on the platform's site or an agent's 分站, what checkout will charge
    deps.hooks.provide(buyerPrices, listingPrices);
    // an agent's console shows his own cost from the same function
    deps.hooks.provide(quotePrices, (d, party, products, quantities) =>
      quoteItems(d.readDb, d, party, products, quantities),
    );
    // PIPL: the buyer's orders (the latest 500) in his data export
    deps.hooks.provide(personalDataSection, (d, auth) => listBuyerOrders(d, auth, { limit: 500, offset: 0 }), 'orders');
    deps.hooks.on(masterKeyRotation, rotateDeliveries);
  },
};
