import { loadConfig } from './platform/config.ts';
import { migrate } from './platform/db/database.ts';
import { createRuntime } from './platform/deps.ts';
import { configOrExit, start } from './platform/process.ts';

const USAGE = `usage: kameng <command>
  serve     run the API server (and workers unless KAMENG_WORKERS=off)
  worker    run job workers only
  migrate   apply database migrations and exit`;

const command = process.argv[2];
switch (command) {
  case 'serve': {
    const config = configOrExit();
    await start(config, { serve: true, work: config.runWorkers });
    break;
  }
  case 'worker':
    await start(configOrExit(), { serve: false, work: true });
    break;
  case 'migrate': {
    const runtime = createRuntime(loadConfig(process.env));
    await migrate(runtime.database);
    await runtime.close();
    process.stdout.write('migrations applied\n');
    break;
  }
  default:
    process.stderr.write(`${USAGE}\n`);
    process.exit(command ? 1 : 0);
}
