import { createHash, createSign, createVerify, X509Certificate } from 'node:crypto';
import { toPem, type Verified } from './provider.ts';

/**
 * UnionPay 全渠道 5.1.0 signatures, signMethod 01. Both directions sign the SHA-256 hex digest of the sorted
 * `k=v&k=v` string of every field but `signature` with RSA-SHA256. We sign with the merchant's signing key
 * and name its certificate by `certId`; UnionPay signs with a certificate it sends along (`signPubKeyCert`),
 * which counts only when it chains to the root and intermediate certificates the operator configured, is
 * within its validity dates, and names UnionPay as its owner.
 */
export const UNIONPAY_VERSION = '5.1.0';
export const UNIONPAY_SIGN_METHOD = '01';
/** The owner UnionPay's production signing certificates name: the third `@` part of their CN. */
const PRODUCTION_OWNER = '中国银联股份有限公司';
/** What the test environment's signing certificates name there instead. */
const TEST_OWNER = '00040000:SIGN';

export function unionpaySigningString(params: Record<string, string>): string {
  return Object.keys(params)
    .filter((k) => k !== 'signature')
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join('&');
}

const digestHex = (params: Record<string, string>) =>
  createHash('sha256').update(unionpaySigningString(params), 'utf8').digest('hex');

/** The request fields plus `certId`, `signMethod`, `version` and their `signature`. */
export function signUnionpay(
  params: Record<string, string>,
  privateKeyPem: string,
  certId: string,
): Record<string, string> {
  const p = { ...params, version: UNIONPAY_VERSION, signMethod: UNIONPAY_SIGN_METHOD, certId };
  const signature = createSign('RSA-SHA256')
    .update(digestHex(p), 'utf8')
    .sign(toPem(privateKeyPem, 'PRIVATE KEY'), 'base64');
  return { ...p, signature };
}

function certificate(pem: string): X509Certificate | null {
  try {
    return new X509Certificate(pem.trim());
  } catch {
    return null;
  }
}

const within = (c: X509Certificate, now: number) => Date.parse(c.validFrom) <= now && now <= Date.parse(c.validTo);

/** The `@`-separated CN of the subject, as UnionPay's certificates carry it (`041@…@中国银联股份有限公司@…`). */
function owner(c: X509Certificate): string | null {
  const cn = c.subject.split('\n').find((l) => l.startsWith('CN='));
  return cn?.slice(3).split('@')[2] ?? null;
}

export interface TrustAnchors {
  rootCert: string;
  middleCert: string;
  environment: 'sandbox' | 'production';
}

/** `signPubKeyCert` checked against the configured chain: issued root → intermediate → it, dated, UnionPay's own. */
export function verifySigningCertificate(
  certPem: string,
  anchors: TrustAnchors,
  now: number,
): Verified<X509Certificate> {
  const cert = certificate(certPem);
  const middle = certificate(anchors.middleCert);
  const root = certificate(anchors.rootCert);
  if (!cert) return { ok: false, reason: 'signPubKeyCert is not a certificate' };
  if (!middle || !root) return { ok: false, reason: 'the configured root or intermediate certificate is unreadable' };
  if (!root.ca || !root.checkIssued(root) || !root.verify(root.publicKey)) {
    return { ok: false, reason: 'the configured root certificate is not a self-signed CA' };
  }
  if (!middle.ca || !middle.checkIssued(root) || !middle.verify(root.publicKey)) {
    return { ok: false, reason: 'the configured intermediate certificate is not issued by the root' };
  }
  if (cert.ca || !cert.checkIssued(middle) || !cert.verify(middle.publicKey)) {
    return { ok: false, reason: 'signPubKeyCert is not issued by the configured intermediate' };
  }
  if (![cert, middle, root].every((c) => within(c, now))) {
    return { ok: false, reason: 'a certificate of the chain is outside its validity dates' };
  }
  const who = owner(cert);
  if (who !== PRODUCTION_OWNER && !(anchors.environment === 'sandbox' && who === TEST_OWNER)) {
    return { ok: false, reason: `signPubKeyCert belongs to ${who ?? 'nobody named'}, not UnionPay` };
  }
  return { ok: true, value: cert };
}

/** A message UnionPay signed (a notification or an answer), verified before any of its fields is believed. */
export function verifyUnionpay(params: Record<string, string>, anchors: TrustAnchors, now: number): Verified<true> {
  if (!params.signature) return { ok: false, reason: 'missing signature' };
  if (params.signMethod !== UNIONPAY_SIGN_METHOD) return { ok: false, reason: 'signMethod is not 01' };
  if (params.version !== UNIONPAY_VERSION) return { ok: false, reason: `version is not ${UNIONPAY_VERSION}` };
  if (!params.signPubKeyCert) return { ok: false, reason: 'missing signPubKeyCert' };
  const cert = verifySigningCertificate(params.signPubKeyCert, anchors, now);
  if (!cert.ok) return cert;
  let good = false;
  try {
    good = createVerify('RSA-SHA256')
      .update(digestHex(params), 'utf8')
      .verify(cert.value.publicKey, params.signature, 'base64');
  } catch {
    good = false;
  }
  return good ? { ok: true, value: true } : { ok: false, reason: 'bad signature' };
}

/**
 * UnionPay's synchronous answers are `k=v&k=v` with values as they are (not URL-encoded); a value in braces
 * may itself hold `&` and `=`. A key that appears twice is refused, as in a notification.
 */
export function parseUnionpayAnswer(text: string): Verified<Record<string, string>> {
  const out: Record<string, string> = Object.create(null);
  let i = 0;
  while (i < text.length) {
    const eq = text.indexOf('=', i);
    if (eq < 0) return { ok: false, reason: 'malformed answer' };
    const key = text.slice(i, eq);
    let j = eq + 1;
    let depth = 0;
    for (; j < text.length; j++) {
      const ch = text[j];
      if (ch === '{') depth++;
      else if (ch === '}') depth = Math.max(0, depth - 1);
      else if (ch === '&' && depth === 0) break;
    }
    if (key in out) return { ok: false, reason: `duplicate parameter ${key}` };
    out[key] = text.slice(eq + 1, j);
    i = j + 1;
  }
  return { ok: true, value: out };
}
