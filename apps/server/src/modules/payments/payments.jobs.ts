import { z } from 'zod';
import type { Deps } from '../../platform/deps.ts';
import type { JobDefinition } from '../../platform/jobs/jobs.ts';
import { HOUR, MINUTE } from '../../platform/rate-limit.ts';
import { channelRefundJob, reconcileDayJob, sandboxNotifyJob } from './payments.jobs-spec.ts';
import { reconcileDay, scheduleDailyReconciliation } from './payments.reconciliation.ts';
import { handleNotification, pollDuePayments, sendChannelRefund } from './payments.service.ts';
import * as q from './payments.queries.ts';
import {
  SANDBOX_MERCHANT_ID,
  SIGNATURE_HEADER,
  sandboxKey,
  signSandbox,
  TIMESTAMP_HEADER,
} from './providers/sandbox.ts';

export function paymentsJobs(deps: Deps): JobDefinition[] {
  const notify: JobDefinition<z.infer<typeof sandboxNotifyJob.payload>> = {
    ...sandboxNotifyJob,
    leaseMs: 30_000,
    // The sandbox gateway retries with backoff until Kameng acknowledges, like a real channel.
    async handler(p, ctx) {
      if (ctx.attempt <= p.dropFirst) throw new Error('sandbox: notification lost in transit (simulated)');
      const trade = await q.findSandboxTrade(deps.db, p.paymentId);
      if (!trade) throw new Error(`sandbox: no trade for ${p.paymentId}`);
      const body = JSON.stringify({
        paymentId: p.paymentId,
        tradeNo: trade.trade_no,
        amountCents: trade.amount_cents,
        status: p.status,
        merchantId: SANDBOX_MERCHANT_ID,
      });
      const ts = String(Math.floor(deps.clock.now() / 1000));
      const headers = { [TIMESTAMP_HEADER]: ts, [SIGNATURE_HEADER]: signSandbox(sandboxKey(deps), ts, body) };
      const result = await handleNotification(deps, 'sandbox', Buffer.from(body), headers);
      if (!result.ok) throw new Error(`sandbox: Kameng refused the notification: ${result.reason}`);
      if (p.loseFirstAck && ctx.attempt === 1) throw new Error('sandbox: acknowledgement lost (simulated)');
      await q.ackSandboxTrade(deps.db, p.paymentId, deps.clock.now());
    },
  };
  const refund: JobDefinition<z.infer<typeof channelRefundJob.payload>> = {
    ...channelRefundJob,
    leaseMs: 2 * MINUTE,
    handler: (p, ctx) =>
      sendChannelRefund(deps, p.refundId, { n: ctx.attempt, max: channelRefundJob.maxAttempts ?? 10 }),
  };
  // notifications can be lost: pending payments are asked about until they settle or expire
  const poll: JobDefinition<Record<string, never>> = {
    type: 'payments.poll-pending',
    payload: z.object({}).strict() as z.ZodType<Record<string, never>>,
    everyMs: 30_000,
    leaseMs: 5 * MINUTE,
    maxAttempts: 1,
    handler: async () => {
      await pollDuePayments(deps);
    },
  };
  const reconcile: JobDefinition<z.infer<typeof reconcileDayJob.payload>> = {
    ...reconcileDayJob,
    leaseMs: 30 * MINUTE,
    handler: async (p) => {
      await reconcileDay(deps, p.provider, p.day, null);
    },
  };
  // slots are UTC days: at 00:00 UTC (08:00 in China) yesterday's books are closed at every channel
  const daily: JobDefinition<Record<string, never>> = {
    type: 'payments.reconcile-daily',
    payload: z.object({}).strict() as z.ZodType<Record<string, never>>,
    everyMs: 24 * HOUR,
    leaseMs: 5 * MINUTE,
    maxAttempts: 3,
    handler: () => scheduleDailyReconciliation(deps),
  };
  return [
    notify as JobDefinition,
    refund as JobDefinition,
    poll as JobDefinition,
    reconcile as JobDefinition,
    daily as JobDefinition,
  ];
}
