import type { Millis } from '../../platform/db/schema.ts';

export interface MemberLevelsTable {
  id: string;
  name: string;
  /** higher is better; unique */
  rank: number;
  /** the level's discount on every product, bps of the list/tier price */
  discount_bps: number;
  /** a supplier at this level pays this fraction less commission (bps of the rate) */
  fee_discount_bps: number;
  /** cumulative spend that reaches it; null: not reached by spend */
  spend_threshold_cents: number | null;
  /** bought as an upgrade for this; null: not for sale */
  upgrade_price_cents: number | null;
  /** 专属客服 shown to members of this level */
  service_contact: string | null;
  created_at: Millis;
  updated_at: Millis;
}

/** A level's discount on one product or one category (and below), instead of its own. */
export interface MemberLevelDiscountsTable {
  level_id: string;
  scope: 'product' | 'category';
  scope_id: string;
  discount_bps: number;
}

export type GrantSource = 'purchase' | 'operator';

export interface MemberUsersTable {
  user_id: string;
  /** paid orders less their refunds, in fen */
  spend_cents: number;
  /** a level bought or granted by an operator: the user is at least at it, whatever his spend */
  granted_level_id: string | null;
  granted_by: GrantSource | null;
  granted_at: Millis | null;
  updated_at: Millis;
}

/** One change of a user's spend: `paid:<orderId>` or `refund:<refundId>`; each counts once. */
export interface MemberSpendTable {
  id: string;
  user_id: string;
  order_id: string;
  delta_cents: number;
  created_at: Millis;
}

export type UpgradeStatus = 'pending' | 'paid' | 'refunded';

/** A level upgrade bought through a payment (purpose `level_upgrade`). */
export interface MemberUpgradesTable {
  payment_id: string;
  user_id: string;
  level_id: string;
  amount_cents: number;
  status: UpgradeStatus;
  created_at: Millis;
  updated_at: Millis;
}

/** A supplier's price of his product for members of a level. */
export interface MemberLevelPricesTable {
  product_id: string;
  level_id: string;
  supplier_id: string;
  price_cents: number;
  updated_at: Millis;
}

/** 密价: a price a supplier granted one buyer for one of his products. */
export interface MemberUserPricesTable {
  id: string;
  supplier_id: string;
  product_id: string;
  user_id: string;
  price_cents: number;
  created_at: Millis;
}

export interface MembersTables {
  member_levels: MemberLevelsTable;
  member_level_discounts: MemberLevelDiscountsTable;
  member_users: MemberUsersTable;
  member_spend: MemberSpendTable;
  member_upgrades: MemberUpgradesTable;
  member_level_prices: MemberLevelPricesTable;
  member_user_prices: MemberUserPricesTable;
}

declare module '../../platform/db/schema.ts' {
  interface DB extends MembersTables {}
}
