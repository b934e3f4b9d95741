import type { Deps } from '../../platform/deps.ts';
import type { JobDefinition } from '../../platform/jobs/jobs.ts';

export function ledgerJobs(_deps: Deps): JobDefinition[] {
  return [];
}
