import { exportJobListSchema, exportJobSchema, orderExportJobBodySchema } from '@kameng/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../platform/deps.ts';
import { requireAuth } from '../../platform/http/auth.ts';
import { EXPORT_LIMIT, exportFileSchema, sendExportFile } from '../../platform/http/export.ts';
import { errorResponses } from '../../platform/http/route-helpers.ts';
import * as exportsService from './exports.service.ts';

const idParams = z.strictObject({ id: z.string().min(1).max(64) });

/** Large exports as jobs: start one, follow its progress, download the file (its requester only) until it expires. */
export function exportsRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/admin/orders/export-jobs',
      {
        schema: {
          tags: ['admin'],
          summary: 'Export every order the filters match as a background job (for large exports)',
          body: orderExportJobBodySchema,
          response: { 202: exportJobSchema, ...errorResponses(400, 401, 403) },
        },
        config: { auth: ['operator', 'admin'], rateLimit: EXPORT_LIMIT },
      },
      async (req, reply) =>
        reply.status(202).send(await exportsService.startOrdersExport(deps, requireAuth(req), req.body)),
    );

    app.get(
      '/exports',
      {
        schema: {
          tags: ['exports'],
          summary: 'My export jobs, newest first (the latest 50)',
          response: { 200: exportJobListSchema, ...errorResponses(401) },
        },
        config: { auth: 'user' },
      },
      async (req) => exportsService.listExports(deps, requireAuth(req)),
    );

    app.get(
      '/exports/:id',
      {
        schema: {
          tags: ['exports'],
          summary: 'One of my export jobs: its progress, and its download link once done',
          params: idParams,
          response: { 200: exportJobSchema, ...errorResponses(401, 404) },
        },
        config: { auth: 'user' },
      },
      async (req) => exportsService.getExport(deps, requireAuth(req), req.params.id),
    );

    app.get(
      '/exports/:id/download',
      {
        schema: {
          tags: ['exports'],
          summary: "A finished export's file (its requester only, until it expires)",
          params: idParams,
          response: { 200: exportFileSchema, ...errorResponses(401, 404) },
        },
        config: { auth: 'user' },
      },
      async (req, reply) => {
        const f = await exportsService.openExportFile(deps, requireAuth(req), req.params.id);
        return sendExportFile(reply, f.format, f.name, deps.clock.now(), f.body);
      },
    );
  };
}
