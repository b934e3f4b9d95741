import { configOrExit, start } from './platform/process.ts';

// Embedded mode: one process serves the API and the web app and runs the job workers.
const config = configOrExit();
await start(config, { serve: true, work: config.runWorkers });
