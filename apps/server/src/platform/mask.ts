/**
 * Masking of personal fields (PIPL) wherever they are shown to someone other than their owner: enough to tell
 * records apart, never enough to use them elsewhere.
 */

/** `张*` / `张**` / `Li ***`: the first character of a name. */
export function maskName(name: string): string {
  const chars = [...name.trim()];
  if (chars.length === 0) return '';
  return `${chars[0]}${'*'.repeat(Math.max(1, Math.min(chars.length - 1, 3)))}`;
}

/** `1101**********1234`: an ID card or credit-code number by its first four and last four characters. */
export function maskIdNumber(id: string): string {
  const s = id.trim();
  if (s.length <= 8) return `${s.slice(0, 1)}${'*'.repeat(Math.max(s.length - 2, 1))}${s.slice(-1)}`;
  return `${s.slice(0, 4)}${'*'.repeat(s.length - 8)}${s.slice(-4)}`;
}

/** `139****5678` */
export function maskPhone(phone: string): string {
  return phone.length >= 7 ? `${phone.slice(0, 3)}****${phone.slice(-4)}` : '****';
}

/** `ab***@qq.com` */
export function maskEmail(email: string): string {
  const at = email.indexOf('@');
  return at >= 0 ? `${email.slice(0, Math.min(2, at))}***${email.slice(at)}` : '***';
}

/** A free-text contact (`QQ 123456`, a WeChat id): its first two and last two characters. */
export function maskContact(contact: string): string {
  const chars = [...contact.trim()];
  if (chars.length <= 4) return '*'.repeat(chars.length);
  return `${chars.slice(0, 2).join('')}${'*'.repeat(Math.min(chars.length - 4, 6))}${chars.slice(-2).join('')}`;
}
