import type { ChannelProviderDto } from '@kameng/contracts';
import type { Millis } from '../../platform/db/schema.ts';

export type PaymentStatus = 'pending' | 'paid' | 'failed' | 'closed';
export type Provider = 'balance' | 'sandbox' | ChannelProvider;

export interface PaymentsTable {
  id: string;
  purpose: 'order' | 'top_up' | 'level_upgrade' | 'agent_opening';
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
  /** how the buyer pays at the channel: one of the channel's scenes (its definition in @kameng/contracts) */
  scene: string | null;
  pay_url: string | null;
  qr_code: string | null;
  /** the channel's fee rate when the payment was created, booked as channel cost when it is paid */
  fee_bps: number;
  next_query_at: Millis | null;
  query_attempts: number;
  provider_closed_at: Millis | null;
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
  /** the idempotency key sent to the channel (out_request_no / out_refund_no), fixed before the first attempt */
  channel_refund_no: string | null;
  provider_refund_id: string | null;
  attempts: number;
  last_error: string | null;
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

/** the real channels, as the payment-channel registry of @kameng/contracts lists them */
export type ChannelProvider = ChannelProviderDto;

export interface PaymentChannelsTable {
  provider: ChannelProvider;
  enabled: number;
  environment: 'sandbox' | 'production';
  /** JSON array of enabled scenes */
  methods: string;
  fee_bps: number;
  /** JSON object of the non-secret settings (ids, endpoints, public keys, IP allow-list) */
  settings: string;
  /** encrypted JSON object of the secrets (private keys, API keys) */
  secrets_enc: string | null;
  updated_by: string | null;
  created_at: Millis;
  updated_at: Millis;
}

export interface ReconciliationReportsTable {
  id: string;
  provider: string;
  /** China Standard Time calendar day, YYYY-MM-DD */
  day: string;
  matched: number;
  missing_ours: number;
  missing_theirs: number;
  amount_mismatches: number;
  repaired: number;
  /** JSON array of the differences found */
  differences: string;
  created_by: string | null;
  created_at: Millis;
}

export interface PaymentsTables {
  payment_channels: PaymentChannelsTable;
  reconciliation_reports: ReconciliationReportsTable;
  payments: PaymentsTable;
  payment_notifications: PaymentNotificationsTable;
  refunds: RefundsTable;
  sandbox_trades: SandboxTradesTable;
}

declare module '../../platform/db/schema.ts' {
  interface DB extends PaymentsTables {}
}
