import type { Millis } from '../../platform/db/schema.ts';

export type PaymentStatus = 'pending' | 'paid' | 'failed' | 'closed';
export type Provider = 'balance' | 'sandbox' | 'alipay' | 'wechat' | 'epay';

export interface PaymentsTable {
  id: string;
  purpose: 'order' | 'top_up';
  order_id: string | null;
  user_id: string | null;
  provider: Provider;
  amount_cents: number;
  status: PaymentStatus;
  provider_trade_id: string | null;
  expires_at: Millis;
  paid_at: Millis | null;
  created_at: Millis;
  updated_at: Millis;
}

export interface PaymentNotificationsTable {
  id: string;
  provider: string;
  payment_id: string | null;
  outcome: string;
  detail: string | null;
  received_at: Millis;
}

export interface RefundsTable {
  id: string;
  payment_id: string;
  order_id: string | null;
  amount_cents: number;
  destination: 'wallet' | 'original';
  reason: string;
  status: 'pending' | 'succeeded' | 'failed';
  created_at: Millis;
  updated_at: Millis;
}

/** The built-in sandbox gateway's own books: what a real provider would hold on its side. */
export interface SandboxTradesTable {
  payment_id: string;
  trade_no: string;
  amount_cents: number;
  status: 'paid' | 'failed';
  acknowledged_at: Millis | null;
  created_at: Millis;
}

export interface PaymentsTables {
  payments: PaymentsTable;
  payment_notifications: PaymentNotificationsTable;
  refunds: RefundsTable;
  sandbox_trades: SandboxTradesTable;
}
