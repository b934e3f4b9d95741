import { configOrExit, start } from './platform/process.ts';

await start(configOrExit(), { serve: false, work: true });
