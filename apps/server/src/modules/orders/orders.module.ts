import type { KamengModule } from '../../platform/module.ts';
import { ordersJobs } from './orders.jobs.ts';
import { ordersRoutes } from './orders.routes.ts';

/** Carts, checkout, the order state machine, reservations, delivery and sales reports. */
export const ordersModule: KamengModule = {
  name: 'orders',
  routes: [{ plugin: ordersRoutes }],
  jobs: ordersJobs,
};
