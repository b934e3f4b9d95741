import { z } from 'zod';
import type { Deps } from '../../platform/deps.ts';
import { pruneIdempotencyKeys } from '../../platform/idempotency.ts';
import type { JobDefinition } from '../../platform/jobs/jobs.ts';
import { HOUR } from '../../platform/rate-limit.ts';

export function systemJobs(deps: Deps): JobDefinition[] {
  const prune: JobDefinition<Record<string, never>> = {
    type: 'system.prune-idempotency-keys',
    payload: z.object({}).strict() as z.ZodType<Record<string, never>>,
    everyMs: 6 * HOUR,
    handler: async () => {
      await pruneIdempotencyKeys(deps);
    },
  };
  return [prune as JobDefinition];
}
