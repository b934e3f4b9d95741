import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';

// `npm run build:web`: the production build of the web app (vite build), stamped with a hash of everything it
// is built from. `--if-stale` (npm start, npm test, npm run test:browser) builds only when that hash differs
// from the stamp in dist/: a fresh clone, or any change to the web app, the contracts or the lockfile, builds;
// running the tests again on the same sources does not build the same bytes a second time.

const WEB = import.meta.dirname;
const ROOT = resolve(WEB, '../..');
const DIST = join(WEB, 'dist');
const STAMP = join(DIST, '.inputs-sha256');

/** What the build reads: the web app, the shared contracts, the exact dependency versions. */
const INPUTS = [
  'apps/web/index.html',
  'apps/web/package.json',
  'apps/web/tsconfig.json',
  'apps/web/vite.config.ts',
  'apps/web/public',
  'apps/web/src',
  'packages/contracts/package.json',
  'packages/contracts/src',
  'package-lock.json',
];

function filesUnder(path: string): string[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path, { recursive: true, encoding: 'utf8' })
    .map((f) => join(path, f))
    .filter((f) => statSync(f).isFile());
}

function inputsHash(): string {
  const hash = createHash('sha256');
  const files = INPUTS.flatMap((p) => filesUnder(join(ROOT, p))).sort();
  for (const file of files) {
    hash.update(`${relative(ROOT, file)}\0`);
    hash.update(readFileSync(file));
    hash.update('\0');
  }
  // Vite reads VITE_* variables and the mode from the environment
  for (const [k, v] of Object.entries(process.env).sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (k.startsWith('VITE_') || k === 'NODE_ENV') hash.update(`${k}=${v}\0`);
  }
  return hash.digest('hex');
}

const ifStale = process.argv.includes('--if-stale');
const want = inputsHash();
if (ifStale && existsSync(join(DIST, 'index.html')) && existsSync(STAMP) && readFileSync(STAMP, 'utf8') === want) {
  console.log('web app: apps/web/dist is built from these sources already (npm run build:web rebuilds it)');
  process.exit(0);
}
// a build that fails half-way leaves no stamp behind, so the next run builds again
rmSync(STAMP, { force: true });
// the web app's own Vite (apps/web/node_modules when it differs from the one at the root, which Vitest uses)
const vite = join(dirname(createRequire(join(WEB, 'package.json')).resolve('vite/package.json')), 'bin/vite.js');
const built = spawnSync(process.execPath, [vite, 'build'], { cwd: WEB, stdio: 'inherit' });
if (built.status !== 0) process.exit(built.status ?? 1);
writeFileSync(STAMP, want);
