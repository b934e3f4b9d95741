/**
 * The ledger module's public face: what its routes, the other modules and the tests call. Each concern
 * lives in its own file (account ids, entries and the trial balance, escrow holds, commissions,
 * statements); import from here, not from them.
 */
export { agentAccounts, PAYOUTS_EXTERNAL, type PayeeKind, payeeAccounts, supplierAccounts } from './account-ids.ts';
export { type AgentShareInput, sharesOf as holdSharesOf } from './hold-shares.ts';
export {
  commissionRateBps,
  deleteCommissionRate,
  listCommissionRates,
  setCommissionRate,
  splitCommission,
} from './commissions.ts';
export { balanceCents, type EntryInput, type PostResult, postEntry, trialBalance } from './entries.ts';
export {
  exportMySupplierPostings,
  exportMyWithdrawals,
  exportPostings,
  exportWithdrawals,
} from './ledger.exports.ts';
export {
  freezeHold,
  getHold,
  openHold,
  releaseHoldPart,
  settleHold,
  settleUnfrozen,
  unfreezeHold,
  voidHold,
} from './holds.ts';
export {
  accountPostings,
  checkTrialBalance,
  cstDayRange,
  dailySummary,
  myWallet,
  myWalletPostings,
  mySupplierBalance,
  mySupplierPostings,
  postingsOfRefs,
} from './statements.ts';
export { createPayoutAccount, myPayoutAccounts, myWithdrawals, requestWithdrawal } from './withdrawals.service.ts';
