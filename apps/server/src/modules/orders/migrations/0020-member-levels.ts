import type { Kysely } from 'kysely';

/**
 * Each order item records which price rule gave its unit price (contracts/pricing.ts) and what the
 * supplier's sale is worth per unit (the platform's price; below the buyer's on an agent's 分站). Items
 * written before carry null: their unit price was the list or tier price and the platform's.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('order_items').addColumn('price_rule', 'text').execute();
  await db.schema.alterTable('order_items').addColumn('platform_unit_cents', 'bigint').execute();
}
