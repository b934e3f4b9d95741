import type { KamengModule } from '../../platform/module.ts';
import { paymentPaid, paymentRefund } from '../payments/payments.hooks.ts';
import * as m0020 from './migrations/0020-member-levels.ts';
import { membersRoutes } from './members.routes.ts';
import { bookUpgrade, refundUpgrade } from './members.upgrades.ts';

/** Member levels: reached by spend, bought or granted; their discounts, suppliers' level prices and 密价. */
export const membersModule: KamengModule = {
  name: 'members',
  migrations: { '0020-member-levels': m0020 },
  routes: [{ plugin: membersRoutes }],
  install: (deps) => {
    // a bought level is a payment of its own purpose: booked and refunded here
    deps.hooks.provide(paymentPaid, bookUpgrade, 'level_upgrade');
    deps.hooks.provide(paymentRefund, refundUpgrade, 'level_upgrade');
  },
};
