/** The built-in sandbox gateway (never real money): its switch, its cashier page and its notifications. */
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/http/errors.ts';
import { enqueue } from '../../platform/jobs/jobs.ts';
import { getSetting } from '../../platform/settings.ts';
import { sandboxNotifyJob } from './payments.jobs-spec.ts';
import * as q from './payments.queries.ts';
import { type PaymentView, toPaymentView } from './payments.views.ts';

/** The sandbox is on when the environment says so or an operator turned it on. */
export async function sandboxEnabled(deps: Deps): Promise<boolean> {
  const setting = await getSetting(deps.db, 'payments.sandboxEnabled');
  return setting ?? deps.config.sandbox;
}

/** The sandbox cashier page is opened by link, like a real provider's cashier: the id alone finds it. */
export async function getSandboxPayment(deps: Deps, id: string): Promise<PaymentView> {
  const p = await q.findPaymentForProvider(deps.db, id, 'sandbox');
  if (!p) throw new AppError('NOT_FOUND', 'No such sandbox payment');
  return toPaymentView(p);
}

export interface SandboxBehaviour {
  outcome: 'success' | 'fail';
  /** extra copies of the notification, sent concurrently */
  duplicates: number;
  delayMs: number;
  /** the first N delivery attempts are lost on the way */
  dropFirst: number;
  /** the first attempt is processed but its acknowledgement is lost, so it is sent again */
  loseFirstAck: boolean;
  /** also send a stale PENDING notification after the final one */
  staleAfter: boolean;
}

/** The sandbox gateway takes the buyer's money (pretend) and notifies Kameng asynchronously. */
export async function sandboxComplete(
  deps: Deps,
  paymentId: string,
  b: SandboxBehaviour,
): Promise<{ tradeNo: string }> {
  if (!(await sandboxEnabled(deps))) throw new AppError('NOT_FOUND', 'The sandbox gateway is off');
  const payment = await q.findPaymentForProvider(deps.db, paymentId, 'sandbox');
  if (!payment) throw new AppError('NOT_FOUND', 'No such sandbox payment');
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (tx) => {
    await q.upsertSandboxTrade(tx, {
      payment_id: payment.id,
      trade_no: `SBX${payment.id.slice(4).toUpperCase()}`,
      amount_cents: payment.amount_cents,
      status: b.outcome === 'success' ? 'paid' : 'failed',
      created_at: now,
    });
    const trade = await q.findSandboxTrade(tx, payment.id);
    if (!trade) throw new Error('sandbox trade vanished');
    const status = trade.status === 'paid' ? ('SUCCESS' as const) : ('FAILED' as const);
    for (let i = 0; i <= b.duplicates; i++) {
      await enqueue(
        tx,
        deps,
        sandboxNotifyJob,
        {
          paymentId: payment.id,
          status,
          dropFirst: i === 0 ? b.dropFirst : 0,
          loseFirstAck: i === 0 && b.loseFirstAck,
        },
        { delayMs: b.delayMs },
      );
    }
    if (b.staleAfter) {
      await enqueue(
        tx,
        deps,
        sandboxNotifyJob,
        { paymentId: payment.id, status: 'PENDING', dropFirst: 0, loseFirstAck: false },
        { delayMs: b.delayMs + 50 },
      );
    }
    return { tradeNo: trade.trade_no };
  });
}
