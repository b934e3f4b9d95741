import { channelOf } from '@kameng/contracts';
import { newToken } from '../../platform/crypto.ts';
import type { Deps } from '../../platform/deps.ts';
import type { AuthContext } from '../../platform/http/auth.ts';
import { AppError } from '../../platform/http/errors.ts';
import { isChannelProvider } from './payments.channels.ts';
import * as q from './payments.queries.ts';

/**
 * Channels whose pay page takes a signed form by POST (their definition's launchBy `form_post`, e.g. card-network
 * front transactions) keep that form as the payment's payUrl: the gateway address with the fields as its query.
 * The site's CSP lets forms post only to ourselves, so the buyer's browser is sent here, to a page of its own
 * whose policy allows exactly that gateway, and which posts the stored form there.
 */
export async function formLaunchPage(
  deps: Deps,
  auth: AuthContext | null,
  id: string,
): Promise<{ html: string; csp: string }> {
  const p = await q.findPayment(deps.db, id);
  // the same visibility as the payment itself: a guest's by its unguessable id, a buyer's to that buyer
  if (!p || (p.user_id !== null && p.user_id !== auth?.userId)) throw new AppError('NOT_FOUND', 'No such payment');
  const channel = isChannelProvider(p.provider) ? channelOf(p.provider) : null;
  if (channel?.launchBy !== 'form_post' || !p.pay_url) {
    throw new AppError('NOT_FOUND', 'This payment has no form to post');
  }
  if (p.status !== 'pending') throw new AppError('INVALID_STATE', `This payment is ${p.status}`);
  const target = new URL(p.pay_url);
  const action = `${target.origin}${target.pathname}`;
  const nonce = newToken(deps.random, 16);
  const inputs = [...target.searchParams]
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
    .join('\n');
  const html = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>正在前往支付 Redirecting to pay</title></head><body>
<form method="post" action="${escapeHtml(action)}">
${inputs}
<button type="submit">继续支付 Continue to pay</button></form>
<script nonce="${nonce}">document.forms[0].submit()</script></body></html>`;
  const formAction = [target.origin, ...(channel.formRedirects ?? [])].join(' ');
  const csp = `default-src 'none'; script-src 'nonce-${nonce}'; form-action ${formAction}; frame-ancestors 'none'; base-uri 'none'`;
  return { html, csp };
}

export const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
