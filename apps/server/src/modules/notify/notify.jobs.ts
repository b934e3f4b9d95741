import type { Deps } from '../../platform/deps.ts';
import type { JobDefinition } from '../../platform/jobs/jobs.ts';
import { emailNoticeJob } from './notify.jobs-spec.ts';
import { emailNotice } from './notify.service.ts';

export function notifyJobs(deps: Deps): JobDefinition[] {
  const email: JobDefinition<{ noticeId: string }> = {
    ...emailNoticeJob,
    leaseMs: 30_000,
    handler: (p) => emailNotice(deps, p.noticeId),
  };
  return [email as JobDefinition];
}
