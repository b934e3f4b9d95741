import cluster, { type Worker } from 'node:cluster';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.ts';
import { ensureBootstrapAdmin } from './modules/accounts/accounts.service.ts';
import { type Config, ConfigError, loadConfig } from './platform/config.ts';
import { migrate } from './platform/db/migrate.ts';
import { createRuntime, type Runtime } from './platform/deps.ts';
import { MODULES } from './modules/index.ts';
import { JobWorker } from './platform/jobs/jobs.ts';
import { jobDefinitions } from './platform/jobs/registry.ts';
import { aggregateClusterMetrics } from './platform/metrics-cluster.ts';

const MASTER_KEY_WARNING = (dataDir: string) => `
!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!
!! WARNING: a NEW master key was generated in ${dataDir}/master.key
!! Every card key, 2FA secret and payment secret is encrypted under it. Lose that file and they are gone,
!! and backups cannot be opened. Escrow it now:  npm run -w @kameng/server cli -- master-key export
!! then set KAMENG_MASTER_KEY from your secret store.
!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!
`;

export function configOrExit(): Config {
  try {
    const config = loadConfig(process.env);
    if (config.masterKeyGenerated) process.stderr.write(MASTER_KEY_WARNING(config.dataDir));
    return config;
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}

export interface Started {
  runtime: Runtime;
  app: FastifyInstance | null;
  worker: JobWorker | null;
  stop(): Promise<void>;
}

export interface Roles {
  serve: boolean;
  work: boolean;
  /** migrate and create the bootstrap admin first (off in the children of `--processes N`: their parent did) */
  setup?: boolean;
}

async function setUp(runtime: Runtime, serve: boolean): Promise<void> {
  const { deps } = runtime;
  await migrate(runtime.database, runtime.deps.modules);
  if (!serve) return;
  await deps.sender.reportChannels();
  const admin = await ensureBootstrapAdmin(deps);
  if (admin.created && admin.password) {
    // printed once, on the console only, because nobody else can know it
    process.stdout.write(
      `\n  Kameng bootstrap admin created: ${admin.email}\n  password (shown once, change it after signing in): ${admin.password}\n\n`,
    );
  } else if (admin.created) {
    deps.log.info({ email: admin.email }, 'bootstrap admin created from KAMENG_ADMIN_EMAIL');
  }
}

const LISTEN_BACKLOG = 4096;

/** Starts the API server, the job worker, or both (embedded mode), and stops them gracefully on a signal. */
export async function start(config: Config, roles: Roles): Promise<Started> {
  const t0 = performance.now();
  const runtime = createRuntime(config, MODULES);
  const { deps } = runtime;
  if (roles.setup !== false) await setUp(runtime, roles.serve);

  const app: FastifyInstance | null = roles.serve ? await buildApp(deps) : null;
  const worker = roles.work
    ? new JobWorker(runtime.database, deps, jobDefinitions(deps), {
        log: deps.log,
        concurrency: config.workerConcurrency,
        redis: deps.redis,
        redisPrefix: deps.redisPrefix,
      })
    : null;
  worker?.start();
  // Node's default accept queue (511) overflows when a thousand clients connect at once while the event loop
  // is busy; the dropped SYNs come back after 1 s and 3 s of kernel retransmission. The kernel caps it at
  // net.core.somaxconn.
  if (app) await app.listen({ port: config.port, host: config.host, backlog: LISTEN_BACKLOG });
  deps.log.info(
    {
      startupMs: Math.round(performance.now() - t0),
      rssMb: Math.round(process.memoryUsage().rss / 1048576),
      database: deps.dialect,
      redis: Boolean(config.redisUrl),
      sandbox: config.sandbox,
      serve: roles.serve,
      work: roles.work,
    },
    roles.serve ? `Kameng listening on http://${config.host}:${config.port}` : 'Kameng worker running',
  );

  let stopping: Promise<void> | null = null;
  const stop = () => {
    stopping ??= (async () => {
      deps.log.info('shutting down: finishing in-flight requests and jobs');
      await app?.close();
      await worker?.stop();
      await runtime.close();
    })();
    return stopping;
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      const force = setTimeout(() => process.exit(1), 30_000);
      force.unref();
      void stop().then(() => process.exit(0));
    });
  }
  return { runtime, app, worker, stop };
}

const RESTARTS_PER_MINUTE = 10;

/**
 * `kameng serve|worker --processes N`: this process migrates (and creates the bootstrap admin) once, then
 * runs N copies of the role as cluster children; API children share the port (the cluster hands out
 * connections round-robin). A child that dies is replaced; more than RESTARTS_PER_MINUTE deaths in a minute
 * stop everything with exit code 1. SIGTERM/SIGINT stop the children gracefully. Everything they share
 * (sessions, rate limits, catalog cache, job wake-ups) lives in the database and Redis.
 */
export async function startProcesses(config: Config, roles: Roles, processes: number): Promise<void> {
  if (cluster.isWorker) {
    await start(config, { ...roles, setup: false });
    return;
  }
  if (processes === 1) {
    await start(config, roles);
    return;
  }
  if (processes > 1 && !config.redisUrl) {
    process.stderr.write(
      `--processes ${processes}: several processes share rate limits, the catalog cache and job wake-ups through Redis; set REDIS_URL\n`,
    );
    process.exit(1);
  }
  const runtime = createRuntime(config, MODULES);
  await setUp(runtime, roles.serve);
  await runtime.close();

  const role = roles.serve ? 'serve' : 'worker';
  // a scrape reaches one API child; it asks here for every child's own figures
  if (roles.serve) aggregateClusterMetrics();
  let stopping = false;
  const deaths: number[] = [];
  const fork = () => cluster.fork();
  cluster.on('exit', (child: Worker, code, signal) => {
    if (stopping) return;
    const now = Date.now();
    deaths.push(now);
    while (deaths.length && deaths[0]! < now - 60_000) deaths.shift();
    process.stderr.write(`kameng ${role}: process ${child.process.pid} died (${signal ?? code}); starting another\n`);
    if (deaths.length > RESTARTS_PER_MINUTE) {
      process.stderr.write(`kameng ${role}: ${deaths.length} deaths in a minute; giving up\n`);
      stopAll(1);
      return;
    }
    setTimeout(() => {
      if (!stopping) fork();
    }, 1000).unref();
  });
  const stopAll = (exitCode: number) => {
    if (stopping) return;
    stopping = true;
    const children = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
    const force = setTimeout(() => {
      for (const w of children) w.process.kill('SIGKILL');
      process.exit(1);
    }, 35_000);
    force.unref();
    let left = children.length;
    if (left === 0) process.exit(exitCode);
    for (const w of children) {
      w.once('exit', () => {
        if (--left === 0) process.exit(exitCode);
      });
      w.process.kill('SIGTERM');
    }
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => stopAll(0));
  for (let i = 0; i < processes; i++) fork();
  process.stdout.write(`kameng ${role}: ${processes} processes (primary ${process.pid})\n`);
}
