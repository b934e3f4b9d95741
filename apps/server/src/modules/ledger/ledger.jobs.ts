import { z } from 'zod';
import type { Deps } from '../../platform/deps.ts';
import type { JobDefinition } from '../../platform/jobs/jobs.ts';
import { HOUR, MINUTE } from '../../platform/rate-limit.ts';
import { checkTrialBalance } from './ledger.service.ts';

export function ledgerJobs(deps: Deps): JobDefinition[] {
  // The book is proved every hour as well as on demand; an unbalanced book fails the job loudly.
  const trialBalance: JobDefinition<Record<string, never>> = {
    type: 'ledger.trial-balance',
    payload: z.object({}).strict() as z.ZodType<Record<string, never>>,
    everyMs: HOUR,
    leaseMs: 10 * MINUTE,
    maxAttempts: 1,
    handler: async () => {
      const tb = await checkTrialBalance(deps);
      if (!tb.balanced || tb.negativeAccounts.length > 0) {
        deps.log.error({ trialBalance: tb }, 'ledger trial balance failed');
        throw new Error('ledger trial balance failed');
      }
    },
  };
  return [trialBalance as JobDefinition];
}
