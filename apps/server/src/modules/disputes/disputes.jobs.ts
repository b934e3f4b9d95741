import { z } from 'zod';
import type { Deps } from '../../platform/deps.ts';
import type { JobDefinition } from '../../platform/jobs/jobs.ts';
import { MINUTE } from '../../platform/rate-limit.ts';
import { runDisputeDeadlines } from './disputes.service.ts';

export function disputesJobs(deps: Deps): JobDefinition[] {
  // deadlines are checked every minute: a missed one escalates, refunds or closes the case
  const deadlines: JobDefinition<Record<string, never>> = {
    type: 'disputes.deadlines',
    payload: z.object({}).strict() as z.ZodType<Record<string, never>>,
    everyMs: MINUTE,
    leaseMs: 5 * MINUTE,
    handler: async () => {
      await runDisputeDeadlines(deps);
    },
  };
  return [deadlines as JobDefinition];
}
