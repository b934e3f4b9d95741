import { newId, randomInt } from '../../platform/clock.ts';
import { deriveKey, hmacHex, safeEqual } from '../../platform/crypto.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/http/errors.ts';
import type { RequestMeta } from '../../platform/http/route-helpers.ts';
import { HOUR, MINUTE } from '../../platform/rate-limit.ts';
import type { Channel } from '../../platform/sender.ts';
import * as q from './accounts.queries.ts';
import type { CodePurpose } from './accounts.tables.ts';

// The 6-digit codes sent by email or SMS: sending them (only on a channel that reaches someone) and spending them.

const CODE_TTL_MS = 5 * MINUTE;
const CODE_MAX_ATTEMPTS = 5;

/** Refuses, before anything is recorded, what needs a message on a channel this site cannot send on. */
export async function requireChannel(deps: Deps, channel: Channel): Promise<void> {
  if (await deps.sender.reaches(channel)) return;
  throw channel === 'sms'
    ? new AppError('SMS_NOT_CONFIGURED', 'SMS is not available here: no SMS provider is configured')
    : new AppError('EMAIL_NOT_CONFIGURED', 'Email is not available here: no mail server (SMTP_URL) is configured');
}

function codeHash(deps: Deps, target: string, purpose: string, code: string): string {
  return hmacHex(deriveKey(deps.config.masterKey, 'verification-code'), `${purpose}:${target}:${code}`);
}

/** Sends a 6-digit code. For password reset the answer is the same whether or not the account exists. */
export async function sendCode(
  deps: Deps,
  body: { purpose: 'verify' | 'reset'; email?: string | undefined; phone?: string | undefined },
  meta: RequestMeta,
): Promise<{ sent: true; expiresInSeconds: number }> {
  const target = body.email ?? body.phone ?? '';
  const channel = body.email ? 'email' : 'sms';
  await requireChannel(deps, channel);
  await deps.limiter.consume(`code:ip:${meta.ip}`, { max: 20, windowMs: HOUR }, 'code requests');
  await deps.limiter.consume(`code:target:${target}`, { max: 1, windowMs: MINUTE }, 'codes to this address');
  await deps.limiter.consume(`code:target-day:${target}`, { max: 10, windowMs: 24 * HOUR }, 'codes to this address');

  if (body.purpose === 'reset') {
    const user = await q.findUserByLogin(deps.db, body.email ? { email: body.email } : { phone: target });
    if (!user) return { sent: true, expiresInSeconds: CODE_TTL_MS / 1000 };
  }
  await issueCode(deps, channel, target, body.purpose);
  return { sent: true, expiresInSeconds: CODE_TTL_MS / 1000 };
}

/**
 * A code that lets a guest see the orders bought with this email (the orders module's lookup by code). The
 * limits are every code's; the answer is the same whether or not the address bought anything, and nothing is
 * sent when it did not (`send` false), so the page tells nobody who bought here.
 */
export async function sendOrderLookupCode(
  deps: Deps,
  email: string,
  send: boolean,
  meta: RequestMeta,
): Promise<{ sent: true; expiresInSeconds: number }> {
  await requireChannel(deps, 'email');
  await deps.limiter.consume(`code:ip:${meta.ip}`, { max: 20, windowMs: HOUR }, 'code requests');
  await deps.limiter.consume(`code:target:${email}`, { max: 1, windowMs: MINUTE }, 'codes to this address');
  await deps.limiter.consume(`code:target-day:${email}`, { max: 10, windowMs: 24 * HOUR }, 'codes to this address');
  if (send) await issueCode(deps, 'email', email, 'order_lookup');
  return { sent: true, expiresInSeconds: CODE_TTL_MS / 1000 };
}

const PURPOSE_TEXT: Record<CodePurpose, string> = {
  verify: '验证 / verification',
  reset: '重置密码 / password reset',
  step_up: '安全验证 / security check',
  order_lookup: '查询订单 / order lookup',
};

/** Records a fresh code (the earlier ones of the purpose stop working) and sends it; the caller applied the limits. */
export async function issueCode(deps: Deps, channel: Channel, target: string, purpose: CodePurpose): Promise<void> {
  const code = String(randomInt(deps.random, 1_000_000)).padStart(6, '0');
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (tx) => {
    await q.invalidateCodes(tx, target, purpose, now);
    await q.insertCode(tx, {
      id: newId('vcd', deps.clock, deps.random),
      purpose,
      channel,
      target,
      code_hash: codeHash(deps, target, purpose, code),
      expires_at: now + CODE_TTL_MS,
      created_at: now,
    });
  });
  await deps.sender.send({
    channel,
    to: target,
    subject: `卡盟 Kameng ${PURPOSE_TEXT[purpose]}`,
    text: `【卡盟】您的验证码是 ${code}，5 分钟内有效。Your Kameng code is ${code}; it expires in 5 minutes.`,
    sms: { template: 'verification', params: { code } },
  });
}

/**
 * Checks and spends a code: single use, 5 minutes, at most 5 wrong guesses. It runs on its own,
 * before the caller's transaction, so a wrong guess is counted even when the caller fails.
 */
export async function consumeCode(deps: Deps, target: string, purpose: CodePurpose, code: string): Promise<void> {
  const db = deps.db;
  const now = deps.clock.now();
  const row = await q.findLiveCode(db, target, purpose, now);
  const invalid = new AppError('CODE_INVALID', 'The code is wrong or has expired; request a new one', {
    issues: [{ path: ['code'], message: 'wrong or expired' }],
  });
  if (!row || row.attempts >= CODE_MAX_ATTEMPTS) throw invalid;
  if (!safeEqual(row.code_hash, codeHash(deps, target, purpose, code))) {
    await q.bumpCodeAttempts(db, row.id);
    throw invalid;
  }
  if (!(await q.consumeCodeRow(db, row.id, now))) throw invalid;
}
