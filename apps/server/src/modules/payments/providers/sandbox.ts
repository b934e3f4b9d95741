import { z } from 'zod';
import { deriveKey, hmacHex, safeEqual } from '../../../platform/crypto.ts';
import type { Deps } from '../../../platform/deps.ts';

/**
 * The built-in sandbox gateway signs its asynchronous notifications the way real channels do:
 * HMAC-SHA256 over `${timestamp}.${rawBody}`, with the timestamp in a header. Kameng verifies
 * the raw bytes before parsing anything.
 */
export const SANDBOX_MERCHANT_ID = 'kameng-sandbox';
export const SIGNATURE_HEADER = 'x-sandbox-signature';
export const TIMESTAMP_HEADER = 'x-sandbox-timestamp';
export const MAX_SKEW_SECONDS = 300;

export const sandboxNotificationSchema = z.strictObject({
  paymentId: z.string().min(1).max(64),
  tradeNo: z.string().min(1).max(64),
  amountCents: z.number().int().positive(),
  status: z.enum(['SUCCESS', 'FAILED', 'PENDING']),
  merchantId: z.string(),
});
export type SandboxNotification = z.infer<typeof sandboxNotificationSchema>;

export function sandboxKey(deps: Pick<Deps, 'config'>): Buffer {
  return deriveKey(deps.config.masterKey, 'sandbox-gateway');
}

export function signSandbox(key: Buffer, timestamp: string, raw: Buffer | string): string {
  return hmacHex(key, `${timestamp}.${Buffer.isBuffer(raw) ? raw.toString('utf8') : raw}`);
}

export type Verified<T> = { ok: true; value: T } | { ok: false; reason: string };

function header(headers: Record<string, unknown>, name: string): string | null {
  const v = headers[name];
  return typeof v === 'string' ? v : null;
}

export function verifySandboxNotification(
  deps: Pick<Deps, 'config' | 'clock'>,
  raw: Buffer,
  headers: Record<string, unknown>,
): Verified<SandboxNotification> {
  const ts = header(headers, TIMESTAMP_HEADER);
  const sig = header(headers, SIGNATURE_HEADER);
  if (!ts || !sig) return { ok: false, reason: 'missing signature headers' };
  if (!/^\d{1,12}$/.test(ts)) return { ok: false, reason: 'malformed timestamp' };
  const skew = Math.abs(Math.floor(deps.clock.now() / 1000) - Number(ts));
  if (skew > MAX_SKEW_SECONDS) return { ok: false, reason: `timestamp outside ±${MAX_SKEW_SECONDS}s` };
  if (!/^[0-9a-f]{64}$/.test(sig)) return { ok: false, reason: 'malformed signature' };
  const expected = hmacHex(sandboxKey(deps), `${ts}.${raw.toString('utf8')}`);
  if (!safeEqual(sig, expected)) return { ok: false, reason: 'bad signature' };
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    return { ok: false, reason: 'body is not JSON' };
  }
  const parsed = sandboxNotificationSchema.safeParse(body);
  if (!parsed.success) return { ok: false, reason: 'unexpected body' };
  if (parsed.data.merchantId !== SANDBOX_MERCHANT_ID) return { ok: false, reason: 'wrong merchant' };
  return { ok: true, value: parsed.data };
}
