import type { KamengModule } from '../../platform/module.ts';
import * as m0016 from './migrations/0016-after-sales.ts';
import * as m0011 from './migrations/0011-disputes.ts';
import { supplierSuspended } from '../catalog/catalog.service.ts';
import { disputedOrderRefunded, settlementDelayed } from '../orders/orders.hooks.ts';
import { disputesJobs } from './disputes.jobs.ts';
import { disputesRoutes } from './disputes.routes.ts';
import { closeCaseOfRefundedOrder, settlementHeldFor, suspendedFromSale } from './disputes.service.ts';

/** After-sales cases: the buyer opens, the supplier answers, the platform arbitrates; escrow frozen meanwhile. */
export const disputesModule: KamengModule = {
  name: 'disputes',
  migrations: { '0011-disputes': m0011, '0016-after-sales': m0016 },
  routes: [{ plugin: disputesRoutes }],
  jobs: disputesJobs,
  // a supplier whose bad-faith score passed the operators' threshold keeps his escrow until an operator lifts it
  // and a supplier suspended from sale can put nothing on sale, nor sell, until an operator lifts it
  install: (deps) => {
    deps.hooks.provide(settlementDelayed, settlementHeldFor);
    deps.hooks.provide(supplierSuspended, suspendedFromSale);
    // an operator's full refund of a disputed order ends its case
    deps.hooks.provide(disputedOrderRefunded, closeCaseOfRefundedOrder);
  },
};
