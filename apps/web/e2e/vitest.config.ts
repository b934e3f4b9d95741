import { defineConfig } from 'vitest/config';

// The browser suite: a real server process, a real Chromium, one journey after another (they share a server).
export default defineConfig({
  test: {
    name: 'browser',
    include: ['apps/web/e2e/**/*.e2e.ts'],
    environment: 'node',
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 90_000,
    // a page on a busy CI machine can take a few seconds to load its chunks; waiting longer is not a retry
    expect: { poll: { timeout: 15_000, interval: 100 } },
  },
});
