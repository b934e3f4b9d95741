import type { Deps } from '../../platform/deps.ts';
import { MINUTE } from '../../platform/rate-limit.ts';
import { adapters, loadChannel, missingFor } from './payments.channels.ts';
import { paymentRef, settlePaid } from './payments.intents.ts';
import { recorder } from './payments.notifications.ts';
import * as q from './payments.queries.ts';
import type { ChannelProvider } from './payments.tables.ts';

/** After this long without a notification, we start asking the channel. */
export const POLL_AFTER_MS = 2 * MINUTE;
const POLL_MAX_INTERVAL_MS = 10 * MINUTE;
const POLL_CONCURRENCY = 4;

function nextPollDelay(attempts: number): number {
  return Math.min(POLL_MAX_INTERVAL_MS, MINUTE * 2 ** attempts);
}

/**
 * Notifications get lost; money must not. Every payment still pending after POLL_AFTER_MS is queried at
 * the channel, backing off (1, 2, 4 … 10 minutes) until it expires; at expiry it is queried once more and
 * closed at the channel so the buyer cannot pay a cancelled order. A payment found paid goes through the
 * same paid transition as a notification (a late one meets the orders' late-payment rule).
 */
export async function pollDuePayments(deps: Deps, limit = 50): Promise<{ checked: number; paid: number }> {
  const due = await q.duePolls(deps.db, deps.clock.now(), limit);
  let paid = 0;
  // a few at a time: one slow channel must not hold up the rest, nor may a burst hammer a channel
  const queue = [...due];
  const worker = async () => {
    for (let p = queue.shift(); p; p = queue.shift()) {
      try {
        if (await pollOne(deps, p)) paid++;
      } catch (err) {
        deps.log.warn({ paymentId: p.id, err: (err as Error).message }, 'payment poll failed');
        await q.reschedulePoll(deps.db, p.id, deps.clock.now() + nextPollDelay(p.query_attempts), deps.clock.now());
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(POLL_CONCURRENCY, due.length) }, worker));
  return { checked: due.length, paid };
}

async function pollOne(deps: Deps, p: q.PaymentRow): Promise<boolean> {
  const now = deps.clock.now();
  const provider = p.provider as ChannelProvider;
  const channel = await loadChannel(deps, provider);
  if (!channel || missingFor(deps, channel).length > 0) {
    await q.reschedulePoll(deps.db, p.id, now + POLL_MAX_INTERVAL_MS, now);
    return false;
  }
  const adapter = adapters(deps)[provider];
  const ref = paymentRef(p);
  const found = await adapter.query(channel, ref);
  const record = recorder(deps, provider, now);
  if (found.status === 'paid') {
    if (found.amountCents !== p.amount_cents || !found.tradeNo) {
      await record(p.id, 'rejected', 'query: paid with a different amount or no trade number');
      await q.reschedulePoll(deps.db, p.id, null, now);
      return false;
    }
    const outcome = await settlePaid(deps, p.id, found.tradeNo);
    await record(p.id, outcome.transitioned ? 'paid' : 'duplicate', 'by query');
    await q.reschedulePoll(deps.db, p.id, null, now);
    return outcome.transitioned;
  }
  if (found.status === 'closed') {
    await q.closePayment(deps.db, p.id, now);
    await q.markProviderClosed(deps.db, p.id, now);
    return false;
  }
  if (p.status === 'closed' || now >= p.expires_at) {
    await adapter.close(channel, ref);
    await q.closePayment(deps.db, p.id, now);
    await q.markProviderClosed(deps.db, p.id, now);
    return false;
  }
  await q.reschedulePoll(deps.db, p.id, Math.min(p.expires_at, now + nextPollDelay(p.query_attempts)), now);
  return false;
}
