import type { Dialect, Executor } from '../../platform/db/database.ts';
import { forUpdate } from '../../platform/db/dialect.ts';
import type { AgentMarkupsTable, AgentStatus, AgentsTable, OrderAgentSharesTable } from './agents.tables.ts';

export type AgentRow = AgentsTable;

const num = (r: AgentRow): AgentRow => ({
  ...r,
  depth: Number(r.depth),
  markup_bps: Number(r.markup_bps),
  markup_cents: Number(r.markup_cents),
  created_at: Number(r.created_at),
  updated_at: Number(r.updated_at),
  decided_at: r.decided_at === null ? null : Number(r.decided_at),
});

export async function insertAgent(db: Executor, row: AgentRow): Promise<void> {
  await db.insertInto('agents').values(row).execute();
}

export async function findAgent(db: Executor, id: string): Promise<AgentRow | undefined> {
  const r = await db.selectFrom('agents').selectAll().where('id', '=', id).executeTakeFirst();
  return r && num(r);
}

export async function agentOfUser(db: Executor, userId: string): Promise<AgentRow | undefined> {
  const r = await db.selectFrom('agents').selectAll().where('user_id', '=', userId).executeTakeFirst();
  return r && num(r);
}

/** The user's application, its row locked until the transaction ends (PostgreSQL; SQLite's writer lock serialises). */
export async function agentOfUserForUpdate(db: Executor, dialect: Dialect, userId: string) {
  const r = await forUpdate(
    dialect,
    db.selectFrom('agents').selectAll().where('user_id', '=', userId),
  ).executeTakeFirst();
  return r && num(r);
}

export async function agentsOfUsers(db: Executor, userIds: readonly string[]): Promise<Map<string, AgentRow>> {
  if (userIds.length === 0) return new Map();
  const rows = await db.selectFrom('agents').selectAll().where('user_id', 'in', userIds).execute();
  return new Map(rows.map((r) => [r.user_id, num(r)]));
}

export async function agentBySubdomain(db: Executor, subdomain: string): Promise<AgentRow | undefined> {
  const r = await db.selectFrom('agents').selectAll().where('subdomain', '=', subdomain).executeTakeFirst();
  return r && num(r);
}

export async function agentByDomain(db: Executor, domain: string): Promise<AgentRow | undefined> {
  const r = await db.selectFrom('agents').selectAll().where('custom_domain', '=', domain).executeTakeFirst();
  return r && num(r);
}

export async function listAgents(
  db: Executor,
  f: { status?: AgentStatus | undefined; parentUserId?: string | undefined; domainPending?: boolean },
): Promise<AgentRow[]> {
  let q = db.selectFrom('agents').selectAll();
  if (f.status) q = q.where('status', '=', f.status);
  if (f.parentUserId) q = q.where('parent_user_id', '=', f.parentUserId);
  if (f.domainPending) q = q.where('custom_domain_status', '=', 'pending');
  return (await q.orderBy('created_at', 'desc').limit(200).execute()).map(num);
}

/** Moves an agent between statuses; false when it is not in one of `from`. */
export async function transitionAgent(
  db: Executor,
  id: string,
  from: AgentStatus[],
  patch: Partial<AgentRow> & { status: AgentStatus; updated_at: number },
): Promise<boolean> {
  const r = await db
    .updateTable('agents')
    .set(patch)
    .where('id', '=', id)
    .where('status', 'in', from)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Opens every application still waiting for an opening fee (the operators dropped the fee). */
export async function approveAwaitingFee(db: Executor, now: number): Promise<number> {
  const r = await db
    .updateTable('agents')
    .set({ status: 'approved', updated_at: now })
    .where('status', '=', 'awaiting_fee')
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export async function updateAgent(db: Executor, id: string, patch: Partial<AgentRow>): Promise<void> {
  await db.updateTable('agents').set(patch).where('id', '=', id).execute();
}

export async function markupsOf(db: Executor, agentUserIds: readonly string[]): Promise<AgentMarkupsTable[]> {
  if (agentUserIds.length === 0) return [];
  const rows = await db.selectFrom('agent_markups').selectAll().where('agent_user_id', 'in', agentUserIds).execute();
  return rows.map((r) => ({ ...r, markup_bps: Number(r.markup_bps), markup_cents: Number(r.markup_cents) }));
}

export async function replaceMarkups(db: Executor, agentUserId: string, rows: AgentMarkupsTable[]): Promise<void> {
  await db.deleteFrom('agent_markups').where('agent_user_id', '=', agentUserId).execute();
  if (rows.length > 0) await db.insertInto('agent_markups').values(rows).execute();
}

export async function userPricesOf(
  db: Executor,
  agentUserId: string,
  userId: string,
  productIds: readonly string[],
): Promise<Map<string, number>> {
  if (productIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('agent_user_prices')
    .select(['product_id', 'price_cents'])
    .where('agent_user_id', '=', agentUserId)
    .where('user_id', '=', userId)
    .where('product_id', 'in', productIds)
    .execute();
  return new Map(rows.map((r) => [r.product_id, Number(r.price_cents)]));
}

export async function setUserPrice(
  db: Executor,
  row: { agent_user_id: string; user_id: string; product_id: string; price_cents: number | null; updated_at: number },
): Promise<void> {
  await db
    .deleteFrom('agent_user_prices')
    .where('agent_user_id', '=', row.agent_user_id)
    .where('user_id', '=', row.user_id)
    .where('product_id', '=', row.product_id)
    .execute();
  if (row.price_cents !== null) {
    await db
      .insertInto('agent_user_prices')
      .values({ ...row, price_cents: row.price_cents })
      .execute();
  }
}

export async function insertOrderSite(
  db: Executor,
  row: { order_id: string; agent_user_id: string; created_at: number },
  shares: OrderAgentSharesTable[],
): Promise<void> {
  await db.insertInto('order_sites').values(row).execute();
  if (shares.length > 0) await db.insertInto('order_agent_shares').values(shares).execute();
}

export async function sharesOfOrder(db: Executor, orderId: string): Promise<OrderAgentSharesTable[]> {
  const rows = await db.selectFrom('order_agent_shares').selectAll().where('order_id', '=', orderId).execute();
  return rows.map((r) => ({
    ...r,
    depth: Number(r.depth),
    cost_cents: Number(r.cost_cents),
    price_cents: Number(r.price_cents),
    margin_cents: Number(r.margin_cents),
    quantity: Number(r.quantity),
    amount_cents: Number(r.amount_cents),
  }));
}

/** Orders that earned this agent a share (on his site or a sub-agent's below him), newest first. */
export async function ordersEarning(db: Executor, agentUserId: string, limit: number) {
  return db
    .selectFrom('order_agent_shares as s')
    .innerJoin('order_sites as os', 'os.order_id', 's.order_id')
    .innerJoin('orders as o', 'o.id', 's.order_id')
    .select((eb) => [
      's.order_id',
      'os.agent_user_id as site_agent_user_id',
      'o.status',
      'o.amount_cents',
      'o.buyer_id',
      'o.created_at',
      eb.fn.sum<string | number>('s.amount_cents').as('margin_cents'),
    ])
    .where('s.agent_user_id', '=', agentUserId)
    .groupBy(['s.order_id', 'os.agent_user_id', 'o.status', 'o.amount_cents', 'o.buyer_id', 'o.created_at'])
    .orderBy('o.created_at', 'desc')
    .limit(limit)
    .execute();
}

/** Buyers who have ordered on this agent's site, with their order count and spend. */
export async function customersOf(db: Executor, agentUserId: string, limit: number) {
  return db
    .selectFrom('order_sites as os')
    .innerJoin('orders as o', 'o.id', 'os.order_id')
    .innerJoin('users as u', 'u.id', 'o.buyer_id')
    .select((eb) => [
      'o.buyer_id',
      'u.email',
      'u.phone',
      eb.fn.countAll<string | number>().as('orders'),
      eb.fn.sum<string | number>('o.amount_cents').as('spent_cents'),
      eb.fn.max('o.created_at').as('last_at'),
    ])
    .where('os.agent_user_id', '=', agentUserId)
    .where('o.buyer_id', 'is not', null)
    .where('o.paid_at', 'is not', null)
    .groupBy(['o.buyer_id', 'u.email', 'u.phone'])
    .orderBy('last_at', 'desc')
    .limit(limit)
    .execute();
}
