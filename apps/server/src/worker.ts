import { configOrExit, startProcesses } from './platform/process.ts';

const config = configOrExit();
await startProcesses(config, { serve: false, work: true }, config.processes);
