/** Latency percentiles from raw samples (milliseconds); nearest-rank on a sorted copy. */
export function percentile(sorted: Float64Array | number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export interface Spread {
  median: number;
  min: number;
  max: number;
}

export function spread(values: number[]): Spread {
  const finite = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (finite.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN };
  const mid = Math.floor(finite.length / 2);
  const median = finite.length % 2 ? finite[mid]! : (finite[mid - 1]! + finite[mid]!) / 2;
  return { median, min: finite[0]!, max: finite.at(-1)! };
}

/** A growable buffer of samples that never holds more than `cap` values (reservoir sampling past it). */
export class Samples {
  private buf: Float64Array;
  private n = 0;
  private seen = 0;
  private readonly cap: number;
  constructor(cap = 2_000_000) {
    this.cap = cap;
    this.buf = new Float64Array(Math.min(cap, 65_536));
  }

  add(v: number): void {
    this.seen++;
    if (this.n < this.cap) {
      if (this.n === this.buf.length) {
        const next = new Float64Array(Math.min(this.cap, this.buf.length * 2));
        next.set(this.buf);
        this.buf = next;
      }
      this.buf[this.n++] = v;
      return;
    }
    const j = Math.floor(Math.random() * this.seen);
    if (j < this.cap) this.buf[j] = v;
  }

  get count(): number {
    return this.seen;
  }

  summary(): { p50: number; p95: number; p99: number; max: number } {
    const sorted = this.buf.slice(0, this.n).sort();
    return {
      p50: percentile(sorted, 50),
      p95: percentile(sorted, 95),
      p99: percentile(sorted, 99),
      max: this.n ? sorted[this.n - 1]! : Number.NaN,
    };
  }
}
