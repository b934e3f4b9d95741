import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Deps } from '../../platform/deps.ts';

export function catalogRoutes(_deps: Deps): FastifyPluginAsyncZod {
  return async (_app) => {};
}
