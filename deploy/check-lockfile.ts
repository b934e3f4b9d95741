/**
 * package-lock.json must record every platform's native package (esbuild, rollup, rolldown, biome,
 * lightningcss, bcrypt …), or `npm ci` on another platform (an arm64 server, a Mac, the Docker build)
 * installs the JavaScript half without its binary. npm writes only the host's when it rewrites the lockfile
 * from an installed node_modules, and a release whose other platform packages were never published can only
 * be locked on the platform it was published for. Checks that every optional dependency of every locked
 * package resolves, as Node would look it up (nearest node_modules first). Exits 1 listing what is missing.
 * Fix: `npm update <package> --package-lock-only` from a checkout without node_modules, or lock a release
 * published for every platform.
 */
import { readFileSync } from 'node:fs';

interface Locked {
  version?: string;
  optionalDependencies?: Record<string, string>;
}

const file = process.argv[2] ?? 'package-lock.json';
const lock = JSON.parse(readFileSync(file, 'utf8')) as { packages: Record<string, Locked> };
const packages = lock.packages;

/** The lockfile key Node would load `name` from when required by the package at `from`. */
function resolve(from: string, name: string): string | undefined {
  let dir = from;
  for (;;) {
    const candidate = `${dir ? `${dir}/` : ''}node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (!dir) return undefined;
    const up = dir.lastIndexOf('/node_modules/');
    dir = up < 0 ? '' : dir.slice(0, up);
  }
}

const missing: string[] = [];
for (const [path, pkg] of Object.entries(packages)) {
  for (const [name, range] of Object.entries(pkg.optionalDependencies ?? {})) {
    if (!resolve(path, name)) missing.push(`${path || '(root)'} ${pkg.version ?? ''} → ${name}@${range}`);
  }
}

if (missing.length) {
  process.stderr.write(`${file}: optional (platform) packages not recorded, npm ci would skip them:\n`);
  process.stderr.write(`${missing.map((m) => `  ${m}`).join('\n')}\n`);
  process.exit(1);
}
process.stdout.write(`${file}: every platform's optional packages are locked\n`);
