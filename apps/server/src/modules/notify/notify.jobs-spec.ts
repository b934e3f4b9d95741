import { z } from 'zod';
import type { JobSpec } from '../../platform/jobs/jobs.ts';

export const emailNoticeJob: JobSpec<{ noticeId: string }> = {
  type: 'notify.email-notice',
  payload: z.object({ noticeId: z.string() }),
  maxAttempts: 8,
};
