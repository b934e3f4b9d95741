import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

// Node keeps the compiled code of the modules it loads in NODE_COMPILE_CACHE: the test workers and every server,
// CLI and job process the tests start load the same few hundred modules (a CLI process starts ~40% sooner)
process.env.NODE_COMPILE_CACHE ??= join(tmpdir(), 'kameng-node-compile-cache');

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['apps/server/src/**/*.test.ts', 'packages/*/src/**/*.test.ts', 'apps/web/src/**/*.test.ts'],
          environment: 'node',
          // test files share their worker's module cache instead of importing the server afresh each (no test
          // mocks a module or changes a global)
          isolate: false,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['apps/server/test/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // each file imported the whole server again (~0.6 s a file on SQLite, ~1.5 s on PostgreSQL): the
          // files of a worker share one module cache; every file still builds its own app on its own database
          isolate: false,
          // migrates one template database per run; every test database is a copy of it
          globalSetup: ['apps/server/test/support/global-setup.ts'],
        },
      },
    ],
  },
});
