import type { Millis } from '../../platform/db/schema.ts';

export interface UsersTable {
  id: string;
  email: string | null;
  phone: string | null;
  /** '' for an account made by a third-party sign-in that never set a password */
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
  /** how the holder last proved it is him: password, totp, sms, oauth (null: before 0018, a password) */
  reauth_factor: 'password' | 'totp' | 'sms' | 'oauth' | null;
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

/** what a code proves: an address of one's own, a password reset, a step-up, or a guest's orders (the orders module) */
export type CodePurpose = 'verify' | 'reset' | 'step_up' | 'order_lookup';

export interface VerificationCodesTable {
  id: string;
  purpose: CodePurpose;
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

/** A third-party sign-in app (WeChat 网站应用, QQ 互联) as an operator configured it. */
export interface OauthAppsTable {
  provider: string;
  enabled: number;
  settings: string;
  secrets_enc: string | null;
  updated_by: string | null;
  created_at: Millis;
  updated_at: Millis;
}

/** An account's identity at a third-party provider: its openid (per app) and unionid (across apps). */
export interface OauthIdentitiesTable {
  id: string;
  user_id: string;
  provider: 'wechat' | 'qq';
  openid: string;
  unionid: string | null;
  nickname: string | null;
  created_at: Millis;
}

/**
 * One sign-in in flight, stored by the hash of its `state`: which browser started it (the hash of a
 * cookie only that browser holds), what for, and whether it was spent. `totp` rows are the second step
 * of a third-party sign-in into an account with two-step sign-in.
 */
export interface OauthStatesTable {
  state_hash: string;
  provider: 'wechat' | 'qq';
  purpose: 'signin' | 'bind' | 'totp';
  browser_hash: string;
  user_id: string | null;
  return_to: string | null;
  expires_at: Millis;
  used_at: Millis | null;
  created_at: Millis;
}

/** An account its owner closed: the users row stays, its personal fields blanked. */
export interface AccountClosuresTable {
  user_id: string;
  closed_at: Millis;
  ip: string | null;
}

/** Tables owned by the accounts module. */
export interface AccountsTables {
  users: UsersTable;
  user_roles: UserRolesTable;
  sessions: SessionsTable;
  recovery_codes: RecoveryCodesTable;
  verification_codes: VerificationCodesTable;
  supplier_applications: SupplierApplicationsTable;
  oauth_apps: OauthAppsTable;
  oauth_identities: OauthIdentitiesTable;
  oauth_states: OauthStatesTable;
  account_closures: AccountClosuresTable;
}

declare module '../../platform/db/schema.ts' {
  interface DB extends AccountsTables {}
}
