import { z } from 'zod';
import type { Deps } from '../../platform/deps.ts';
import type { JobDefinition } from '../../platform/jobs/jobs.ts';
import { HOUR } from '../../platform/rate-limit.ts';
import { importKeysJob } from './vault.jobs-spec.ts';
import { recountKeyStock, runImport, sweepOrphanUploads } from './vault.service.ts';

export function vaultJobs(deps: Deps): JobDefinition[] {
  const importKeys: JobDefinition<{ importId: string }> = {
    ...importKeysJob,
    // renewed while the import runs; a dead worker's import is taken over a minute later, from its last step
    leaseMs: 60_000,
    handler: (p, ctx) => runImport(deps, p.importId, ctx),
  };
  const sweep: JobDefinition<Record<string, never>> = {
    type: 'vault.sweep-orphan-uploads',
    payload: z.object({}).strict() as z.ZodType<Record<string, never>>,
    everyMs: HOUR,
    leaseMs: 10 * 60_000,
    handler: async () => {
      await sweepOrphanUploads(deps);
    },
  };
  const recount: JobDefinition<Record<string, never>> = {
    type: 'vault.recount-key-stock',
    payload: z.object({}).strict() as z.ZodType<Record<string, never>>,
    everyMs: HOUR,
    leaseMs: 10 * 60_000,
    handler: async () => {
      await recountKeyStock(deps);
    },
  };
  return [importKeys as JobDefinition, sweep as JobDefinition, recount as JobDefinition];
}
