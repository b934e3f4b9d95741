/** The cashier: which methods a buyer may choose now, and launching a payment at its channel for a scene. */
import { channelOf } from '@kameng/contracts';
import type { Deps } from '../../platform/deps.ts';
import type { AuthContext } from '../../platform/http/auth.ts';
import { AppError } from '../../platform/http/errors.ts';
import { adapters, CHANNEL_PROVIDERS, isChannelProvider, notifyUrl, usableChannel } from './payments.channels.ts';
import { paymentRef } from './payments.intents.ts';
import { POLL_AFTER_MS } from './payments.polling.ts';
import * as q from './payments.queries.ts';
import { sandboxEnabled } from './payments.sandbox.ts';
import type { Provider } from './payments.tables.ts';
import { type PaymentView, toPaymentView } from './payments.views.ts';

export async function assertMethodAvailable(deps: Deps, method: Provider): Promise<void> {
  if (method === 'balance') return;
  if (method === 'sandbox' && (await sandboxEnabled(deps))) return;
  if (isChannelProvider(method) && (await usableChannel(deps, method))) return;
  throw new AppError('UNPROCESSABLE', `Payment method ${method} is not available`, {
    issues: [{ path: ['paymentMethod'], message: 'not available' }],
  });
}

/** Where the channel sends the buyer back to: our cashier page, which polls the payment (it proves nothing). */
export function returnUrl(siteUrl: string | null, paymentId: string): string {
  return `${(siteUrl ?? '').replace(/\/+$/, '')}/cashier/${encodeURIComponent(paymentId)}`;
}

/**
 * The cashier page's "pay with …": asks the channel for a pay URL or QR content for this scene (outside
 * any transaction) and keeps it on the payment. Asking again for the same scene answers what is stored.
 */
export async function checkoutPayment(
  deps: Deps,
  auth: AuthContext | null,
  id: string,
  scene: string,
  clientIp: string,
): Promise<PaymentView> {
  const p = await q.findPayment(deps.db, id);
  if (!p || (p.user_id !== null && p.user_id !== auth?.userId)) throw new AppError('NOT_FOUND', 'No such payment');
  if (p.status !== 'pending') throw new AppError('INVALID_STATE', `This payment is ${p.status}`);
  if (!isChannelProvider(p.provider)) {
    throw new AppError('UNPROCESSABLE', `Payments by ${p.provider} need no checkout`);
  }
  const now = deps.clock.now();
  if (p.expires_at <= now) throw new AppError('INVALID_STATE', 'This payment has expired');
  const channel = await usableChannel(deps, p.provider);
  if (!channel) throw new AppError('UNPROCESSABLE', `Payment method ${p.provider} is not available`);
  if (!channel.methods.includes(scene)) {
    throw new AppError('UNPROCESSABLE', `${p.provider} does not offer ${scene} here`, {
      issues: [{ path: ['scene'], message: `enabled: ${channel.methods.join(', ')}` }],
    });
  }
  if (p.scene === scene && (p.pay_url || p.qr_code)) return toPaymentView(p);
  // some channels (WeChat Pay) tie a trade to the type it was first placed with
  if (channelOf(p.provider).sceneFixedAfterLaunch && p.scene !== null && p.scene !== scene) {
    throw new AppError('INVALID_STATE', `This payment was started as ${p.scene}; start a new order to pay another way`);
  }
  let launched: { payUrl?: string; qrCode?: string };
  try {
    launched = await adapters(deps)[p.provider].launch(channel, paymentRef(p), {
      scene,
      notifyUrl: notifyUrl(channel),
      returnUrl: returnUrl(channel.siteUrl, p.id),
      clientIp,
    });
  } catch (err) {
    deps.log.warn({ paymentId: p.id, provider: p.provider, err: (err as Error).message }, 'channel launch failed');
    throw new AppError('UNAVAILABLE', `${p.provider} did not answer; try again or choose another method`);
  }
  await q.setLaunch(deps.db, p.id, {
    scene,
    payUrl: launched.payUrl ?? null,
    qrCode: launched.qrCode ?? null,
    nextQueryAt: Math.min(p.expires_at, now + POLL_AFTER_MS),
    now,
  });
  const updated = await q.findPayment(deps.db, p.id);
  return toPaymentView(updated ?? p);
}

/** The channel methods buyers can choose now, with their scenes, for the checkout page. */
export async function availableMethods(deps: Deps) {
  const out: { method: string; scenes: string[] }[] = [{ method: 'balance', scenes: [] }];
  if (await sandboxEnabled(deps)) out.push({ method: 'sandbox', scenes: [] });
  for (const provider of CHANNEL_PROVIDERS) {
    const c = await usableChannel(deps, provider);
    if (c) out.push({ method: provider, scenes: c.methods });
  }
  return { methods: out };
}
