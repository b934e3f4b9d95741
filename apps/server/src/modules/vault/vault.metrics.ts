import type { Deps } from '../../platform/deps.ts';
import { type MetricSource, samples } from '../../platform/metrics.ts';
import { countDrifts } from './vault.queries.ts';

/** Card-key stock: keys per state, and products at or below their low-stock threshold (suppliers told). */
export function vaultMetrics(deps: Deps): MetricSource[] {
  return [
    {
      name: 'kameng_card_keys',
      help: 'Card keys by state',
      type: 'gauge',
      labelNames: ['status'],
      read: async () =>
        samples(
          await deps.db
            .selectFrom('card_keys')
            .select(['status', (eb) => eb.fn.countAll().as('n')])
            .groupBy('status')
            .execute(),
          ['status'],
        ),
    },
    {
      name: 'kameng_key_stock_drifts_total',
      help: 'Times the recount found a product whose card-key stock counter disagreed with its keys (a bug; repaired)',
      type: 'counter',
      read: async () => [{ value: await countDrifts(deps.db) }],
    },
    {
      name: 'kameng_card_keys_low_stock_products',
      help: 'Products whose available card keys are at or below their low-stock threshold',
      type: 'gauge',
      read: async () => {
        const r = await deps.db
          .selectFrom('vault_stock_alerts')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('alerted_at', 'is not', null)
          .executeTakeFirstOrThrow();
        return [{ value: Number(r.n) }];
      },
    },
  ];
}
