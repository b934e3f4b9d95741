import type { Deps } from '../../platform/deps.ts';
import { type MetricSource, samples } from '../../platform/metrics.ts';

/** Purchases: orders that were ever paid (a paid_at never goes away) and their money, and orders per state. */
export function ordersMetrics(deps: Deps): MetricSource[] {
  const paid = () =>
    deps.db
      .selectFrom('orders')
      .select([(eb) => eb.fn.countAll().as('n'), (eb) => eb.fn.sum('amount_cents').as('cents')])
      .where('paid_at', 'is not', null)
      .executeTakeFirstOrThrow();
  return [
    {
      name: 'kameng_orders_paid_total',
      help: 'Orders paid, ever (purchases)',
      type: 'counter',
      read: async () => [{ value: Number((await paid()).n) }],
    },
    {
      name: 'kameng_orders_paid_cents_total',
      help: 'Money of the orders paid, ever, in fen',
      type: 'counter',
      read: async () => [{ value: Number((await paid()).cents ?? 0) }],
    },
    {
      name: 'kameng_orders',
      help: 'Orders by their current state',
      type: 'gauge',
      labelNames: ['status'],
      read: async () =>
        samples(
          await deps.db
            .selectFrom('orders')
            .select(['status', (eb) => eb.fn.countAll().as('n')])
            .groupBy('status')
            .execute(),
          ['status'],
        ),
    },
  ];
}
