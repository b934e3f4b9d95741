import type { Deps } from '../deps.ts';
import type { JobDefinition } from './jobs.ts';

/** Every job definition the workers run. Modules add theirs here as they gain jobs. */
export function jobDefinitions(_deps: Deps): JobDefinition[] {
  return [];
}
