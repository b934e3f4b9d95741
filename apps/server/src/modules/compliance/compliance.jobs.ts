import { z } from 'zod';
import type { Deps } from '../../platform/deps.ts';
import type { JobDefinition } from '../../platform/jobs/jobs.ts';
import { MINUTE } from '../../platform/rate-limit.ts';
import { expireQualifications } from './compliance.service.ts';

export function complianceJobs(deps: Deps): JobDefinition[] {
  // a lapsed qualification takes its goods off sale within the quarter hour
  const expiry: JobDefinition<Record<string, never>> = {
    type: 'compliance.qualification_expiry',
    payload: z.object({}).strict() as z.ZodType<Record<string, never>>,
    everyMs: 15 * MINUTE,
    leaseMs: 10 * MINUTE,
    handler: async () => {
      const r = await expireQualifications(deps);
      if (r.expired > 0) deps.log.info(r, 'qualifications expired');
    },
  };
  return [expiry as JobDefinition];
}
