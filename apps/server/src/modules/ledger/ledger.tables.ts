import type { Millis } from '../../platform/db/schema.ts';

/** What an account is for; the part of its id before the colon. */
export type AccountKind =
  | 'wallet'
  | 'supplier_held'
  | 'supplier_available'
  | 'supplier_withdrawing'
  | 'agent_held'
  | 'agent_available'
  | 'agent_withdrawing'
  | 'platform'
  | 'clearing'
  | 'payouts';

export interface LedgerAccountsTable {
  /** `wallet:usr_…`, `supplier_held:usr_…`, `platform:commission`, `clearing:alipay`, `payouts:external` … */
  id: string;
  kind: AccountKind;
  /** the user whose money it is; null for platform, clearing and payout accounts */
  owner_id: string | null;
  /** 1 for platform, clearing and payout accounts; wallets and supplier accounts never go below zero */
  may_go_negative: number;
  balance_cents: number;
  created_at: Millis;
}

export interface JournalEntriesTable {
  /** the idempotency id chosen by the caller, e.g. `topup:pay_…`, `sale:ord_…` */
  id: string;
  kind: string;
  ref_type: string | null;
  ref_id: string | null;
  memo: string | null;
  /** sha256 over the entry's transfers, to tell a replay (same hash) from a clash (different hash) */
  transfers_hash: string;
  created_at: Millis;
}

export interface PostingsTable {
  id: string;
  entry_id: string;
  account_id: string;
  /** signed: negative on the account money leaves, positive on the account it reaches */
  amount_cents: number;
  created_at: Millis;
}

export type HoldStatus = 'pending' | 'posted' | 'voided' | 'frozen';

export interface HoldsTable {
  order_id: string;
  supplier_id: string;
  share_cents: number;
  commission_cents: number;
  /** the account the buyer paid from; a voided hold goes back to the refund destination the caller names */
  payer: string;
  status: HoldStatus;
  /** while frozen: the part of share_cents and commission_cents an after-sales case holds back (0016) */
  frozen_share_cents: number;
  frozen_commission_cents: number;
  release_at: Millis;
  resolved_at: Millis | null;
  created_at: Millis;
}

/**
 * An agent's margin inside a sale's hold (0021): it settles to his available balance with the supplier's
 * share and goes back to the buyer when the hold is voided; a partial refund takes its proportion.
 */
export interface HoldSharesTable {
  order_id: string;
  /** the agent's user id */
  agent_id: string;
  /** what is still held for him */
  amount_cents: number;
  /** what the sale gave him */
  original_cents: number;
  /** of amount_cents, what an after-sales case holds back (0 unless the hold is frozen) */
  frozen_cents: number;
}

export type CommissionScope = 'platform' | 'category' | 'supplier';

export interface CommissionRatesTable {
  scope: CommissionScope;
  /** '' for the platform rate */
  scope_id: string;
  rate_bps: number;
  updated_by: string | null;
  updated_at: Millis;
}

export interface PayoutAccountsTable {
  id: string;
  user_id: string;
  kind: 'alipay' | 'bank';
  holder_name: string;
  bank_name: string | null;
  /** AES-256-GCM under a key derived from the master key, bound to the row id */
  account_enc: string;
  account_last4: string;
  created_at: Millis;
}

export type WithdrawalStatus = 'pending' | 'approved' | 'paid' | 'rejected' | 'failed';

export interface WithdrawalsTable {
  id: string;
  /** the payee's user id (a supplier's, or an agent's when payee_kind is 'agent') */
  supplier_id: string;
  /** whose balance it is paid from (0021): 'supplier' or 'agent' */
  payee_kind: 'supplier' | 'agent';
  amount_cents: number;
  payout_account_id: string;
  status: WithdrawalStatus;
  /** 2 when the amount was above the second-approval threshold at request time */
  required_approvals: number;
  first_approver: string | null;
  first_approved_at: Millis | null;
  second_approver: string | null;
  second_approved_at: Millis | null;
  reason: string | null;
  /** the bank's or Alipay's reference for the transfer, recorded on mark-paid */
  payout_ref: string | null;
  decided_by: string | null;
  created_at: Millis;
  approved_at: Millis | null;
  paid_at: Millis | null;
  rejected_at: Millis | null;
  failed_at: Millis | null;
  updated_at: Millis;
}

/** Tables owned by the ledger module. */
export interface LedgerTables {
  ledger_accounts: LedgerAccountsTable;
  journal_entries: JournalEntriesTable;
  postings: PostingsTable;
  holds: HoldsTable;
  hold_shares: HoldSharesTable;
  commission_rates: CommissionRatesTable;
  payout_accounts: PayoutAccountsTable;
  withdrawals: WithdrawalsTable;
}

declare module '../../platform/db/schema.ts' {
  interface DB extends LedgerTables {}
}
