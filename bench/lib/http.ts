/** A small JSON client for seeding and checking (not for load: that is autocannon's job, in its own process). */
// biome-ignore lint/suspicious/noExplicitAny: the bench reads the API's JSON loosely, as the integration tests do
export interface Reply<T = any> {
  status: number;
  body: T;
}

export class Api {
  readonly base: string;
  constructor(base: string) {
    this.base = base;
  }

  // biome-ignore lint/suspicious/noExplicitAny: as above
  async call<T = any>(
    method: string,
    path: string,
    opts: { token?: string; body?: unknown; text?: string; expect?: number[] } = {},
  ): Promise<Reply<T>> {
    const headers: Record<string, string> = {};
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    let body: string | undefined;
    if (opts.text !== undefined) {
      headers['content-type'] = 'text/plain';
      body = opts.text;
    } else if (opts.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(opts.body);
    }
    const res = await fetch(this.base + path, { method, headers, body, signal: AbortSignal.timeout(120_000) });
    const text = await res.text();
    const parsed = (res.headers.get('content-type') ?? '').includes('json') && text ? JSON.parse(text) : text;
    if (opts.expect && !opts.expect.includes(res.status)) {
      throw new Error(
        `${method} ${path} → ${res.status} ${typeof parsed === 'string' ? parsed : JSON.stringify(parsed)}`,
      );
    }
    return { status: res.status, body: parsed as T };
  }
}

/** Runs `fn` over `items` with at most `limit` in flight; results keep the input order. */
export async function pool<I, O>(items: readonly I[], limit: number, fn: (item: I, index: number) => Promise<O>) {
  const out: O[] = new Array(items.length);
  let next = 0;
  async function lane() {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return out;
}

/** Polls `check` until it returns a value, at most `timeoutMs`. */
export async function until<T>(what: string, timeoutMs: number, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let i = 0; Date.now() < deadline; i++) {
    const v = await check();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, Math.min(500, 20 * 2 ** Math.min(i, 5))));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
