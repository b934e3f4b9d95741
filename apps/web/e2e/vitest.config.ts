import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

// Node keeps the compiled code of the modules it loads in NODE_COMPILE_CACHE: the test workers and every server,
// CLI and job process the tests start load the same few hundred modules (a CLI process starts ~40% sooner)
process.env.NODE_COMPILE_CACHE ??= join(tmpdir(), 'kameng-node-compile-cache');

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
