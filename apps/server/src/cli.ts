import { parseArgs } from 'node:util';
import { withNodeFlags } from './platform/node-flags.ts';

// a probe run every few seconds (the worker container's health check): it loads what it checks, not the app
if (process.argv[2] === 'health') {
  const { ConfigError, loadConnections } = await import('./platform/config.ts');
  const { checkConnections } = await import('./platform/health.ts');
  try {
    const problems = await checkConnections(loadConnections(process.env));
    process[problems.length ? 'stderr' : 'stdout'].write(`${problems.length ? problems.join('\n') : 'ok'}\n`);
    process.exit(problems.length ? 1 : 0);
  } catch (err) {
    process.stderr.write(`${err instanceof ConfigError ? err.message : String(err)}\n`);
    process.exit(1);
  }
}

// first, before the app loads: a process started without Kameng's V8 heap flags becomes one with them
withNodeFlags();
const { loadConfig } = await import('./platform/config.ts');
const { migrate } = await import('./platform/db/migrate.ts');
const { createRuntime } = await import('./platform/deps.ts');
const { MODULES } = await import('./modules/index.ts');
const { configOrExit, startProcesses } = await import('./process.ts');
const { BACKUP_USAGE, runBackupCommand } = await import('./platform/backup-cli.ts');

const USAGE = `usage: kameng <command> [--processes N]
  serve     run the API server (and workers unless KAMENG_WORKERS=off)
  worker    run job workers only
  migrate   apply database migrations and exit
  health    exit 0 when the database (and Redis, when configured) answer, else 1 naming what did not
${BACKUP_USAGE}
  --processes N   serve/worker: run N processes of the role (default KAMENG_PROCESSES, 1); needs REDIS_URL when N > 1`;

function processesOr(fallback: number): number {
  const { values } = parseArgs({ args: process.argv.slice(3), options: { processes: { type: 'string' } } });
  if (values.processes === undefined) return fallback;
  const n = Number(values.processes);
  if (!Number.isInteger(n) || n < 1 || n > 64) {
    process.stderr.write(`--processes must be a whole number from 1 to 64, not "${values.processes}"\n`);
    process.exit(1);
  }
  return n;
}

const command = process.argv[2];
switch (command) {
  case 'serve': {
    const config = configOrExit();
    await startProcesses(config, { serve: true, work: config.runWorkers }, processesOr(config.processes));
    break;
  }
  case 'worker': {
    const config = configOrExit();
    await startProcesses(config, { serve: false, work: true }, processesOr(config.processes));
    break;
  }
  case 'migrate': {
    const runtime = createRuntime(loadConfig(process.env), MODULES);
    await migrate(runtime.database, runtime.deps.modules);
    await runtime.close();
    process.stdout.write('migrations applied\n');
    break;
  }
  default:
    if (command === 'master-key' && process.argv[3] === 'rotate') {
      const { rotateMasterKeyCommand } = await import('./platform/master-key-cli.ts');
      await rotateMasterKeyCommand(MODULES);
      break;
    }
    if (await runBackupCommand(command)) break;
    process.stderr.write(`${USAGE}\n`);
    process.exit(command ? 1 : 0);
}
