import { sql } from 'kysely';
import type { Dialect, Executor } from '../../platform/db/database.ts';
import { newestFirstAfter } from '../../platform/db/keyset.ts';
import type {
  CommissionRatesTable,
  CommissionScope,
  HoldStatus,
  HoldsTable,
  JournalEntriesTable,
  LedgerAccountsTable,
  PostingsTable,
} from './ledger.tables.ts';

export type AccountRow = LedgerAccountsTable;
export type EntryRow = JournalEntriesTable;
export type HoldRow = HoldsTable;
export type CommissionRateRow = CommissionRatesTable;

/** PostgreSQL returns SUM(bigint) as a numeric string, SQLite as a number or null. */
export function num(v: unknown): number {
  const n = Number(v ?? 0);
  if (!Number.isSafeInteger(n)) throw new RangeError(`ledger sum ${String(v)} is not a safe integer`);
  return n;
}

// ─── accounts ───

/**
 * Accounts known to exist, per database (its adapter, which its transactions share): accounts are never
 * deleted, so once a committed row has been seen it need not be looked for again. Rows this transaction
 * made are not remembered (it may roll back); the set is dropped when it grows large.
 */
const knownAccounts = new WeakMap<object, Set<string>>();
const madeHere = new WeakMap<Executor, Set<string>>();
const KNOWN_MAX = 50_000;

/** Creates the accounts that do not exist yet; existing rows are left alone (and not locked). */
export async function ensureAccounts(
  db: Executor,
  rows: Omit<AccountRow, 'balance_cents' | 'created_at'>[],
  now: number,
): Promise<void> {
  const adapter = db.getExecutor().adapter;
  let known = knownAccounts.get(adapter);
  if (!known || known.size > KNOWN_MAX) {
    known = new Set();
    knownAccounts.set(adapter, known);
  }
  const made = madeHere.get(db);
  const unknown = rows.filter((r) => !known.has(r.id) || made?.has(r.id));
  if (unknown.length === 0) return;
  // look first: on PostgreSQL an INSERT … ON CONFLICT meeting a row another transaction is updating waits
  // for that transaction, and the platform's accounts are updated by every sale; a read does not wait
  const existing = await db
    .selectFrom('ledger_accounts')
    .select('id')
    .where(
      'id',
      'in',
      unknown.map((r) => r.id),
    )
    .execute();
  const have = new Set(existing.map((r) => r.id));
  for (const id of have) if (!made?.has(id)) known.add(id);
  const missing = unknown.filter((r) => !have.has(r.id));
  if (missing.length === 0) return;
  await db
    .insertInto('ledger_accounts')
    .values(missing.map((r) => ({ ...r, balance_cents: 0, created_at: now })))
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
  if (db.isTransaction) {
    const set = made ?? new Set<string>();
    for (const r of missing) set.add(r.id);
    madeHere.set(db, set);
  }
}

/**
 * Adds a change no balance can refuse (a credit, a debit of an account that may go negative), making the
 * account on first use; returns its row. A statement, so the hot-rows tail can run it with the others.
 */
export function addUnrefusable(
  db: Executor,
  account: Omit<AccountRow, 'balance_cents' | 'created_at'>,
  delta: number,
  now: number,
) {
  return db
    .insertInto('ledger_accounts')
    .values({ ...account, balance_cents: delta, created_at: now })
    .onConflict((oc) =>
      oc.column('id').doUpdateSet((eb) => ({
        balance_cents: eb('ledger_accounts.balance_cents', '+', eb.ref('excluded.balance_cents')),
      })),
    )
    .returning('id');
}

/**
 * Adds `delta` to a balance unless that would take an account that may not go negative below
 * zero. The condition is evaluated on the row as it is when the update runs (PostgreSQL re-checks
 * it after waiting for another writer's lock), so it is the single point that stops overspending.
 */
export async function applyGuardedDelta(db: Executor, accountId: string, delta: number): Promise<boolean> {
  const r = await db
    .updateTable('ledger_accounts')
    .set((eb) => ({ balance_cents: eb('balance_cents', '+', delta) }))
    .where('id', '=', accountId)
    .where((eb) => eb.or([eb('may_go_negative', '=', 1), eb(eb('balance_cents', '+', delta), '>=', 0)]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Unconditional: only used to take back a delta this transaction applied a moment ago. */
export async function revertDelta(db: Executor, accountId: string, delta: number): Promise<void> {
  await db
    .updateTable('ledger_accounts')
    .set((eb) => ({ balance_cents: eb('balance_cents', '-', delta) }))
    .where('id', '=', accountId)
    .execute();
}

export async function findAccount(db: Executor, id: string): Promise<AccountRow | undefined> {
  return db.selectFrom('ledger_accounts').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function balancesOf(db: Executor, ids: string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (ids.length === 0) return out;
  const rows = await db.selectFrom('ledger_accounts').select(['id', 'balance_cents']).where('id', 'in', ids).execute();
  for (const r of rows) out.set(r.id, num(r.balance_cents));
  return out;
}

// ─── journal entries and postings ───

export async function findEntry(db: Executor, id: string): Promise<EntryRow | undefined> {
  return db.selectFrom('journal_entries').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * The entry and its postings; false, and nothing written, when an entry with this id exists already (on
 * PostgreSQL, after waiting for its writer to commit). PostgreSQL takes both as one statement: the postings
 * are selected from the entry the CTE inserted, so none are written when it inserted nothing.
 */
export async function insertEntry(
  db: Executor,
  dialect: Dialect,
  row: EntryRow,
  postings: Omit<PostingsTable, 'entry_id' | 'created_at'>[],
): Promise<boolean> {
  const entry = db
    .insertInto('journal_entries')
    .values(row)
    .onConflict((oc) => oc.column('id').doNothing());
  if (dialect === 'postgres') {
    const values = postings.map((p) => sql`(${p.id}, ${p.account_id}, ${p.amount_cents}::bigint)`);
    const r = await db
      .with('e', () => entry.returning('id'))
      .insertInto('postings')
      .columns(['id', 'entry_id', 'account_id', 'amount_cents', 'created_at'])
      .expression(
        sql`select v.id, e.id, v.account_id, v.amount_cents, ${row.created_at}::bigint
          from e cross join (values ${sql.join(values)}) as v (id, account_id, amount_cents)`,
      )
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
  }
  const r = await entry.executeTakeFirst();
  if (Number(r.numInsertedOrUpdatedRows ?? 0) !== 1) return false;
  await db
    .insertInto('postings')
    .values(postings.map((p) => ({ ...p, entry_id: row.id, created_at: row.created_at })))
    .execute();
  return true;
}

export interface PostingFilter {
  accountIds: string[];
  from?: number | undefined;
  to?: number | undefined;
  kind?: string | undefined;
  limit: number;
  offset: number;
}

export interface PostingListRow {
  id: string;
  entry_id: string;
  account_id: string;
  amount_cents: number;
  created_at: number;
  kind: string;
  ref_type: string | null;
  ref_id: string | null;
  memo: string | null;
}

function filteredPostings(db: Executor, f: Omit<PostingFilter, 'limit' | 'offset' | 'accountIds'>) {
  let q = db.selectFrom('postings as p').innerJoin('journal_entries as e', 'e.id', 'p.entry_id');
  if (f.from !== undefined) q = q.where('p.created_at', '>=', f.from);
  if (f.to !== undefined) q = q.where('p.created_at', '<', f.to);
  if (f.kind) q = q.where('e.kind', '=', f.kind);
  return q;
}

const POSTING_COLUMNS = [
  'p.id',
  'p.entry_id',
  'p.account_id',
  'p.amount_cents',
  'p.created_at',
  'e.kind',
  'e.ref_type',
  'e.ref_id',
  'e.memo',
] as const;

export async function listPostings(db: Executor, f: PostingFilter): Promise<{ rows: PostingListRow[]; total: number }> {
  if (f.accountIds.length === 0) return { rows: [], total: 0 };
  const q = filteredPostings(db, f).where('p.account_id', 'in', f.accountIds);
  const [rows, count] = await Promise.all([
    q
      .select(POSTING_COLUMNS)
      .orderBy('p.created_at', 'desc')
      .orderBy('p.id', 'desc')
      .limit(f.limit)
      .offset(f.offset)
      .execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows: rows.map((r) => ({ ...r, amount_cents: num(r.amount_cents) })), total: num(count.n) };
}

/** Postings newest first after `after` (keyset, for exports); of the accounts given, or of the whole book. */
export async function postingsAfter(
  db: Executor,
  f: Omit<PostingFilter, 'limit' | 'offset' | 'accountIds'> & { accountIds?: string[] | undefined },
  after: PostingListRow | undefined,
  limit: number,
): Promise<PostingListRow[]> {
  let q = filteredPostings(db, f);
  if (f.accountIds) q = q.where('p.account_id', 'in', f.accountIds);
  const cursor = after && { at: after.created_at, id: after.id };
  const rows = await newestFirstAfter(q.select(POSTING_COLUMNS), cursor, { at: 'p.created_at', id: 'p.id' })
    .limit(limit)
    .execute();
  return rows.map((r) => ({ ...r, amount_cents: num(r.amount_cents) }));
}

// ─── trial balance ───

export async function postingTotals(
  db: Executor,
): Promise<{ totalCents: number; debitsCents: number; creditsCents: number }> {
  const r = await db
    .selectFrom('postings')
    .select([
      sql<string>`COALESCE(SUM(amount_cents), 0)`.as('total'),
      sql<string>`COALESCE(SUM(CASE WHEN amount_cents < 0 THEN -amount_cents ELSE 0 END), 0)`.as('debits'),
      sql<string>`COALESCE(SUM(CASE WHEN amount_cents > 0 THEN amount_cents ELSE 0 END), 0)`.as('credits'),
    ])
    .executeTakeFirstOrThrow();
  return { totalCents: num(r.total), debitsCents: num(r.debits), creditsCents: num(r.credits) };
}

export async function balanceTotals(db: Executor): Promise<{ totalCents: number; accounts: number }> {
  const r = await db
    .selectFrom('ledger_accounts')
    .select([sql<string>`COALESCE(SUM(balance_cents), 0)`.as('total'), (eb) => eb.fn.countAll<number>().as('n')])
    .executeTakeFirstOrThrow();
  return { totalCents: num(r.total), accounts: num(r.n) };
}

export async function countEntries(db: Executor, range?: { from: number; to: number }): Promise<number> {
  let q = db.selectFrom('journal_entries');
  if (range) q = q.where('created_at', '>=', range.from).where('created_at', '<', range.to);
  const r = await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return num(r.n);
}

/** Accounts whose stored balance differs from the sum of their postings. */
export async function balanceMismatches(
  db: Executor,
  limit: number,
): Promise<{ accountId: string; balanceCents: number; postingsCents: number }[]> {
  const sums = db
    .selectFrom('postings')
    .select(['account_id', sql<string>`SUM(amount_cents)`.as('s')])
    .groupBy('account_id')
    .as('ps');
  const rows = await db
    .selectFrom('ledger_accounts as a')
    .leftJoin(sums, 'ps.account_id', 'a.id')
    .select(['a.id', 'a.balance_cents', sql<string>`COALESCE(ps.s, 0)`.as('postings')])
    .where(sql<boolean>`a.balance_cents <> COALESCE(ps.s, 0)`)
    .orderBy('a.id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ accountId: r.id, balanceCents: num(r.balance_cents), postingsCents: num(r.postings) }));
}

export async function unbalancedEntries(db: Executor, limit: number): Promise<{ entryId: string; sumCents: number }[]> {
  const rows = await db
    .selectFrom('postings')
    .select(['entry_id', sql<string>`SUM(amount_cents)`.as('s')])
    .groupBy('entry_id')
    .having(sql<boolean>`SUM(amount_cents) <> 0`)
    .orderBy('entry_id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ entryId: r.entry_id, sumCents: num(r.s) }));
}

export async function negativeAccounts(
  db: Executor,
  limit: number,
): Promise<{ accountId: string; balanceCents: number }[]> {
  const rows = await db
    .selectFrom('ledger_accounts')
    .select(['id', 'balance_cents'])
    .where('may_go_negative', '=', 0)
    .where('balance_cents', '<', 0)
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ accountId: r.id, balanceCents: num(r.balance_cents) }));
}

// ─── daily summary ───

/**
 * Money moved in [from, to), grouped by what the entry was and where it went. User accounts are
 * grouped by kind (all wallets together); system accounts by id (platform:commission on its own).
 */
export async function flowsBetween(
  db: Executor,
  from: number,
  to: number,
): Promise<{ entryKind: string; bucket: string; inCents: number; outCents: number }[]> {
  const bucket = sql<string>`CASE WHEN a.owner_id IS NULL THEN a.id ELSE a.kind END`;
  const rows = await db
    .selectFrom('postings as p')
    .innerJoin('journal_entries as e', 'e.id', 'p.entry_id')
    .innerJoin('ledger_accounts as a', 'a.id', 'p.account_id')
    .where('p.created_at', '>=', from)
    .where('p.created_at', '<', to)
    .select([
      'e.kind',
      bucket.as('bucket'),
      sql<string>`SUM(CASE WHEN p.amount_cents > 0 THEN p.amount_cents ELSE 0 END)`.as('in_cents'),
      sql<string>`SUM(CASE WHEN p.amount_cents < 0 THEN -p.amount_cents ELSE 0 END)`.as('out_cents'),
    ])
    .groupBy(['e.kind', bucket])
    .execute();
  return rows.map((r) => ({
    entryKind: r.kind,
    bucket: r.bucket,
    inCents: num(r.in_cents),
    outCents: num(r.out_cents),
  }));
}

/** Balances as they stood at `to`, summed per bucket (see flowsBetween). */
export async function balancesAt(db: Executor, to: number): Promise<Map<string, number>> {
  const bucket = sql<string>`CASE WHEN a.owner_id IS NULL THEN a.id ELSE a.kind END`;
  const rows = await db
    .selectFrom('postings as p')
    .innerJoin('ledger_accounts as a', 'a.id', 'p.account_id')
    .where('p.created_at', '<', to)
    .select([bucket.as('bucket'), sql<string>`SUM(p.amount_cents)`.as('s')])
    .groupBy(bucket)
    .execute();
  return new Map(rows.map((r) => [r.bucket, num(r.s)]));
}

// ─── holds ───

export async function findHold(db: Executor, orderId: string): Promise<HoldRow | undefined> {
  const r = await db.selectFrom('holds').selectAll().where('order_id', '=', orderId).executeTakeFirst();
  return (
    r && {
      ...r,
      share_cents: num(r.share_cents),
      commission_cents: num(r.commission_cents),
      frozen_share_cents: num(r.frozen_share_cents),
      frozen_commission_cents: num(r.frozen_commission_cents),
    }
  );
}

export async function insertHold(db: Executor, row: HoldRow): Promise<boolean> {
  const r = await db
    .insertInto('holds')
    .values(row)
    .onConflict((oc) => oc.column('order_id').doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
}

/** Moves a hold between states; false when it is not in one of `from` (someone else resolved it). */
export async function transitionHold(
  db: Executor,
  orderId: string,
  from: HoldStatus[],
  to: HoldStatus,
  resolvedAt: number | null,
): Promise<boolean> {
  const r = await db
    .updateTable('holds')
    .set({ status: to, resolved_at: resolvedAt })
    .where('order_id', '=', orderId)
    .where('status', 'in', from)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/**
 * Takes part of an unresolved hold's amounts out of it, and sets what of it stays frozen; false when it is
 * resolved, holds less, or changed since `expected` was read.
 */
export async function reduceHold(
  db: Executor,
  orderId: string,
  expected: { share: number; commission: number },
  next: { share: number; commission: number; frozenShare: number; frozenCommission: number; status?: HoldStatus },
  resolvedAt: number | null = null,
) {
  const r = await db
    .updateTable('holds')
    .set({
      share_cents: next.share,
      commission_cents: next.commission,
      frozen_share_cents: next.frozenShare,
      frozen_commission_cents: next.frozenCommission,
      ...(next.status ? { status: next.status, resolved_at: resolvedAt } : {}),
    })
    .where('order_id', '=', orderId)
    .where('status', 'in', ['pending', 'frozen'])
    .where('share_cents', '=', expected.share)
    .where('commission_cents', '=', expected.commission)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** pending → frozen, holding back `frozen`; false when the hold is not pending. */
export async function freezeHoldPart(
  db: Executor,
  orderId: string,
  frozen: { share: number; commission: number },
): Promise<boolean> {
  const r = await db
    .updateTable('holds')
    .set({ status: 'frozen', frozen_share_cents: frozen.share, frozen_commission_cents: frozen.commission })
    .where('order_id', '=', orderId)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** frozen → pending, nothing held back; false when the hold is not frozen. */
export async function unfreezeHold(db: Executor, orderId: string): Promise<boolean> {
  const r = await db
    .updateTable('holds')
    .set({ status: 'pending', frozen_share_cents: 0, frozen_commission_cents: 0 })
    .where('order_id', '=', orderId)
    .where('status', '=', 'frozen')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function heldBySupplier(db: Executor, supplierId: string, status: HoldStatus): Promise<number> {
  const r = await db
    .selectFrom('holds')
    .select(sql<string>`COALESCE(SUM(share_cents), 0)`.as('s'))
    .where('supplier_id', '=', supplierId)
    .where('status', '=', status)
    .executeTakeFirstOrThrow();
  return num(r.s);
}

/** The part of the supplier's escrow that after-sales cases hold back. */
export async function frozenBySupplier(db: Executor, supplierId: string): Promise<number> {
  const r = await db
    .selectFrom('holds')
    .select(sql<string>`COALESCE(SUM(frozen_share_cents), 0)`.as('s'))
    .where('supplier_id', '=', supplierId)
    .where('status', '=', 'frozen')
    .executeTakeFirstOrThrow();
  return num(r.s);
}

// ─── commission rates ───

export async function ratesFor(db: Executor, supplierId: string, categoryIds: string[]): Promise<CommissionRateRow[]> {
  return db
    .selectFrom('commission_rates')
    .selectAll()
    .where((eb) => {
      const ors = [
        eb('scope', '=', 'platform'),
        eb.and([eb('scope', '=', 'supplier'), eb('scope_id', '=', supplierId)]),
      ];
      if (categoryIds.length > 0) ors.push(eb.and([eb('scope', '=', 'category'), eb('scope_id', 'in', categoryIds)]));
      return eb.or(ors);
    })
    .execute();
}

export async function listRates(db: Executor): Promise<CommissionRateRow[]> {
  return db.selectFrom('commission_rates').selectAll().orderBy('scope').orderBy('scope_id').execute();
}

export async function findRate(
  db: Executor,
  scope: CommissionScope,
  scopeId: string,
): Promise<CommissionRateRow | undefined> {
  return db
    .selectFrom('commission_rates')
    .selectAll()
    .where('scope', '=', scope)
    .where('scope_id', '=', scopeId)
    .executeTakeFirst();
}

export async function upsertRate(db: Executor, row: CommissionRateRow): Promise<void> {
  await db
    .insertInto('commission_rates')
    .values(row)
    .onConflict((oc) =>
      oc
        .columns(['scope', 'scope_id'])
        .doUpdateSet({ rate_bps: row.rate_bps, updated_by: row.updated_by, updated_at: row.updated_at }),
    )
    .execute();
}

export async function deleteRate(db: Executor, scope: CommissionScope, scopeId: string): Promise<boolean> {
  const r = await db
    .deleteFrom('commission_rates')
    .where('scope', '=', scope)
    .where('scope_id', '=', scopeId)
    .executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}

/** The journal entries booked against these references (an order, its payments, its refunds) with their postings. */
export async function entriesOfRefs(db: Executor, refIds: string[]) {
  if (refIds.length === 0) return [];
  return db
    .selectFrom('journal_entries as e')
    .innerJoin('postings as p', 'p.entry_id', 'e.id')
    .select(['e.id as entry_id', 'e.kind', 'e.ref_type', 'e.ref_id', 'e.created_at', 'p.account_id', 'p.amount_cents'])
    .where('e.ref_id', 'in', refIds)
    .orderBy('e.created_at')
    .orderBy('e.id')
    .orderBy('p.id')
    .execute();
}
