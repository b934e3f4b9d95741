import { Worker } from 'node:worker_threads';
import { encryptEach, hmacHex, type SecretKey } from '../../platform/crypto.ts';
import { maskKey, normaliseKey } from './vault.keys.ts';
import type { Line } from './vault.upload.ts';

/** What encrypting and hashing one import step needs; `ids` holds at least one id a line. */
export interface StepInput {
  productId: string;
  dek: SecretKey;
  hashKey: SecretKey;
  lines: readonly Line[];
  ids: readonly string[];
}

/** A step's keys as parallel columns, in keyed-hash order. */
export interface StepKeys {
  ids: string[];
  secretEnc: string[];
  secretHash: string[];
  masked: string[];
  rejected: number;
}

/**
 * Blank lines are skipped; a line that is no key (too long, control characters) is rejected. Keys go in
 * the order of their keyed hash: the unique (product, hash) index then takes a step's keys in one sweep
 * instead of at random pages all over it, and a key twice in the step sits next to itself.
 */
export function prepareKeys(s: StepInput): StepKeys {
  let rejected = 0;
  const secrets: string[] = [];
  for (const line of s.lines) {
    if (line === null) {
      rejected++;
      continue;
    }
    const k = normaliseKey(line);
    if (!k.ok) {
      if (k.reason !== 'empty') rejected++;
      continue;
    }
    secrets.push(k.secret);
  }
  const hashes = secrets.map((secret) => hmacHex(s.hashKey, `${s.productId}:${secret}`));
  const order = secrets.map((_, i) => i).sort((x, y) => compare(hashes[x] as string, hashes[y] as string));
  const sorted = order.map((i) => secrets[i] as string);
  const ids = s.ids.slice(0, sorted.length);
  return {
    ids,
    secretEnc: encryptEach(s.dek, sorted, ids),
    secretHash: order.map((i) => hashes[i] as string),
    masked: sorted.map(maskKey),
    rejected,
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The raw keys travel to the worker as bytes (a KeyObject is made there); nothing else leaves the process. */
export interface WorkerStep extends Omit<StepInput, 'dek' | 'hashKey'> {
  seq: number;
  dek: Buffer;
  hashKey: Buffer;
}

export type WorkerAnswer = { seq: number; ok: true; keys: StepKeys } | { seq: number; ok: false; error: string };

/**
 * Prepares import steps on a worker thread, so that a step is encrypted and hashed while the one before it
 * is inserted and committed (SQLite does both on the main thread; their sum was the import's time). One
 * worker an import, ended with it.
 */
export class StepPreparer {
  readonly #worker = new Worker(new URL('./vault.prepare-worker.ts', import.meta.url));
  readonly #waiting = new Map<number, { resolve(k: StepKeys): void; reject(e: Error): void }>();
  #seq = 0;
  #failed: Error | null = null;
  constructor() {
    this.#worker.on('message', (a: WorkerAnswer) => {
      const w = this.#waiting.get(a.seq);
      this.#waiting.delete(a.seq);
      if (a.ok) w?.resolve(a.keys);
      else w?.reject(new Error(`preparing an import step failed: ${a.error}`));
    });
    const fail = (err: Error) => {
      this.#failed = err;
      for (const w of this.#waiting.values()) w.reject(err);
      this.#waiting.clear();
    };
    this.#worker.on('error', fail);
    this.#worker.on('exit', (code) => fail(new Error(`the import worker thread exited (${code})`)));
  }
  prepare(s: { productId: string; dek: Buffer; hashKey: Buffer; lines: readonly Line[]; ids: readonly string[] }) {
    if (this.#failed) return Promise.reject(this.#failed);
    const seq = this.#seq++;
    return new Promise<StepKeys>((resolve, reject) => {
      this.#waiting.set(seq, { resolve, reject });
      this.#worker.postMessage({ seq, ...s } satisfies WorkerStep);
    });
  }
  async close(): Promise<void> {
    this.#worker.removeAllListeners('exit');
    await this.#worker.terminate();
  }
}
