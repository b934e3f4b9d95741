import type { CreatePayoutAccountBody, PayoutAccountDto, WithdrawalDto } from '@kameng/contracts';
import { writeAudit } from '../../platform/audit.ts';
import { newId } from '../../platform/clock.ts';
import { decrypt, deriveKey, encrypt } from '../../platform/crypto.ts';
import type { Executor } from '../../platform/db/database.ts';
import type { Deps } from '../../platform/deps.ts';
import type { AuthContext } from '../../platform/http/auth.ts';
import { AppError } from '../../platform/http/errors.ts';
import { claimOf, type Idempotent, idempotently } from '../../platform/idempotency.ts';
import { maskName } from '../../platform/mask.ts';
import { type Rotation, reseal } from '../../platform/master-key.ts';
import { getSetting } from '../../platform/settings.ts';
import {
  type RequestMeta,
  requireRecentAuth,
  requireStepUp,
  shopNamesOf,
  suppliersByShopName,
} from '../accounts/accounts.service.ts';
import * as q from './withdrawals.queries.ts';
import type { WithdrawalStatus } from './ledger.tables.ts';
import { PAYOUTS_EXTERNAL, type PayeeKind, payeeAccounts } from './account-ids.ts';
import { balanceCents, postEntry } from './entries.ts';

const MAX_PAYOUT_ACCOUNTS = 10;

function payoutKey(deps: Deps): Buffer {
  return deriveKey(deps.config.masterKey, 'payout-account');
}

/** A master-key rotation: every payout account sealed again under the new key. */
export async function rotatePayoutAccounts(r: Rotation): Promise<void> {
  const rows = await q.sealedPayoutAccounts(r.tx);
  for (const a of rows) await q.setPayoutAccount(r.tx, a.id, reseal(r, 'payout-account', a.account_enc, a.id));
  r.count('payout accounts', rows.length);
}

/** The last four characters a person recognises: of the card or phone number, of an email's local part. */
function lastFour(account: string): string {
  const local = account.includes('@') ? account.slice(0, account.indexOf('@')) : account;
  return local.slice(-4);
}

/** Who sees a payout account: its owner whole; operators reviewing a withdrawal see the holder's name masked. */
type Shown = 'owner' | 'operator';

function toPayoutAccountDto(r: q.PayoutAccountRow, shown: Shown = 'owner'): PayoutAccountDto {
  return {
    id: r.id,
    kind: r.kind,
    holderName: shown === 'owner' ? r.holder_name : maskName(r.holder_name),
    bankName: r.bank_name,
    accountMasked: `****${r.account_last4}`,
    createdAt: r.created_at,
  };
}

// ─── payout accounts ───

/** Adds an Alipay account or bank card to pay out to; the number is stored encrypted and shown masked. */
export async function createPayoutAccount(
  deps: Deps,
  auth: AuthContext,
  body: CreatePayoutAccountBody,
  meta: RequestMeta,
): Promise<PayoutAccountDto> {
  await requireStepUp(deps, auth);
  const id = newId('pya', deps.clock, deps.random);
  const row: q.PayoutAccountRow = {
    id,
    user_id: auth.userId,
    kind: body.kind,
    holder_name: body.holderName,
    bank_name: body.kind === 'bank' ? body.bankName : null,
    account_enc: encrypt(payoutKey(deps), body.account, id),
    account_last4: lastFour(body.account),
    created_at: deps.clock.now(),
  };
  return deps.db.transaction().execute(async (tx) => {
    if ((await q.payoutAccountsOf(tx, auth.userId)).length >= MAX_PAYOUT_ACCOUNTS) {
      throw new AppError('CONFLICT', `At most ${MAX_PAYOUT_ACCOUNTS} payout accounts`);
    }
    await q.insertPayoutAccount(tx, row);
    await writeAudit(tx, deps, {
      actorId: auth.userId,
      action: 'payout_account.create',
      objectType: 'payout_account',
      objectId: id,
      ip: meta.ip,
      details: { kind: row.kind, last4: row.account_last4 },
    });
    return toPayoutAccountDto(row);
  });
}

export async function myPayoutAccounts(deps: Deps, auth: AuthContext): Promise<PayoutAccountDto[]> {
  return (await q.payoutAccountsOf(deps.db, auth.userId)).map((r) => toPayoutAccountDto(r));
}

// ─── withdrawals ───

export async function toWithdrawalDtos(
  db: Executor,
  rows: q.WithdrawalRow[],
  shown: Shown = 'operator',
): Promise<WithdrawalDto[]> {
  const accounts = await q.payoutAccountsByIds(db, [...new Set(rows.map((r) => r.payout_account_id))]);
  return rows.map((w) => {
    const approvals: WithdrawalDto['approvals'] = [];
    if (w.first_approver && w.first_approved_at !== null) {
      approvals.push({ operatorId: w.first_approver, at: w.first_approved_at });
    }
    if (w.second_approver && w.second_approved_at !== null) {
      approvals.push({ operatorId: w.second_approver, at: w.second_approved_at });
    }
    return {
      id: w.id,
      supplierId: w.supplier_id,
      amountCents: w.amount_cents,
      status: w.status,
      payoutAccount: toPayoutAccountDto(accounts.get(w.payout_account_id)!, shown),
      requiredApprovals: w.required_approvals,
      approvals,
      reason: w.reason,
      payoutRef: w.payout_ref,
      createdAt: w.created_at,
      approvedAt: w.approved_at,
      paidAt: w.paid_at,
      rejectedAt: w.rejected_at,
      failedAt: w.failed_at,
    };
  });
}

async function toWithdrawalDto(db: Executor, row: q.WithdrawalRow, shown: Shown = 'operator'): Promise<WithdrawalDto> {
  return (await toWithdrawalDtos(db, [row], shown))[0]!;
}

async function approvalsNeeded(db: Executor, amountCents: number): Promise<number> {
  return amountCents > (await getSetting(db, 'withdrawals.secondApprovalAboveCents')) ? 2 : 1;
}

/**
 * A supplier asks for part of its available balance: available → withdrawing, pending until operators
 * approve and pay it. Needs two-factor sign-in and a password confirmation within the last minutes.
 */
export async function requestWithdrawal(
  deps: Deps,
  auth: AuthContext,
  body: { amountCents: number; payoutAccountId: string },
  meta: RequestMeta,
  idempotencyKey?: string,
  payee: PayeeKind = 'supplier',
): Promise<Idempotent<WithdrawalDto>> {
  // the supplier guard already demands it; money leaving says so again where it happens
  if (!auth.twoFactor) throw new AppError('TWO_FACTOR_REQUIRED', 'Turn on two-factor sign-in before withdrawing');
  await requireRecentAuth(deps, auth);
  // a large one needs the second factor the operators' rule names (TOTP or an SMS code), not a password alone
  if (body.amountCents >= (await getSetting(deps.db, 'withdrawals.stepUpAboveCents'))) await requireStepUp(deps, auth);
  const id = newId('wdr', deps.clock, deps.random);
  const now = deps.clock.now();
  const accounts = payeeAccounts(payee, auth.userId);
  const claim = claimOf('withdrawal', `u:${auth.userId}`, idempotencyKey, [
    body.amountCents,
    body.payoutAccountId,
    payee,
  ]);
  const load = async (wid: string) => toWithdrawalDto(deps.db, (await q.findWithdrawal(deps.db, wid))!, 'owner');
  return idempotently(deps, claim, load, (remember) =>
    deps.db.transaction().execute(async (tx) => {
      const payout = await q.findPayoutAccount(tx, body.payoutAccountId);
      if (!payout || payout.user_id !== auth.userId) throw new AppError('NOT_FOUND', 'No such payout account');
      const moved = await postEntry(tx, deps, {
        id: `withdrawal:${id}`,
        kind: 'withdrawal_request',
        refType: 'withdrawal',
        refId: id,
        transfers: [{ from: accounts.available, to: accounts.withdrawing, amountCents: body.amountCents }],
      });
      if (moved.status !== 'posted') {
        throw new AppError('INSUFFICIENT_FUNDS', 'The amount is more than your available balance', {
          availableCents: await balanceCents(tx, accounts.available),
        });
      }
      const row: q.WithdrawalRow = {
        id,
        supplier_id: auth.userId,
        payee_kind: payee,
        amount_cents: body.amountCents,
        payout_account_id: payout.id,
        status: 'pending',
        required_approvals: await approvalsNeeded(tx, body.amountCents),
        first_approver: null,
        first_approved_at: null,
        second_approver: null,
        second_approved_at: null,
        reason: null,
        payout_ref: null,
        decided_by: null,
        created_at: now,
        approved_at: null,
        paid_at: null,
        rejected_at: null,
        failed_at: null,
        updated_at: now,
      };
      await q.insertWithdrawal(tx, row);
      await writeAudit(tx, deps, {
        actorId: auth.userId,
        action: 'withdrawal.request',
        objectType: 'withdrawal',
        objectId: id,
        ip: meta.ip,
        details: { amountCents: body.amountCents, payoutAccountId: payout.id },
      });
      await remember(tx, id);
      return toWithdrawalDto(tx, row, 'owner');
    }),
  );
}

interface WithdrawalQuery {
  status?: WithdrawalStatus | undefined;
  page: number;
  pageSize: number;
}

export async function myWithdrawals(deps: Deps, auth: AuthContext, f: WithdrawalQuery, payee: PayeeKind = 'supplier') {
  const { rows, total } = await q.listWithdrawals(deps.db, {
    supplierId: auth.userId,
    payeeKind: payee,
    status: f.status,
    limit: f.pageSize,
    offset: (f.page - 1) * f.pageSize,
  });
  return { items: await toWithdrawalDtos(deps.db, rows, 'owner'), total };
}

/** Another supplier's withdrawal is simply not found. */
export async function myWithdrawal(deps: Deps, auth: AuthContext, id: string): Promise<WithdrawalDto> {
  const w = await q.findWithdrawal(deps.db, id);
  if (!w || w.supplier_id !== auth.userId) throw new AppError('NOT_FOUND', 'No such withdrawal');
  return toWithdrawalDto(deps.db, w, 'owner');
}

/** An operator's filter: by supplier id, or by part of the shop name. */
export interface SupplierFilter {
  supplierId?: string | undefined;
  shop?: string | undefined;
}

/** The suppliers a shop-name search means (undefined: no such search). */
export async function suppliersFor(deps: Deps, f: SupplierFilter): Promise<string[] | undefined> {
  return f.shop ? suppliersByShopName(deps.db, f.shop) : undefined;
}

export async function listWithdrawals(deps: Deps, f: WithdrawalQuery & SupplierFilter) {
  const { rows, total } = await q.listWithdrawals(deps.db, {
    supplierId: f.supplierId,
    supplierIds: await suppliersFor(deps, f),
    status: f.status,
    limit: f.pageSize,
    offset: (f.page - 1) * f.pageSize,
  });
  const shops = await shopNamesOf(
    deps.db,
    rows.map((r) => r.supplier_id),
  );
  const items = await toWithdrawalDtos(deps.db, rows);
  return { items: items.map((w) => ({ ...w, shopName: shops.get(w.supplierId) ?? null })), total };
}

export async function getWithdrawal(deps: Deps, id: string): Promise<WithdrawalDto> {
  const w = await q.findWithdrawal(deps.db, id);
  if (!w) throw new AppError('NOT_FOUND', 'No such withdrawal');
  return toWithdrawalDto(deps.db, w);
}

/** Loads a withdrawal for an operator's decision; nobody decides on their own money. */
async function forDecision(tx: Executor, auth: AuthContext, id: string): Promise<q.WithdrawalRow> {
  const w = await q.findWithdrawal(tx, id);
  if (!w) throw new AppError('NOT_FOUND', 'No such withdrawal');
  if (w.supplier_id === auth.userId) {
    throw new AppError('FORBIDDEN', 'You cannot decide on your own withdrawal', { reason: 'own_withdrawal' });
  }
  return w;
}

function wrongState(w: q.WithdrawalRow, action: string): AppError {
  return new AppError('INVALID_STATE', `A withdrawal that is ${w.status} cannot be ${action}`, { status: w.status });
}

/**
 * One operator's approval. Above the second-approval threshold (a setting; ¥5,000 by default) a
 * second, different operator must approve too before it can be paid.
 */
export async function approveWithdrawal(
  deps: Deps,
  auth: AuthContext,
  id: string,
  meta: RequestMeta,
): Promise<WithdrawalDto> {
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (tx) => {
    const w = await forDecision(tx, auth, id);
    if (w.status !== 'pending') throw wrongState(w, 'approved');
    // the threshold may have been lowered since the request: the stricter of the two applies
    const required = Math.max(w.required_approvals, await approvalsNeeded(tx, w.amount_cents));
    let ok: boolean;
    if (w.first_approver === null) {
      ok = await q.recordFirstApproval(tx, id, auth.userId, required, now);
    } else {
      if (w.first_approver === auth.userId) {
        throw new AppError('CONFLICT', 'You approved this already; a second operator must approve it', {
          reason: 'second_approver_required',
        });
      }
      ok = await q.recordSecondApproval(tx, id, auth.userId, now);
    }
    if (!ok) throw new AppError('CONFLICT', 'The withdrawal changed meanwhile; reload and try again');
    const after = (await q.findWithdrawal(tx, id))!;
    await writeAudit(tx, deps, {
      actorId: auth.userId,
      action: 'withdrawal.approve',
      objectType: 'withdrawal',
      objectId: id,
      ip: meta.ip,
      details: {
        amountCents: w.amount_cents,
        approval: w.first_approver === null ? 1 : 2,
        requiredApprovals: required,
        status: after.status,
      },
    });
    return toWithdrawalDto(tx, after);
  });
}

/** The money has left through Alipay or the bank: withdrawing → payouts:external, posted. */
export async function markWithdrawalPaid(
  deps: Deps,
  auth: AuthContext,
  id: string,
  body: { payoutRef?: string | undefined },
  meta: RequestMeta,
): Promise<WithdrawalDto> {
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (tx) => {
    const w = await forDecision(tx, auth, id);
    const moved = await q.transitionWithdrawal(tx, id, ['approved'], {
      status: 'paid',
      paid_at: now,
      payout_ref: body.payoutRef ?? null,
      decided_by: auth.userId,
      updated_at: now,
    });
    if (!moved) {
      if (w.status === 'pending') {
        throw new AppError('INVALID_STATE', 'This withdrawal is not approved yet', {
          status: w.status,
          approvals: w.first_approver ? 1 : 0,
          requiredApprovals: w.required_approvals,
        });
      }
      throw wrongState(w, 'marked paid');
    }
    const r = await postEntry(tx, deps, {
      id: `withdrawal-paid:${id}`,
      kind: 'withdrawal_paid',
      refType: 'withdrawal',
      refId: id,
      transfers: [
        {
          from: payeeAccounts(w.payee_kind, w.supplier_id).withdrawing,
          to: PAYOUTS_EXTERNAL,
          amountCents: w.amount_cents,
        },
      ],
    });
    if (r.status === 'insufficient_funds') throw new Error(`withdrawal ${id} is missing from ${r.accountId}`);
    await writeAudit(tx, deps, {
      actorId: auth.userId,
      action: 'withdrawal.mark_paid',
      objectType: 'withdrawal',
      objectId: id,
      ip: meta.ip,
      details: { amountCents: w.amount_cents, payoutRef: body.payoutRef ?? null },
    });
    return toWithdrawalDto(tx, (await q.findWithdrawal(tx, id))!);
  });
}

/** Rejected before payout, or failed at payout: the money goes back to the supplier's available balance. */
async function voidWithdrawal(
  deps: Deps,
  auth: AuthContext,
  id: string,
  reason: string,
  meta: RequestMeta,
  outcome: 'rejected' | 'failed',
): Promise<WithdrawalDto> {
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (tx) => {
    const w = await forDecision(tx, auth, id);
    const from: WithdrawalStatus[] = outcome === 'rejected' ? ['pending', 'approved'] : ['approved'];
    const moved = await q.transitionWithdrawal(tx, id, from, {
      status: outcome,
      reason,
      decided_by: auth.userId,
      ...(outcome === 'rejected' ? { rejected_at: now } : { failed_at: now }),
      updated_at: now,
    });
    if (!moved) throw wrongState(w, outcome === 'rejected' ? 'rejected' : 'marked failed');
    const accounts = payeeAccounts(w.payee_kind, w.supplier_id);
    const r = await postEntry(tx, deps, {
      id: `withdrawal-void:${id}`,
      kind: 'withdrawal_void',
      refType: 'withdrawal',
      refId: id,
      memo: reason.slice(0, 200),
      transfers: [{ from: accounts.withdrawing, to: accounts.available, amountCents: w.amount_cents }],
    });
    if (r.status === 'insufficient_funds') throw new Error(`withdrawal ${id} is missing from ${r.accountId}`);
    await writeAudit(tx, deps, {
      actorId: auth.userId,
      action: outcome === 'rejected' ? 'withdrawal.reject' : 'withdrawal.mark_failed',
      objectType: 'withdrawal',
      objectId: id,
      ip: meta.ip,
      details: { amountCents: w.amount_cents, reason },
    });
    return toWithdrawalDto(tx, (await q.findWithdrawal(tx, id))!);
  });
}

export function rejectWithdrawal(deps: Deps, auth: AuthContext, id: string, reason: string, meta: RequestMeta) {
  return voidWithdrawal(deps, auth, id, reason, meta, 'rejected');
}

export function markWithdrawalFailed(deps: Deps, auth: AuthContext, id: string, reason: string, meta: RequestMeta) {
  return voidWithdrawal(deps, auth, id, reason, meta, 'failed');
}

/** The full account number and holder's name, for the operator making the transfer; every look is audited. */
export async function revealPayoutAccount(deps: Deps, auth: AuthContext, withdrawalId: string, meta: RequestMeta) {
  return deps.db.transaction().execute(async (tx) => {
    const w = await forDecision(tx, auth, withdrawalId);
    const account = await q.findPayoutAccount(tx, w.payout_account_id);
    if (!account) throw new Error(`payout account ${w.payout_account_id} of ${withdrawalId} is missing`);
    await writeAudit(tx, deps, {
      actorId: auth.userId,
      action: 'payout_account.reveal',
      objectType: 'payout_account',
      objectId: account.id,
      ip: meta.ip,
      details: { withdrawalId },
    });
    return {
      ...toPayoutAccountDto(account),
      account: decrypt(payoutKey(deps), account.account_enc, account.id).toString('utf8'),
    };
  });
}
