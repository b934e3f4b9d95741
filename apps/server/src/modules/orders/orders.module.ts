import type { KamengModule } from '../../platform/module.ts';
import * as m0005 from './migrations/0005-orders.ts';
import { ordersJobs } from './orders.jobs.ts';
import { ordersRoutes } from './orders.routes.ts';

/** Carts, checkout, the order state machine, reservations, delivery and sales reports. */
export const ordersModule: KamengModule = {
  name: 'orders',
  migrations: { '0005-orders': m0005 },
  routes: [{ plugin: ordersRoutes }],
  jobs: ordersJobs,
};
