import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Migration } from './db/migrate.ts';
import type { Deps } from './deps.ts';
import type { AnyFn, Hook } from './hooks.ts';
import type { JobDefinition } from './jobs/jobs.ts';
import type { MetricSource } from './metrics.ts';

/** A set of routes and the prefix they are mounted under. */
export interface ModuleRoutes {
  plugin: (deps: Deps) => FastifyPluginAsyncZod;
  /** default `/api/v1`; `''` for routes that name their whole path (gateway notifications, sandbox pages) */
  prefix?: string;
}

/**
 * What a module brings to the runtime. `src/modules/index.ts` lists every module in dependency order
 * (a module may import only modules listed before it); the app's routes, the job registry, the
 * migration list and the hook wiring are all built from that one list.
 */
export interface KamengModule {
  readonly name: string;
  readonly routes?: readonly ModuleRoutes[];
  readonly jobs?: (deps: Deps) => JobDefinition[];
  /** this module's migrations by name; names sort globally (NNNN-…) and never change once released */
  readonly migrations?: Readonly<Record<string, Migration>>;
  /** the hooks this module defines that some module must provide (checked at start-up) */
  readonly requires?: readonly Hook<AnyFn>[];
  /** provides hooks of lower modules and listens to their events; runs once per runtime */
  readonly install?: (deps: Deps) => void;
  /** what this module counts for `/metrics`, read at every scrape (platform/metrics.ts) */
  readonly metrics?: (deps: Deps) => MetricSource[];
}
