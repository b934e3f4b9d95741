/**
 * The agents module's public face (分站): applications, sites resolved from a request's Host, the chain of
 * agents and their markups that prices a 分站 sale, and each agent's share of an order.
 */
export {
  apply,
  decide,
  decideDomain,
  listApplications,
  agentSettings,
  listDomainRequests,
  setAgentSettings,
  myApplication,
  mySubAgents,
  requestDomain,
} from './agents.applications.ts';
export {
  agentBalance,
  getMarkups,
  myAgent,
  myCustomers,
  myOrders,
  mySite,
  setMarkups,
  setUserPrice,
  updateMySite,
} from './agents.console.ts';
export { myCosts } from './agents.costs.ts';
export { type QuotedProduct, quotePrices } from './agents.hooks.ts';
export { OPENING_FEE_REVENUE, payOpeningFee } from './agents.opening.ts';
export { type ItemShares, orderAgentShares, recordOrderSite, siteOfOrder } from './agents.orders.ts';
export { type AgentSite, resolveSite, type SiteChain, siteChainFor, siteDomain } from './agents.sites.ts';
