import type { Deps } from '../deps.ts';
import type { JobDefinition } from './jobs.ts';

/** Every job definition the workers run: each module's, from the runtime's module list. */
export function jobDefinitions(deps: Deps): JobDefinition[] {
  return deps.modules.flatMap((m) => m.jobs?.(deps) ?? []);
}
