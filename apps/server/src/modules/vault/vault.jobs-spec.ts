import { z } from 'zod';
import type { JobSpec } from '../../platform/jobs/jobs.ts';

/** Retries of an import resume after the last committed step; a stopping worker costs one attempt. */
export const IMPORT_MAX_ATTEMPTS = 8;

export const importKeysJob: JobSpec<{ importId: string }> = {
  type: 'vault.import-keys',
  payload: z.object({ importId: z.string() }),
  maxAttempts: IMPORT_MAX_ATTEMPTS,
};
