/**
 * A random v4 UUID (idempotency keys). `crypto.randomUUID` exists only in a secure context (https, or
 * localhost): a page served over plain http on its own name — a 分站's subdomain before its certificate, a
 * LAN address — has `crypto.getRandomValues` alone, which gives the same 122 random bits.
 */
export function randomUuid(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
