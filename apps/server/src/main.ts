import { withNodeFlags } from './platform/node-flags.ts';

// first, before the app loads: a process started without Kameng's V8 heap flags becomes one with them
withNodeFlags();
const { configOrExit, startProcesses } = await import('./process.ts');

// Embedded mode: one process serves the API and the web app and runs the job workers (KAMENG_PROCESSES=N for N).
const config = configOrExit();
await startProcesses(config, { serve: true, work: config.runWorkers }, config.processes);
