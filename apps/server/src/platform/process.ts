import type { FastifyInstance } from 'fastify';
import { buildApp } from '../app.ts';
import { ensureBootstrapAdmin } from '../modules/accounts/accounts.service.ts';
import { type Config, ConfigError, loadConfig } from './config.ts';
import { migrate } from './db/database.ts';
import { createRuntime, type Runtime } from './deps.ts';
import { JobWorker } from './jobs/jobs.ts';
import { jobDefinitions } from './jobs/registry.ts';

export function configOrExit(): Config {
  try {
    return loadConfig(process.env);
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

/** Starts the API server, the job worker, or both (embedded mode), and stops them gracefully on a signal. */
export async function start(config: Config, roles: { serve: boolean; work: boolean }): Promise<Started> {
  const t0 = performance.now();
  const runtime = createRuntime(config);
  const { deps } = runtime;
  await migrate(runtime.database);

  let app: FastifyInstance | null = null;
  if (roles.serve) {
    const admin = await ensureBootstrapAdmin(deps);
    if (admin.created && admin.password) {
      // printed once, on the console only, because nobody else can know it
      process.stdout.write(
        `\n  Kameng bootstrap admin created: ${admin.email}\n  password (shown once, change it after signing in): ${admin.password}\n\n`,
      );
    } else if (admin.created) {
      deps.log.info({ email: admin.email }, 'bootstrap admin created from KAMENG_ADMIN_EMAIL');
    }
    app = await buildApp(deps);
  }
  const worker = roles.work ? new JobWorker(runtime.database, deps, jobDefinitions(deps), { log: deps.log }) : null;
  worker?.start();
  if (app) await app.listen({ port: config.port, host: config.host });
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
