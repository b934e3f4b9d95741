import type { AccountKind } from './ledger.tables.ts';

/**
 * An account id: `wallet:<userId>`, `supplier_held:<userId>`, `supplier_available:<userId>`,
 * `supplier_withdrawing:<userId>`, `platform:commission`, `platform:channel_fees`,
 * `clearing:<provider>`, `payouts:external`. Plain strings so callers can build them; the kind
 * (and with it whether the account may go negative) is read from the prefix, never passed in.
 */
export type AccountId = string;

export const PLATFORM_COMMISSION: AccountId = 'platform:commission';
export const PAYOUTS_EXTERNAL: AccountId = 'payouts:external';

export const walletAccount = (userId: string): AccountId => `wallet:${userId}`;
export const supplierAccounts = (supplierId: string) => ({
  held: `supplier_held:${supplierId}`,
  available: `supplier_available:${supplierId}`,
  withdrawing: `supplier_withdrawing:${supplierId}`,
});

/** An agent's margins on 分站 sales: held with the supplier's share, available once settled, withdrawing. */
export const agentAccounts = (agentUserId: string) => ({
  held: `agent_held:${agentUserId}`,
  available: `agent_available:${agentUserId}`,
  withdrawing: `agent_withdrawing:${agentUserId}`,
});

/** Who a withdrawal pays: a supplier (his sales) or an agent (his 分站 margins). */
export type PayeeKind = 'supplier' | 'agent';
export const payeeAccounts = (kind: PayeeKind, userId: string) =>
  kind === 'agent' ? agentAccounts(userId) : supplierAccounts(userId);

const USER_KINDS = new Set<AccountKind>([
  'wallet',
  'supplier_held',
  'supplier_available',
  'supplier_withdrawing',
  'agent_held',
  'agent_available',
  'agent_withdrawing',
]);
const SYSTEM_KINDS = new Set<AccountKind>(['platform', 'clearing', 'payouts']);
const ACCOUNT_ID = /^([a-z_]+):([A-Za-z0-9_.-]{1,80})$/;

export interface AccountInfo {
  id: AccountId;
  kind: AccountKind;
  ownerId: string | null;
  mayGoNegative: boolean;
}

/** Reads an account id; throws on anything that is not one of the known kinds. */
export function parseAccountId(id: string): AccountInfo {
  const m = ACCOUNT_ID.exec(id);
  const kind = m?.[1] as AccountKind | undefined;
  if (!m || !kind || !(USER_KINDS.has(kind) || SYSTEM_KINDS.has(kind))) {
    throw new TypeError(`not a ledger account id: ${JSON.stringify(id)}`);
  }
  const user = USER_KINDS.has(kind);
  return { id, kind, ownerId: user ? m[2]! : null, mayGoNegative: !user };
}
