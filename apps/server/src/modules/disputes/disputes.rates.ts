/** Dispute rates for operators: cases and cases lost per supplier and per category, over orders delivered. */
import type { Deps } from '../../platform/deps.ts';
import { DAY_MS } from '../../platform/days.ts';
import { deliveredCountsSince } from '../orders/orders.service.ts';
import * as q from './disputes.queries.ts';

const TOP = 20;

export async function disputeRates(deps: Deps, days: number) {
  const since = deps.clock.now() - days * DAY_MS;
  const [orders, cases] = await Promise.all([deliveredCountsSince(deps.db, since), q.caseCountsSince(deps.db, since)]);
  const rows = (counts: Map<string, { cases: number; lost: number }>, delivered: Map<string, number>) =>
    [...counts.entries()]
      .map(([id, c]) => {
        const n = delivered.get(id) ?? 0;
        // basis points: an integer, like every other rate Kameng stores
        return {
          id,
          orders: n,
          cases: c.cases,
          lost: c.lost,
          rateBps: n > 0 ? Math.round((c.cases * 10_000) / n) : 10_000,
        };
      })
      .sort((a, b) => b.rateBps - a.rateBps || b.cases - a.cases)
      .slice(0, TOP);
  return {
    days,
    suppliers: rows(cases.bySupplier, orders.bySupplier),
    categories: rows(cases.byCategory, orders.byCategory),
  };
}
