import type { Deps } from '../../platform/deps.ts';
import { type MetricSource, samples } from '../../platform/metrics.ts';

/** Payments made per channel and purpose, channel notifications accepted or refused, reconciliation differences. */
export function paymentsMetrics(deps: Deps): MetricSource[] {
  return [
    {
      name: 'kameng_payments_paid_total',
      help: 'Payments confirmed paid, ever, by channel and purpose',
      type: 'counter',
      labelNames: ['provider', 'purpose'],
      read: async () =>
        samples(
          await deps.db
            .selectFrom('payments')
            .select(['provider', 'purpose', (eb) => eb.fn.countAll().as('n')])
            .where('paid_at', 'is not', null)
            .groupBy(['provider', 'purpose'])
            .execute(),
          ['provider', 'purpose'],
        ),
    },
    {
      name: 'kameng_payment_notifications_total',
      help: "Channels' notifications (and query results) by channel, accepted or refused, and what they did",
      type: 'counter',
      labelNames: ['provider', 'result', 'outcome'],
      read: async () =>
        (
          await deps.db
            .selectFrom('payment_notifications')
            .select(['provider', 'outcome', (eb) => eb.fn.countAll().as('n')])
            .groupBy(['provider', 'outcome'])
            .execute()
        ).map((r) => ({
          labels: {
            provider: r.provider,
            result: r.outcome === 'rejected' ? 'refused' : 'accepted',
            outcome: r.outcome,
          },
          value: Number(r.n),
        })),
    },
    {
      name: 'kameng_reconciliation_differences',
      help: 'Differences the latest reconciliation of each channel found (missing here, missing there, amounts)',
      type: 'gauge',
      labelNames: ['provider', 'kind'],
      async read() {
        const newest = await deps.db
          .selectFrom('reconciliation_reports')
          .select(['provider', (eb) => eb.fn.max('created_at').as('at')])
          .groupBy('provider')
          .execute();
        const latest = [];
        for (const n of newest) {
          const r = await deps.db
            .selectFrom('reconciliation_reports')
            .select(['provider', 'missing_ours', 'missing_theirs', 'amount_mismatches'])
            .where('provider', '=', n.provider)
            .where('created_at', '=', Number(n.at))
            .executeTakeFirst();
          if (r) latest.push(r);
        }
        return latest.flatMap((r) => [
          { labels: { provider: r.provider, kind: 'missing_ours' }, value: Number(r.missing_ours) },
          { labels: { provider: r.provider, kind: 'missing_theirs' }, value: Number(r.missing_theirs) },
          { labels: { provider: r.provider, kind: 'amount_mismatch' }, value: Number(r.amount_mismatches) },
        ]);
      },
    },
    {
      name: 'kameng_refunds',
      help: 'Refunds by their current state',
      type: 'gauge',
      labelNames: ['status'],
      read: async () =>
        samples(
          await deps.db
            .selectFrom('refunds')
            .select(['status', (eb) => eb.fn.countAll().as('n')])
            .groupBy('status')
            .execute(),
          ['status'],
        ),
    },
  ];
}
