import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareTarget, type RunningServer, startServer, type Target } from '../../../bench/lib/server.ts';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from './support/harness.ts';

const TOKEN = 'cluster-metrics-token-0123456789';

/** One request on a connection of its own, so the cluster hands each to the next child. */
function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; id: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, id: String(res.headers['x-request-id']), body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const healthz = (text: string) =>
  Number(/^kameng_http_requests_total\{method="GET",route="\/healthz",status="200"\} (\d+)$/m.exec(text)?.[1] ?? 0);

// Real processes: `kameng serve --processes 3` (they need Redis to share their state).
describe.skipIf(!TEST_REDIS_URL)('GET /metrics across the children of `serve --processes 3`', () => {
  let target: Target;
  let server: RunningServer;

  beforeAll(async () => {
    target = await prepareTarget({
      ...(TEST_DATABASE_URL ? { DATABASE_URL: TEST_DATABASE_URL } : {}),
      REDIS_URL: TEST_REDIS_URL,
      BENCH_LOG_LEVEL: 'warn',
    });
    server = await startServer(target, {
      processes: 3,
      workers: 0,
      env: { METRICS_TOKEN: TOKEN, DATABASE_POOL_SIZE: '3' },
    });
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    await target?.cleanup();
  }, 60_000);

  it('counts every child’s requests whichever child answers the scrape', async () => {
    // the children start one by one; ask until at least two of them answer (each app gives its request ids a
    // random prefix of its own, so the prefixes tell the children apart)
    let sent = 0;
    const children = new Set<string>();
    const deadline = Date.now() + 30_000;
    while (children.size < 2 && Date.now() < deadline) {
      const answers = await Promise.all(Array.from({ length: 20 }, () => get(`${server.url}/healthz`)));
      sent += answers.length;
      expect(answers.every((a) => a.status === 200)).toBe(true);
      for (const a of answers) children.add(a.id.slice(0, 8));
    }
    expect(children.size).toBeGreaterThan(1);

    const scrapers = new Set<string>();
    for (let i = 0; i < 9; i++) {
      const scrape = await get(`${server.url}/metrics`, { authorization: `Bearer ${TOKEN}` });
      expect(scrape.status).toBe(200);
      scrapers.add(scrape.id.slice(0, 8));
      expect(healthz(scrape.body)).toBe(sent);
      expect(scrape.body).toContain('# TYPE kameng_orders_paid_total counter');
    }
    expect(scrapers.size).toBeGreaterThan(1);
  }, 60_000);
});
