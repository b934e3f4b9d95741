/**
 * What /openapi.json says beyond the zod schemas, derived from each route so it cannot drift: an
 * operationId from the method and path (unique: one per method and path), the security its auth guard demands (and the roles, as `x-roles`),
 * and a description for every response instead of swagger's "Default Response".
 */
import { STATUS_CODES } from 'node:http';
import type { FastifySchema, RouteOptions } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { type Guard, TWO_FACTOR_ROLES } from './auth.ts';

type TransformInput = Parameters<typeof jsonSchemaTransform>[0];
type Json = Record<string, unknown>;

/** `get /api/v1/admin/orders/{id}/events` → `getAdminOrdersByIdEvents`. */
export function operationIdOf(method: string, path: string): string {
  const words = path
    .replace(/^\/api\/v\d+/, '')
    .split('/')
    .filter(Boolean)
    .flatMap((part) => {
      const param = /^\{(.+)\}$/.exec(part)?.[1];
      return param ? ['by', param] : part.split(/[^A-Za-z0-9]+/);
    })
    .filter(Boolean);
  return method.toLowerCase() + words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
}

/** The security requirement of an auth guard: none for public routes, a session (bearer or cookie) otherwise. */
export function securityOf(guard: Guard | undefined): Json {
  if (guard === undefined) return {};
  if (guard === 'public') return { security: [], 'x-auth': 'public' };
  const session = [{ bearer: [] }, { cookie: [] }];
  if (guard === 'user') return { security: session, 'x-auth': 'user' };
  return {
    security: session,
    'x-auth': 'roles',
    'x-roles': [...guard],
    'x-two-factor': guard.every((r) => TWO_FACTOR_ROLES.has(r)),
  };
}

function describeResponses(response: Json | undefined): Json | undefined {
  if (!response) return response;
  const out: Json = {};
  for (const [status, schema] of Object.entries(response)) {
    const s = schema as Json;
    const ref = typeof s.$ref === 'string' ? s.$ref.split('/').pop() : undefined;
    const reason = STATUS_CODES[Number(status)] ?? status;
    const named = typeof s.description === 'string' ? s.description : ref ? `${reason}: ${ref}` : reason;
    out[status] = { ...s, description: Number(status) >= 400 ? `${reason}: Error` : named };
  }
  return out;
}

/** Per route: the zod schemas as JSON Schema, the security of its guard, described responses. */
export function openapiTransform(input: TransformInput): { schema: FastifySchema; url: string } {
  const { schema, url } = jsonSchemaTransform(input);
  const s = schema as Json;
  return {
    url,
    schema: {
      ...s,
      ...securityOf((input.route as RouteOptions).config?.auth),
      response: describeResponses(s.response as Json | undefined),
    },
  };
}

type TransformObjectInput = Parameters<typeof jsonSchemaTransformObject>[0];

/** The whole document: named schemas under components, and an operationId for every operation (one per method). */
export function openapiTransformObject(input: TransformObjectInput) {
  const doc = jsonSchemaTransformObject(input) as { paths?: Record<string, Record<string, Json>> };
  for (const [path, ops] of Object.entries(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(ops)) {
      if (typeof op !== 'object' || op === null || !('responses' in op)) continue;
      ops[method] = { operationId: operationIdOf(method, path), ...op };
    }
  }
  return doc as ReturnType<typeof jsonSchemaTransformObject>;
}
