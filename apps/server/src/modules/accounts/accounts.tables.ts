import type { Millis } from '../../platform/db/schema.ts';

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

/** Tables owned by the accounts module. */
export interface AccountsTables {
  users: UsersTable;
  user_roles: UserRolesTable;
  sessions: SessionsTable;
  recovery_codes: RecoveryCodesTable;
  verification_codes: VerificationCodesTable;
  supplier_applications: SupplierApplicationsTable;
}

declare module '../../platform/db/schema.ts' {
  interface DB extends AccountsTables {}
}
