import type { ColumnType, Generated } from 'kysely';
import type { CatalogTables } from '../../modules/catalog/catalog.tables.ts';
import type { LedgerTables } from '../../modules/ledger/ledger.tables.ts';
import type { NotifyTables } from '../../modules/notify/notify.tables.ts';
import type { OrdersTables } from '../../modules/orders/orders.tables.ts';
import type { PaymentsTables } from '../../modules/payments/payments.tables.ts';
import type { VaultTables } from '../../modules/vault/vault.tables.ts';

/** Epoch milliseconds, stored as bigint on PostgreSQL and INTEGER on SQLite. */
export type Millis = number;

export interface UsersTable {
  id: string;
  email: string | null;
  phone: string | null;
  password_hash: string;
  status: 'active' | 'frozen';
  email_verified_at: Millis | null;
  phone_verified_at: Millis | null;
  totp_secret_enc: string | null;
  totp_enabled_at: Millis | null;
  totp_last_step: number | null;
  password_changed_at: Millis;
  created_at: Millis;
  updated_at: Millis;
}

export interface UserRolesTable {
  user_id: string;
  role: 'buyer' | 'supplier' | 'operator' | 'arbitrator' | 'admin';
  granted_at: Millis;
  granted_by: string | null;
}

export interface SessionsTable {
  id: string;
  user_id: string;
  token_hash: string;
  created_at: Millis;
  last_seen_at: Millis;
  expires_at: Millis;
  reauth_at: Millis;
  revoked_at: Millis | null;
  ip: string | null;
  user_agent: string | null;
}

export interface RecoveryCodesTable {
  id: string;
  user_id: string;
  code_hash: string;
  used_at: Millis | null;
  created_at: Millis;
}

export interface VerificationCodesTable {
  id: string;
  purpose: 'verify' | 'reset';
  channel: 'email' | 'sms';
  target: string;
  code_hash: string;
  attempts: number;
  expires_at: Millis;
  consumed_at: Millis | null;
  created_at: Millis;
}

export interface SupplierApplicationsTable {
  id: string;
  user_id: string;
  shop_name: string;
  contact: string;
  real_name: string;
  note: string | null;
  status: 'pending' | 'approved' | 'rejected';
  reason: string | null;
  reviewed_by: string | null;
  reviewed_at: Millis | null;
  created_at: Millis;
}

export interface AuditLogTable {
  id: string;
  actor_id: string | null;
  action: string;
  object_type: string | null;
  object_id: string | null;
  ip: string | null;
  details: string | null;
  created_at: Millis;
}

export interface JobsTable {
  id: string;
  type: string;
  payload: string;
  status: 'queued' | 'running' | 'done' | 'dead';
  run_at: Millis;
  attempts: number;
  max_attempts: number;
  locked_by: string | null;
  locked_until: Millis | null;
  last_error: string | null;
  unique_key: string | null;
  created_at: Millis;
  updated_at: Millis;
}

export interface SettingsTable {
  key: string;
  value: string;
  updated_at: Millis;
}

export interface DB extends CatalogTables, VaultTables, LedgerTables, OrdersTables, PaymentsTables, NotifyTables {
  users: UsersTable;
  user_roles: UserRolesTable;
  sessions: SessionsTable;
  recovery_codes: RecoveryCodesTable;
  verification_codes: VerificationCodesTable;
  supplier_applications: SupplierApplicationsTable;
  audit_log: AuditLogTable;
  jobs: JobsTable;
  settings: SettingsTable;
  // test-only table created by the jobs tests; kept typed so the tests stay strict
  job_test_runs: { job_id: string; worker: string; started_at: Millis; finished_at: ColumnType<Millis | null> };
}

export type { Generated };
