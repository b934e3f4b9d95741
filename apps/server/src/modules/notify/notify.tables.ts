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

export interface NotifyTables {
  notices: NoticesTable;
}

declare module '../../platform/db/schema.ts' {
  interface DB extends NotifyTables {}
}
