/**
 * A device signal for bad-faith checks that keeps no personal data: a keyed hash (HMAC under a key derived
 * from the master key) of the user agent, the client's own fingerprint header when it sends one, and the
 * network the address is in (IPv4 /24, IPv6 /48). Accounts that share it are likely one person; the hash
 * cannot be turned back into any of its parts, nor compared with another deployment's.
 */
import { isIP } from 'node:net';
import { deriveKey, hmacHex } from '../crypto.ts';

/** The header a client may send with its own device fingerprint (the web app sends one). */
export const FINGERPRINT_HEADER = 'x-device-fingerprint';

/** The network part of an address: the /24 of IPv4, the /48 of IPv6; anything else as given. */
export function networkOf(ip: string): string {
  const v4 = ip.startsWith('::ffff:') && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip;
  if (isIP(v4) === 4) return `${v4.split('.').slice(0, 3).join('.')}.0/24`;
  if (isIP(ip) === 6) {
    const [head = '', tail = ''] = ip.toLowerCase().split('::');
    const left = head ? head.split(':') : [];
    const right = tail ? tail.split(':') : [];
    const groups = ip.includes('::')
      ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right]
      : left;
    return `${groups
      .slice(0, 3)
      .map((g) => Number.parseInt(g || '0', 16).toString(16))
      .join(':')}::/48`;
  }
  return ip;
}

export interface DeviceSource {
  userAgent: string | undefined;
  fingerprint: string | undefined;
  ip: string;
}

/** The keyed device hash of a request. */
export function deviceHash(masterKey: Buffer, d: DeviceSource): string {
  const fingerprint = (d.fingerprint ?? '').slice(0, 256);
  const agent = (d.userAgent ?? '').slice(0, 512);
  return hmacHex(deriveKey(masterKey, 'device'), JSON.stringify([agent, fingerprint, networkOf(d.ip)]));
}

/** The device hash of a Fastify request. */
export function requestDevice(
  masterKey: Buffer,
  req: { headers: Record<string, string | string[] | undefined>; ip: string },
): string {
  const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  return deviceHash(masterKey, {
    userAgent: one(req.headers['user-agent']),
    fingerprint: one(req.headers[FINGERPRINT_HEADER]),
    ip: req.ip,
  });
}
