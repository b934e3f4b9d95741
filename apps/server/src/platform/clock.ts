import { randomBytes, randomFillSync } from 'node:crypto';

/** Time as epoch milliseconds. Injected everywhere so tests can move it. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export class ManualClock implements Clock {
  private t: number;
  constructor(start = Date.UTC(2026, 0, 1, 0, 0, 0)) {
    this.t = start;
  }
  now(): number {
    return this.t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
  set(ms: number): void {
    this.t = ms;
  }
}

/** Source of randomness. Production uses the CSPRNG; tests may inject a deterministic one. */
export interface Random {
  bytes(n: number): Buffer;
}

const POOL_BYTES = 4096;
let pool = Buffer.alloc(0);
let used = 0;

/**
 * The CSPRNG, drawn 4 KiB at a time: ids take 16 bytes, and one randomFillSync per id cost more than
 * the rest of the id. Every byte is handed out once (a refill is a new buffer, never the old one rewritten).
 */
export const cryptoRandom: Random = {
  bytes(n) {
    if (n > POOL_BYTES / 4) return randomBytes(n);
    if (used + n > pool.length) {
      pool = randomFillSync(Buffer.allocUnsafe(POOL_BYTES));
      used = 0;
    }
    used += n;
    return pool.subarray(used - n, used);
  },
};

/** Uniform integer in [0, max) without modulo bias. */
export function randomInt(random: Random, max: number): number {
  if (max <= 0 || max > 2 ** 32) throw new RangeError('max out of range');
  const limit = Math.floor(2 ** 32 / max) * max;
  for (;;) {
    const n = random.bytes(4).readUInt32BE(0);
    if (n < limit) return n % max;
  }
}

const ID_ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

/** Time-ordered, prefixed id: `usr_` + 10 chars of time + 16 random chars (80 bits). */
export function newId<P extends string>(prefix: P, clock: Clock, random: Random): `${P}_${string}` {
  return idOf(prefix, timePart(clock.now()), random.bytes(16), 0);
}

/**
 * `n` ids of one moment, their randomness drawn at once: for bulk inserts, where one CSPRNG call per id
 * costs more than everything else the id takes.
 */
export function newIds<P extends string>(prefix: P, clock: Clock, random: Random, n: number): `${P}_${string}`[] {
  const time = timePart(clock.now());
  const bytes = random.bytes(16 * n);
  const out: `${P}_${string}`[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = idOf(prefix, time, bytes, 16 * i);
  return out;
}

function timePart(now: number): string {
  let t = now;
  let time = '';
  for (let i = 0; i < 10; i++) {
    time = ID_ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  return time;
}

function idOf<P extends string>(prefix: P, time: string, bytes: Buffer, at: number): `${P}_${string}` {
  let rand = '';
  for (let i = at; i < at + 16; i++) rand += ID_ALPHABET[(bytes[i] as number) & 31];
  return `${prefix}_${time}${rand}`;
}
