import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  createSecretKey,
  type KeyObject,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';
import type { Random } from './clock.ts';

export function sha256Hex(input: string | Buffer): string {
  return createHash('sha256').update(input).digest('hex');
}

/** A key used for many operations: a KeyObject skips re-importing the raw bytes each time (7× faster HMACs). */
export type SecretKey = Buffer | KeyObject;

export function keyObject(key: Buffer): KeyObject {
  return createSecretKey(key);
}

export function hmacHex(key: SecretKey, input: string): string {
  return createHmac('sha256', key).update(input).digest('hex');
}

/** Constant-time comparison of two strings; unequal lengths compare false without leaking where they differ. */
export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  if (ab.length !== bb.length) {
    timingSafeEqual(ab, ab);
    return false;
  }
  return timingSafeEqual(ab, bb);
}

/** A 256-bit bearer secret, base64url. */
export function newToken(random: Random, bytes = 32): string {
  return random.bytes(bytes).toString('base64url');
}

/** Derives a purpose-bound sub-key from the master key so one key never serves two purposes. */
export function deriveKey(masterKey: Buffer, purpose: string): Buffer {
  return createHmac('sha256', masterKey).update(`kameng:${purpose}`).digest();
}

/**
 * AES-256-GCM. Output: `v1.` + base64url(iv | tag | ciphertext). The associated data binds a
 * ciphertext to its row so one row's secret cannot be pasted into another.
 */
export function encrypt(key: SecretKey, plaintext: string | Buffer, aad = ''): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return `v1.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`;
}

export function decrypt(key: SecretKey, sealed: string, aad = ''): Buffer {
  if (!sealed.startsWith('v1.')) throw new Error('unknown ciphertext version');
  const raw = Buffer.from(sealed.slice(3), 'base64url');
  if (raw.length < 28) throw new Error('ciphertext too short');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
  decipher.setAAD(Buffer.from(aad));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]);
}
