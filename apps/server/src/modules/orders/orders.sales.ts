/** Sales reports for the dashboards. */
import type { DailySalesDto } from '@kameng/contracts';
import { fillDays, lastCstDays } from '../../platform/days.ts';
import type { Deps } from '../../platform/deps.ts';
import type { AuthContext } from '../../platform/http/auth.ts';
import * as q from './orders.queries.ts';

/** A supplier's own paid orders and their amount per CST day over the last `days` days. */
export async function supplierSalesPerDay(deps: Deps, auth: AuthContext, days: number): Promise<DailySalesDto> {
  return salesPerDay(deps, days, auth.userId);
}

/** The whole platform's paid orders per CST day: for operators (the route's guard). */
export async function platformSalesPerDay(deps: Deps, days: number): Promise<DailySalesDto> {
  return salesPerDay(deps, days);
}

async function salesPerDay(deps: Deps, days: number, supplierId?: string): Promise<DailySalesDto> {
  const range = lastCstDays(deps.clock.now(), days);
  const rows = await q.paidPerDay(deps.db, { from: range.from, to: range.to, ...(supplierId ? { supplierId } : {}) });
  return { items: fillDays(range, rows, { orders: 0, amountCents: 0 }) };
}
