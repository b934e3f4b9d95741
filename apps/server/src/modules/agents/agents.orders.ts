import type { AgentShare } from '@kameng/contracts';
import type { Executor } from '../../platform/db/database.ts';
import * as q from './agents.queries.ts';

/** One priced item of an order placed on a 分站: each agent's cost, price and margin per unit. */
export interface ItemShares {
  itemId: string;
  quantity: number;
  shares: readonly AgentShare[];
}

/** Records the 分站 an order was placed on and each agent's share of each item, in the order's transaction. */
export async function recordOrderSite(
  tx: Executor,
  orderId: string,
  siteAgentUserId: string,
  items: readonly ItemShares[],
  now: number,
): Promise<void> {
  const rows = items.flatMap((it) =>
    it.shares.map((s, depth) => ({
      order_id: orderId,
      item_id: it.itemId,
      agent_user_id: s.agentId,
      depth: depth + 1,
      cost_cents: s.costCents,
      price_cents: s.priceCents,
      margin_cents: s.marginCents,
      quantity: it.quantity,
      amount_cents: s.marginCents * it.quantity,
    })),
  );
  await q.insertOrderSite(tx, { order_id: orderId, agent_user_id: siteAgentUserId, created_at: now }, rows);
}

/** What each agent earns on an order (margin × quantity over its items), top agent first; empty off a 分站. */
export async function orderAgentShares(
  db: Executor,
  orderId: string,
): Promise<Array<{ agentId: string; amountCents: number }>> {
  const rows = await q.sharesOfOrder(db, orderId);
  const by = new Map<string, { depth: number; amount: number }>();
  for (const r of rows) {
    const cur = by.get(r.agent_user_id) ?? { depth: r.depth, amount: 0 };
    cur.amount += r.amount_cents;
    by.set(r.agent_user_id, cur);
  }
  return [...by.entries()]
    .sort((a, b) => a[1].depth - b[1].depth)
    .map(([agentId, v]) => ({ agentId, amountCents: v.amount }));
}

/** The 分站 an order was placed on (its agent's user id), or null for the main site. */
export async function siteOfOrder(db: Executor, orderId: string): Promise<string | null> {
  const r = await db
    .selectFrom('order_sites')
    .select('agent_user_id')
    .where('order_id', '=', orderId)
    .executeTakeFirst();
  return r?.agent_user_id ?? null;
}
