import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cached, invalidateCatalogCache } from '../src/modules/catalog/catalog.cache.ts';
import { createTestApp, dialectName, TEST_REDIS_URL, type TestApp } from './support/harness.ts';

type Listing = { items: { id: string; stock: number }[]; total: number };

// A purchase invalidates the catalog; under load the next instant brings hundreds of readers of the same
// page. They must compute it once, not once each (the thundering herd the mixed-1000 bench showed).
describe(`catalog cache under a burst of misses (${dialectName}${TEST_REDIS_URL ? ' + redis' : ''})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const burst = async (key: string, n: number) => {
    let computed = 0;
    const compute = async () => {
      computed++;
      await new Promise((r) => setTimeout(r, 20));
      return { items: [{ id: 'prd_1', stock: 7 }], total: 1 };
    };
    const results = await Promise.all(Array.from({ length: n }, () => cached(t.deps, key, compute)));
    return { computed, results };
  };

  it('200 concurrent misses of one key compute it once; every caller gets an equal, separate copy', async () => {
    const { computed, results } = await burst('burst:a', 200);
    expect(computed).toBe(1);
    expect(new Set(results).size).toBe(200);
    for (const r of results) expect(r).toEqual({ items: [{ id: 'prd_1', stock: 7 }], total: 1 });
    results[0]!.items[0]!.stock = 0;
    expect(
      (await cached(t.deps, 'burst:a', async () => ({ items: [] as Listing['items'], total: 0 }))).items[0]?.stock,
    ).toBe(7);
  });

  it('after an invalidation the next burst computes once more, and different keys do not wait for each other', async () => {
    await invalidateCatalogCache(t.deps);
    expect((await burst('burst:a', 50)).computed).toBe(1);
    expect((await burst('burst:b', 50)).computed).toBe(1);
    expect((await burst('burst:a', 50)).computed).toBe(0);
  });

  it('a failed computation fails its waiters and is not cached', async () => {
    let calls = 0;
    const failing = async () => {
      calls++;
      await new Promise((r) => setTimeout(r, 10));
      throw new Error('database went away');
    };
    const settled = await Promise.allSettled(Array.from({ length: 20 }, () => cached(t.deps, 'burst:c', failing)));
    expect(settled.every((s) => s.status === 'rejected')).toBe(true);
    expect(calls).toBe(1);
    expect(await cached(t.deps, 'burst:c', async () => 'recovered')).toBe('recovered');
  });
});
