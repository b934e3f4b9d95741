import { configOrExit, startProcesses } from './platform/process.ts';

// Embedded mode: one process serves the API and the web app and runs the job workers (KAMENG_PROCESSES=N for N).
const config = configOrExit();
await startProcesses(config, { serve: true, work: config.runWorkers }, config.processes);
