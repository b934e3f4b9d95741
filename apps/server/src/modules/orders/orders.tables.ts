import type { Millis } from '../../platform/db/schema.ts';

export type OrderStatus =
  | 'pending_payment'
  | 'paid'
  | 'delivered'
  | 'completed'
  | 'cancelled'
  | 'refunded'
  | 'delivery_failed'
  | 'disputed';

export interface OrdersTable {
  id: string;
  buyer_id: string | null;
  guest_email: string | null;
  guest_lookup_hash: string | null;
  supplier_id: string;
  status: OrderStatus;
  amount_cents: number;
  payment_method: string;
  recipient_account: string | null;
  idempotency_key: string | null;
  request_hash: string | null;
  reserved_until: Millis;
  paid_at: Millis | null;
  delivered_at: Millis | null;
  completed_at: Millis | null;
  closed_at: Millis | null;
  needs_attention: number;
  /** how long after-sales cases kept the order open: added to its confirmation window (0016) */
  window_extension_ms: number;
  /** keyed hash of the buyer's device (user agent, fingerprint header, /24): a bad-faith signal (0016) */
  device_hash: string | null;
  /** the client address the order was placed from (null: placed before 0018) */
  created_ip: string | null;
  created_at: Millis;
  updated_at: Millis;
}

export interface OrderItemsTable {
  id: string;
  order_id: string;
  product_id: string;
  category_id: string;
  title: string;
  delivery_mode: 'auto' | 'manual' | 'direct';
  quantity: number;
  unit_price_cents: number;
  amount_cents: number;
  /** the rule that gave unit_price_cents (contracts/pricing.ts PriceRule); null before 0020 */
  price_rule: string | null;
  /** what the supplier's sale is worth per unit; null before 0020 (= unit_price_cents) */
  platform_unit_cents: number | null;
}

export interface OrderEventsTable {
  id: string;
  order_id: string;
  /** 1, 2, 3 … per order: the order of transitions, even within one millisecond */
  seq: number;
  from_status: OrderStatus | null;
  to_status: OrderStatus;
  cause: string;
  created_at: Millis;
}

export interface OrderDeliveriesTable {
  order_id: string;
  content_enc: string;
  delivered_by: string;
  created_at: Millis;
}

export interface CartItemsTable {
  buyer_id: string;
  product_id: string;
  quantity: number;
  updated_at: Millis;
}

export interface OrdersTables {
  orders: OrdersTable;
  order_items: OrderItemsTable;
  order_events: OrderEventsTable;
  order_deliveries: OrderDeliveriesTable;
  cart_items: CartItemsTable;
}

declare module '../../platform/db/schema.ts' {
  interface DB extends OrdersTables {}
}
