import type { KamengModule } from '../../platform/module.ts';
import { paymentPaid, paymentRefund } from '../payments/payments.hooks.ts';
import { siteOverlay } from '../site/site.hooks.ts';
import * as m0021 from './migrations/0021-agents.ts';
import { bookOpeningFee, refundOpeningFee } from './agents.opening.ts';
import { agentAdminRoutes, agentRoutes } from './agents.routes.ts';
import { siteBranding } from './agents.sites.ts';

/** 分站: agents, their sub-sites on the platform's subdomains or their own domains, markups and sub-agents. */
export const agentsModule: KamengModule = {
  name: 'agents',
  migrations: { '0021-agents': m0021 },
  routes: [{ plugin: agentRoutes }, { plugin: agentAdminRoutes }],
  install: (deps) => {
    // GET /site on an agent's Host answers his branding over the platform's
    deps.hooks.provide(siteOverlay, siteBranding);
    // the opening fee is a payment of its own purpose: booked and refunded here
    deps.hooks.provide(paymentPaid, bookOpeningFee, 'agent_opening');
    deps.hooks.provide(paymentRefund, refundOpeningFee, 'agent_opening');
  },
};
