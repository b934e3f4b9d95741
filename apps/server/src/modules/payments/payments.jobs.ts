import { z } from 'zod';
import type { Deps } from '../../platform/deps.ts';
import type { JobDefinition, JobSpec } from '../../platform/jobs/jobs.ts';
import { handleNotification } from './payments.service.ts';
import * as q from './payments.queries.ts';
import {
  SANDBOX_MERCHANT_ID,
  SIGNATURE_HEADER,
  sandboxKey,
  signSandbox,
  TIMESTAMP_HEADER,
} from './providers/sandbox.ts';

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
  return [notify as JobDefinition];
}
