import type { KamengModule } from '../../platform/module.ts';
import { siteOverlay } from '../site/site.hooks.ts';
import * as m0021 from './migrations/0021-agents.ts';
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
  },
};
