/**
 * Memory settings for Kameng's own processes. They must be in place when the process starts (V8 reads its
 * heap flags and glibc its tunables once), so the entry points call `withNodeFlags()` before loading the
 * app: when one is missing the process replaces itself (same pid, stdio and signals) with one that has it.
 * Cluster children inherit both through `process.execArgv` and the environment. A flag given on the
 * command line or in NODE_OPTIONS, or a MALLOC_ARENA_MAX already set, wins. Measured in docs/deploy.md.
 */
export const NODE_FLAGS = [
  // V8 sizes the young generation from the machine's memory: 2 × 64 MiB semi-spaces on a 24 GB box, all of
  // it resident once touched. The app's short-lived garbage (requests, import steps) dies as well in 2 × 8 MiB.
  '--max-semi-space-size=8',
  // Below 2 GiB V8 lets the old generation grow to ~1.6× what survived the last full GC instead of 4×;
  // the live heap is ~50 MB, so 1 GiB is a ceiling nothing reaches, not a budget.
  '--max-old-space-size=1024',
] as const;

/**
 * glibc gives every thread that mallocs (V8's GC and compiler threads, libuv's pool) an arena of its own,
 * up to 8 per core, whose freed memory stays resident; two are enough for one event loop.
 */
export const MALLOC_ARENAS = '2';

function named(flag: string): string {
  return (flag.split('=')[0] as string).replaceAll('_', '-');
}

export function missingNodeFlags(execArgv: readonly string[], nodeOptions: string | undefined): string[] {
  const given = new Set([...execArgv, ...(nodeOptions ?? '').split(/\s+/)].map(named));
  return NODE_FLAGS.filter((f) => !given.has(named(f)));
}

export function withNodeFlags(): void {
  // NODE_OPTIONS and MALLOC_ARENA_MAX belong to Node and glibc, not to Kameng's configuration
  const env = process.env;
  const missing = missingNodeFlags(process.execArgv, env.NODE_OPTIONS);
  const arenas = env.MALLOC_ARENA_MAX === undefined;
  if ((missing.length === 0 && !arenas) || typeof process.execve !== 'function') return;
  process.execve(
    process.execPath,
    [process.execPath, ...missing, ...process.execArgv, ...process.argv.slice(1)],
    arenas ? { ...env, MALLOC_ARENA_MAX: MALLOC_ARENAS } : env,
  );
}
