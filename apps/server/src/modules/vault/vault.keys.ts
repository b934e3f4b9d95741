import type { Random } from '../../platform/clock.ts';

/** The longest key kept, in characters, after normalising. */
export const MAX_KEY_LENGTH = 512;

// C0 controls except TAB (a column separator), DEL, C1 controls, the line and paragraph separators, and
// U+FFFD, which is what invalid UTF-8 (a GBK file, say) decodes to
// biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
const FORBIDDEN = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029\ufffd]/;

const SURROGATE = /[\ud800-\udfff]/;

export type KeyRejection = 'empty' | 'too_long' | 'control';

/**
 * One key from one line. `card,password`, `card，password` (full-width comma), `card<TAB>password` and
 * `card password` all become the single secret `card password`: a pair is stored, de-duplicated and
 * delivered as one string. Surrounding blanks go; runs of blanks become one space.
 */
export function normaliseKey(line: string): { ok: true; secret: string } | { ok: false; reason: KeyRejection } {
  const raw = line.charCodeAt(0) === 0xfeff ? line.slice(1) : line;
  if (FORBIDDEN.test(raw)) return { ok: false, reason: 'control' };
  const secret = raw
    .trim()
    .replace(/\s*[,，\t]\s*/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (secret.length === 0) return { ok: false, reason: 'empty' };
  if (secret.length > MAX_KEY_LENGTH) return { ok: false, reason: 'too_long' };
  return { ok: true, secret };
}

/** What a supplier sees in lists: at most a quarter of each end, never more than 4 characters of either. */
export function maskKey(secret: string): string {
  // one UTF-16 unit a character unless a surrogate pair is in it: the common case needs no code point array
  if (!SURROGATE.test(secret)) {
    const n = Math.min(4, Math.floor(secret.length / 4));
    return n === 0 ? '****' : `${secret.slice(0, n)}****${secret.slice(-n)}`;
  }
  const chars = [...secret];
  const n = Math.min(4, Math.floor(chars.length / 4));
  if (n === 0) return '****';
  return `${chars.slice(0, n).join('')}****${chars.slice(-n).join('')}`;
}

export const ALPHABETS = {
  digits: '0123456789',
  upper: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  alnum: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789',
} as const;

export interface CodeFormat {
  prefix?: string | undefined;
  /** random characters, not counting the prefix or group dashes */
  length: number;
  alphabet: keyof typeof ALPHABETS;
  /** a dash every groupSize random characters */
  groupSize?: number | undefined;
}

/**
 * Makes `count` random codes (not necessarily distinct: the unique index decides) from the CSPRNG.
 * Bytes are drawn in bulk and mapped by rejection sampling, so every character is uniform.
 */
export function generateCodes(random: Random, format: CodeFormat, count: number): string[] {
  const alphabet = ALPHABETS[format.alphabet];
  const m = alphabet.length;
  const limit = 256 - (256 % m);
  const out: string[] = [];
  let pool = random.bytes(0);
  let at = 0;
  for (let i = 0; i < count; i++) {
    let code = '';
    for (let c = 0; c < format.length; ) {
      if (at >= pool.length) {
        pool = random.bytes(Math.min(65_536, Math.max(256, (count - i) * format.length * 2)));
        at = 0;
      }
      const b = pool[at++] as number;
      if (b >= limit) continue;
      if (format.groupSize && c > 0 && c % format.groupSize === 0) code += '-';
      code += alphabet[b % m];
      c++;
    }
    out.push((format.prefix ?? '') + code);
  }
  return out;
}
