import type { Millis } from '../../platform/db/schema.ts';

export type AgentStatus = 'pending' | 'awaiting_fee' | 'approved' | 'rejected';
export type DomainStatus = 'pending' | 'approved' | 'rejected';

/** An agent's application and, once approved, his 分站 (one per user). */
export interface AgentsTable {
  /** `agt_…`: the application's and the site's id */
  id: string;
  user_id: string;
  /** the parent agent's user id; null for a top agent (directly under the platform) */
  parent_user_id: string | null;
  /** 1 for a top agent, parent's depth + 1 below */
  depth: number;
  status: AgentStatus;
  site_name: string;
  subdomain: string;
  custom_domain: string | null;
  custom_domain_status: DomainStatus | null;
  logo_url: string | null;
  notice: string | null;
  contact: string | null;
  /** JSON: [{imageUrl, link}] */
  carousel: string;
  /** the site's default markup on what he pays */
  markup_bps: number;
  markup_cents: number;
  /** the opening fee's payment, when the operator set a fee */
  opening_payment_id: string | null;
  reason: string | null;
  decided_by: string | null;
  decided_at: Millis | null;
  created_at: Millis;
  updated_at: Millis;
}

/** What an agent sells and at what markup: a product overrides its category, a category the site default. */
export interface AgentMarkupsTable {
  agent_user_id: string;
  scope: 'product' | 'category';
  scope_id: string;
  markup_bps: number;
  markup_cents: number;
  updated_at: Millis;
}

/** 密价: a price an agent grants one customer for one product (never below what he pays). */
export interface AgentUserPricesTable {
  agent_user_id: string;
  user_id: string;
  product_id: string;
  price_cents: number;
  updated_at: Millis;
}

/** The 分站 an order was placed on. */
export interface OrderSitesTable {
  order_id: string;
  agent_user_id: string;
  created_at: Millis;
}

/** Each agent's cost, price and margin on one order item, decided when the order was priced. */
export interface OrderAgentSharesTable {
  order_id: string;
  item_id: string;
  agent_user_id: string;
  depth: number;
  cost_cents: number;
  price_cents: number;
  margin_cents: number;
  quantity: number;
  /** margin × quantity */
  amount_cents: number;
}

export interface AgentsTables {
  agents: AgentsTable;
  agent_markups: AgentMarkupsTable;
  agent_user_prices: AgentUserPricesTable;
  order_sites: OrderSitesTable;
  order_agent_shares: OrderAgentSharesTable;
}

declare module '../../platform/db/schema.ts' {
  interface DB extends AgentsTables {}
}
