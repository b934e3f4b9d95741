import { type ChannelProviderDto, channelProviderSchema } from '@kameng/contracts';
import { z } from 'zod';
import type { JobSpec } from '../../platform/jobs/jobs.ts';

export const sandboxNotifyJob: JobSpec<{
  paymentId: string;
  status: 'SUCCESS' | 'FAILED' | 'PENDING';
  dropFirst: number;
  loseFirstAck: boolean;
}> = {
  type: 'payments.sandbox-notify',
  payload: z.object({
    paymentId: z.string(),
    status: z.enum(['SUCCESS', 'FAILED', 'PENDING']),
    dropFirst: z.number().int().min(0),
    loseFirstAck: z.boolean(),
  }),
  maxAttempts: 15,
};

/** Sends one refund to its channel; retried with backoff, the same channel refund number every time. */
export const channelRefundJob: JobSpec<{ refundId: string }> = {
  type: 'payments.channel-refund',
  payload: z.object({ refundId: z.string() }),
  maxAttempts: 12,
};

/** Reconciles one channel's day against the channel's records. */
export const reconcileDayJob: JobSpec<{ provider: ChannelProviderDto; day: string }> = {
  type: 'payments.reconcile-day',
  payload: z.object({ provider: channelProviderSchema, day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) }),
  maxAttempts: 5,
};
