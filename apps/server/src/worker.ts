import { withNodeFlags } from './platform/node-flags.ts';

// first, before the app loads: a process started without Kameng's V8 heap flags becomes one with them
withNodeFlags();
const { configOrExit, startProcesses } = await import('./process.ts');

const config = configOrExit();
await startProcesses(config, { serve: false, work: true }, config.processes);
