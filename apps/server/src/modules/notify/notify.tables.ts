import type { Millis } from '../../platform/db/schema.ts';

/** In-site messages: what any module tells a user (low stock, and later disputes, payouts …). */
export interface NoticesTable {
  id: string;
  user_id: string;
  kind: string;
  title: string;
  body: string;
  /** an in-app path the notice points to */
  link: string | null;
  read_at: Millis | null;
  created_at: Millis;
}

/** An SMS gateway an operator configured; at most one is enabled. Secrets are one AES-256-GCM blob. */
export interface SmsGatewaysTable {
  provider: string;
  enabled: number;
  /** JSON: what the operator sees back (key id, sign name, template codes, endpoint) */
  settings: string;
  secrets_enc: string | null;
  updated_by: string | null;
  created_at: Millis;
  updated_at: Millis;
}

export interface NotifyTables {
  notices: NoticesTable;
  sms_gateways: SmsGatewaysTable;
}

declare module '../../platform/db/schema.ts' {
  interface DB extends NotifyTables {}
}
