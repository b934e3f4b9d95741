import { z } from 'zod';
import type { Deps } from '../../platform/deps.ts';
import type { JobDefinition } from '../../platform/jobs/jobs.ts';
import { MINUTE } from '../../platform/rate-limit.ts';
import { deliverOrderJob, expireOrderJob, notifyDeliveredJob } from './orders.jobs-spec.ts';
import { autoCompleteOrders, deliverOrder, expireOrder, notifyDelivered } from './orders.service.ts';

export function ordersJobs(deps: Deps): JobDefinition[] {
  const defs: JobDefinition<{ orderId: string }>[] = [
    { ...deliverOrderJob, leaseMs: 30_000, handler: (p) => deliverOrder(deps, p.orderId) },
    { ...expireOrderJob, leaseMs: 30_000, handler: (p) => expireOrder(deps, p.orderId) },
    { ...notifyDeliveredJob, leaseMs: 30_000, handler: (p) => notifyDelivered(deps, p.orderId) },
  ];
  const autoComplete: JobDefinition<Record<string, never>> = {
    type: 'orders.auto-complete',
    payload: z.object({}).strict() as z.ZodType<Record<string, never>>,
    everyMs: MINUTE,
    leaseMs: 5 * MINUTE,
    handler: async () => {
      await autoCompleteOrders(deps);
    },
  };
  return [...(defs as JobDefinition[]), autoComplete as JobDefinition];
}
