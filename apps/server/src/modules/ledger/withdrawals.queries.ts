import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import { type Cursor, newestFirstAfter } from '../../platform/db/keyset.ts';
import { num } from './ledger.queries.ts';
import type { PayoutAccountsTable, WithdrawalStatus, WithdrawalsTable } from './ledger.tables.ts';

export type PayoutAccountRow = PayoutAccountsTable;
export type WithdrawalRow = WithdrawalsTable;

// ─── payout accounts ───

export async function insertPayoutAccount(db: Executor, row: PayoutAccountRow): Promise<void> {
  await db.insertInto('payout_accounts').values(row).execute();
}

export async function findPayoutAccount(db: Executor, id: string): Promise<PayoutAccountRow | undefined> {
  return db.selectFrom('payout_accounts').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function payoutAccountsOf(db: Executor, userId: string): Promise<PayoutAccountRow[]> {
  return db
    .selectFrom('payout_accounts')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
}

export async function payoutAccountsByIds(db: Executor, ids: string[]): Promise<Map<string, PayoutAccountRow>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('payout_accounts').selectAll().where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, r]));
}

// ─── withdrawals ───

function withdrawalFromDb(r: WithdrawalRow): WithdrawalRow {
  return { ...r, amount_cents: num(r.amount_cents), required_approvals: num(r.required_approvals) };
}

export async function insertWithdrawal(db: Executor, row: WithdrawalRow): Promise<void> {
  await db.insertInto('withdrawals').values(row).execute();
}

export async function findWithdrawal(db: Executor, id: string): Promise<WithdrawalRow | undefined> {
  const r = await db.selectFrom('withdrawals').selectAll().where('id', '=', id).executeTakeFirst();
  return r && withdrawalFromDb(r);
}

export interface WithdrawalFilter {
  supplierId?: string | undefined;
  /** only these suppliers' (a search by shop name); an empty list matches nothing */
  supplierIds?: readonly string[] | undefined;
  payeeKind?: 'supplier' | 'agent' | undefined;
  status?: WithdrawalStatus | undefined;
  limit: number;
  offset: number;
}

function filteredWithdrawals(db: Executor, f: Omit<WithdrawalFilter, 'limit' | 'offset'>) {
  let q = db.selectFrom('withdrawals');
  if (f.supplierId) q = q.where('supplier_id', '=', f.supplierId);
  if (f.supplierIds)
    q = f.supplierIds.length ? q.where('supplier_id', 'in', f.supplierIds) : q.where(sql<boolean>`1 = 0`);
  if (f.payeeKind) q = q.where('payee_kind', '=', f.payeeKind);
  if (f.status) q = q.where('status', '=', f.status);
  return q;
}

export async function listWithdrawals(
  db: Executor,
  f: WithdrawalFilter,
): Promise<{ rows: WithdrawalRow[]; total: number }> {
  const q = filteredWithdrawals(db, f);
  const [rows, count] = await Promise.all([
    q.selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(f.limit).offset(f.offset).execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows: rows.map(withdrawalFromDb), total: num(count.n) };
}

/** The filtered withdrawals, newest first, the `limit` after `after` (keyset, for exports). */
export async function withdrawalsAfter(
  db: Executor,
  f: Omit<WithdrawalFilter, 'limit' | 'offset'>,
  after: Cursor | undefined,
  limit: number,
): Promise<WithdrawalRow[]> {
  const rows = await newestFirstAfter(filteredWithdrawals(db, f).selectAll(), after).limit(limit).execute();
  return rows.map(withdrawalFromDb);
}

/** The first approval; when one is all the amount needs, it also approves. */
export async function recordFirstApproval(
  db: Executor,
  id: string,
  operatorId: string,
  requiredApprovals: number,
  now: number,
): Promise<boolean> {
  const done = requiredApprovals <= 1;
  const r = await db
    .updateTable('withdrawals')
    .set({
      first_approver: operatorId,
      first_approved_at: now,
      required_approvals: requiredApprovals,
      status: done ? 'approved' : 'pending',
      approved_at: done ? now : null,
      updated_at: now,
    })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .where('first_approver', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** The second approval, by someone other than the first approver. */
export async function recordSecondApproval(
  db: Executor,
  id: string,
  operatorId: string,
  now: number,
): Promise<boolean> {
  const r = await db
    .updateTable('withdrawals')
    .set({
      second_approver: operatorId,
      second_approved_at: now,
      status: 'approved',
      approved_at: now,
      updated_at: now,
    })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .where('first_approver', 'is not', null)
    .where('first_approver', '<>', operatorId)
    .where('second_approver', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function transitionWithdrawal(
  db: Executor,
  id: string,
  from: WithdrawalStatus[],
  patch: Partial<Omit<WithdrawalRow, 'id' | 'supplier_id' | 'amount_cents' | 'payout_account_id'>> & {
    status: WithdrawalStatus;
  },
): Promise<boolean> {
  const r = await db
    .updateTable('withdrawals')
    .set(patch)
    .where('id', '=', id)
    .where('status', 'in', from)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

// ─── master-key rotation ───

export function sealedPayoutAccounts(db: Executor) {
  return db.selectFrom('payout_accounts').select(['id', 'account_enc']).orderBy('id').execute();
}

export async function setPayoutAccount(db: Executor, id: string, sealed: string): Promise<void> {
  await db.updateTable('payout_accounts').set({ account_enc: sealed }).where('id', '=', id).execute();
}
