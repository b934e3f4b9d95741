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
  },
});
