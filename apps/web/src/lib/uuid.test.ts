import { afterEach, describe, expect, it, vi } from 'vitest';
import { randomUuid } from './uuid.ts';

const V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('randomUuid', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('is a v4 UUID from crypto.randomUUID where the page is a secure context', () => {
    expect(randomUuid()).toMatch(V4);
  });

  it('is a v4 UUID from getRandomValues on a plain-http page, where randomUUID is missing', () => {
    const real = globalThis.crypto;
    vi.stubGlobal('crypto', { getRandomValues: (a: Uint8Array) => real.getRandomValues(a) });
    const seen = new Set(Array.from({ length: 50 }, () => randomUuid()));
    for (const id of seen) expect(id).toMatch(V4);
    expect(seen.size).toBe(50);
  });
});
