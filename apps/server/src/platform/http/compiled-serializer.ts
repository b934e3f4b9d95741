import fastJson from 'fast-json-stringify';
import type { FastifyRouteSchemaDef } from 'fastify/types/schema.js';
import { serializerCompiler as zodSerializer } from 'fastify-type-provider-zod';
import { z } from 'zod';

/**
 * A route's response serialiser compiled once by fast-json-stringify from the JSON Schema of its zod schema
 * (the zod schemas stay the single source), for the hottest routes: zod's serialiser parses every response
 * before JSON.stringify. Only the properties the schema declares are written, as with zod; the response is
 * not validated again (the handlers build it from typed rows). A schema JSON Schema cannot express (a
 * transform) keeps zod's serialiser. Set per route: `serializerCompiler: compiledSerializer`.
 */
export function compiledSerializer<T>(route: FastifyRouteSchemaDef<T>): (data: unknown) => string {
  const schema: unknown = route.schema;
  if (schema instanceof z.ZodType) {
    try {
      return fastJson(z.toJSONSchema(schema, { io: 'output', unrepresentable: 'throw' }) as never);
    } catch {
      // not expressible in JSON Schema: zod serialises it
    }
  }
  return zodSerializer(route as Parameters<typeof zodSerializer>[0]);
}
