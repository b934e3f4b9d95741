import { z } from 'zod';
import type { JobSpec } from '../../platform/jobs/jobs.ts';

export const runExportJob: JobSpec<{ id: string }> = {
  type: 'exports.run',
  payload: z.object({ id: z.string() }),
  maxAttempts: 3,
};
