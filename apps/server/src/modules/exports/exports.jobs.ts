import type { Deps } from '../../platform/deps.ts';
import { defineJob, type JobDefinition } from '../../platform/jobs/jobs.ts';
import { runExportJob } from './exports.jobs-spec.ts';
import { expireExports, runExport } from './exports.service.ts';
import { z } from 'zod';

export function exportsJobs(deps: Deps): JobDefinition[] {
  return [
    defineJob({
      ...runExportJob,
      // a million rows take minutes; a worker that dies mid-way gives the job back after this
      leaseMs: 30 * 60 * 1000,
      handler: ({ id }) => runExport(deps, id),
    }),
    defineJob({
      type: 'exports.expire',
      payload: z.object({}).passthrough(),
      everyMs: 60 * 60 * 1000,
      maxAttempts: 3,
      handler: async () => {
        await expireExports(deps);
      },
    }),
  ] as JobDefinition[];
}
