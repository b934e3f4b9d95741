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
  return seal(key, randomBytes(12), plaintext, aad);
}

/**
 * `encrypt` of many plaintexts under one key, each with its own AAD and a fresh IV, the IVs drawn from the
 * CSPRNG at once: one 12-byte draw per value costs more than the cipher itself.
 */
export function encryptEach(key: SecretKey, plaintexts: readonly string[], aads: readonly string[]): string[] {
  const ivs = randomBytes(12 * plaintexts.length);
  const out: string[] = new Array(plaintexts.length);
  for (let i = 0; i < plaintexts.length; i++) {
    out[i] = seal(key, ivs.subarray(12 * i, 12 * i + 12), plaintexts[i] as string, aads[i] ?? '');
  }
  return out;
}

/** Inputs longer than this are enciphered piece by piece into `sealScratch` instead of whole into fresh copies. */
const SEAL_PIECE = 64 * 1024;
let sealScratch = Buffer.alloc(0);

function seal(key: SecretKey, iv: Buffer, plaintext: string | Buffer, aad: string): string {
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad));
  if (typeof plaintext === 'string' || plaintext.length <= SEAL_PIECE) {
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return `v1.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`;
  }
  // a staged upload piece (1 MiB): three whole-size copies a call would be garbage outside the JS heap
  if (sealScratch.length < 28 + plaintext.length) sealScratch = Buffer.allocUnsafeSlow(28 + plaintext.length);
  const out = sealScratch;
  iv.copy(out, 0);
  let at = 28;
  for (let i = 0; i < plaintext.length; i += SEAL_PIECE) {
    at += cipher.update(plaintext.subarray(i, i + SEAL_PIECE)).copy(out, at);
  }
  at += cipher.final().copy(out, at);
  cipher.getAuthTag().copy(out, 12);
  return `v1.${out.toString('base64url', 0, at)}`;
}

export function decrypt(key: SecretKey, sealed: string, aad = ''): Buffer {
  if (!sealed.startsWith('v1.')) throw new Error('unknown ciphertext version');
  const raw = Buffer.from(sealed.slice(3), 'base64url');
  if (raw.length < 28) throw new Error('ciphertext too short');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
  decipher.setAAD(Buffer.from(aad));
  decipher.setAuthTag(raw.subarray(12, 28));
  const body = decipher.update(raw.subarray(28));
  const tail = decipher.final();
  return tail.length === 0 ? body : Buffer.concat([body, tail]);
}

/**
 * A `decrypt` for large values opened one after another (a staged upload's 1 MiB pieces): it decodes and
 * deciphers into two buffers it keeps, so what it returns is valid only until its next call. Fresh buffers
 * a piece would outlive the young generation while the piece is read and pile up outside the JS heap.
 */
export function opener(): (key: SecretKey, sealed: string, aad?: string) => Buffer {
  let raw = Buffer.alloc(0);
  let out = Buffer.alloc(0);
  return (key, sealed, aad = '') => {
    if (!sealed.startsWith('v1.')) throw new Error('unknown ciphertext version');
    const body = sealed.slice(3);
    const most = Math.ceil((body.length * 3) / 4);
    if (raw.length < most) raw = Buffer.allocUnsafeSlow(most);
    const n = raw.write(body, 0, 'base64url');
    if (n < 28) throw new Error('ciphertext too short');
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
    decipher.setAAD(Buffer.from(aad));
    decipher.setAuthTag(raw.subarray(12, 28));
    if (out.length < n - 28) out = Buffer.allocUnsafeSlow(n - 28);
    let at = 0;
    for (let i = 28; i < n; i += SEAL_PIECE)
      at += decipher.update(raw.subarray(i, Math.min(n, i + SEAL_PIECE))).copy(out, at);
    at += decipher.final().copy(out, at);
    return out.subarray(0, at);
  };
}
