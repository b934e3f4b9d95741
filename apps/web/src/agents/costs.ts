import { useMemo } from 'react';
import { useGet } from '../console/query.ts';

/**
 * The agent's own cost of each of these products (GET /agent/site/costs, from the server's one price
 * function): the platform's price for a top agent, his parent's price to a sub-agent. A product maps to null
 * where his parent does not sell it; the map is empty until the answer comes.
 */
export function useMyCosts(productIds: readonly string[]) {
  const ids = productIds.slice(0, 100).join(',');
  const costs = useGet<{ items: Array<{ productId: string; costCents: number | null }> }>(
    ids ? `/api/v1/agent/site/costs?productIds=${encodeURIComponent(ids)}` : null,
  );
  const byId = useMemo(() => new Map((costs.data?.items ?? []).map((c) => [c.productId, c.costCents])), [costs.data]);
  return { costs, byId };
}
