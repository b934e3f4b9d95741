import {
  adminWithdrawalsQuerySchema,
  createPayoutAccountBodySchema,
  markPaidBodySchema,
  payoutAccountSchema,
  requestWithdrawalBodySchema,
  revealedPayoutAccountSchema,
  withdrawalReasonBodySchema,
  withdrawalSchema,
  withdrawalsPageSchema,
  withdrawalsQuerySchema,
} from '@kameng/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../platform/deps.ts';
import { requireAuth } from '../../platform/http/auth.ts';
import { EXPORT_LIMIT, exportFileSchema, exportFormatSchema, sendExport } from '../../platform/http/export.ts';
import { errorResponses, idempotencyHeaders, metaOf } from '../../platform/http/route-helpers.ts';
import { HOUR } from '../../platform/rate-limit.ts';
import { exportMyWithdrawals, exportWithdrawals } from './ledger.service.ts';
import * as withdrawals from './withdrawals.service.ts';

const idParams = z.strictObject({ id: z.string().min(1).max(64) });
const operators = ['operator', 'admin'] as const;
const suppliers = ['supplier'] as const;
const noPaging = { page: true, pageSize: true } as const;

/** Payout accounts and withdrawals; registered by ledgerRoutes under the same prefix. */
export function withdrawalsRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/supplier/payout-accounts',
      {
        schema: {
          tags: ['supplier'],
          summary: 'Add an Alipay account or bank card to be paid to (needs a recent password confirmation)',
          body: createPayoutAccountBodySchema,
          response: { 201: payoutAccountSchema, ...errorResponses(401, 403, 409) },
        },
        config: { auth: suppliers, rateLimit: { max: 10, windowMs: HOUR, by: 'user' } },
      },
      async (req, reply) =>
        reply.status(201).send(await withdrawals.createPayoutAccount(deps, requireAuth(req), req.body, metaOf(req))),
    );

    app.get(
      '/supplier/payout-accounts',
      {
        schema: {
          tags: ['supplier'],
          summary: 'My payout accounts, masked',
          response: { 200: z.object({ items: z.array(payoutAccountSchema) }), ...errorResponses(401, 403) },
        },
        config: { auth: suppliers },
      },
      async (req) => ({ items: await withdrawals.myPayoutAccounts(deps, requireAuth(req)) }),
    );

    app.post(
      '/supplier/withdrawals',
      {
        schema: {
          tags: ['supplier'],
          summary:
            'Withdraw from my available balance (needs 2FA and a recent password confirmation; a repeated Idempotency-Key answers the first withdrawal)',
          headers: idempotencyHeaders,
          body: requestWithdrawalBodySchema,
          response: { 201: withdrawalSchema, 200: withdrawalSchema, ...errorResponses(401, 403, 404, 409, 422) },
        },
        config: { auth: suppliers, rateLimit: { max: 10, windowMs: HOUR, by: 'user' } },
      },
      async (req, reply) => {
        const key = req.headers['idempotency-key'];
        const r = await withdrawals.requestWithdrawal(deps, requireAuth(req), req.body, metaOf(req), key);
        return reply.status(r.replayed ? 200 : 201).send(r.value);
      },
    );

    app.get(
      '/supplier/withdrawals',
      {
        schema: {
          tags: ['supplier'],
          summary: 'My withdrawals, newest first',
          querystring: withdrawalsQuerySchema,
          response: { 200: withdrawalsPageSchema, ...errorResponses(401, 403) },
        },
        config: { auth: suppliers },
      },
      async (req) => withdrawals.myWithdrawals(deps, requireAuth(req), req.query),
    );

    app.get(
      '/supplier/withdrawals/:id',
      {
        schema: {
          tags: ['supplier'],
          summary: 'One of my withdrawals',
          params: idParams,
          response: { 200: withdrawalSchema, ...errorResponses(401, 403, 404) },
        },
        config: { auth: suppliers },
      },
      async (req) => withdrawals.myWithdrawal(deps, requireAuth(req), req.params.id),
    );

    app.get(
      '/supplier/withdrawals/export',
      {
        schema: {
          tags: ['supplier'],
          summary: 'My withdrawals as CSV or Excel (payout accounts masked), with the filters of the list',
          querystring: withdrawalsQuerySchema.omit(noPaging).extend({ format: exportFormatSchema }),
          response: { 200: exportFileSchema, ...errorResponses(401, 403) },
        },
        config: { auth: suppliers, rateLimit: EXPORT_LIMIT },
      },
      async (req, reply) => {
        const { format, ...f } = req.query;
        return sendExport(reply, format, exportMyWithdrawals(deps, requireAuth(req), f), deps.clock.now());
      },
    );

    app.get(
      '/admin/withdrawals/export',
      {
        schema: {
          tags: ['admin'],
          summary: 'Withdrawals as CSV or Excel (payout accounts masked), with the filters of the list',
          querystring: adminWithdrawalsQuerySchema.omit(noPaging).extend({ format: exportFormatSchema }),
          response: { 200: exportFileSchema, ...errorResponses(401, 403) },
        },
        config: { auth: operators, rateLimit: EXPORT_LIMIT },
      },
      async (req, reply) => {
        const { format, ...f } = req.query;
        return sendExport(reply, format, exportWithdrawals(deps, f), deps.clock.now());
      },
    );

    app.get(
      '/admin/withdrawals',
      {
        schema: {
          tags: ['admin'],
          summary: 'Withdrawals for review, newest first',
          querystring: adminWithdrawalsQuerySchema,
          response: { 200: withdrawalsPageSchema, ...errorResponses(401, 403) },
        },
        config: { auth: operators },
      },
      async (req) => withdrawals.listWithdrawals(deps, req.query),
    );

    app.get(
      '/admin/withdrawals/:id',
      {
        schema: {
          tags: ['admin'],
          summary: 'One withdrawal',
          params: idParams,
          response: { 200: withdrawalSchema, ...errorResponses(401, 403, 404) },
        },
        config: { auth: operators },
      },
      async (req) => withdrawals.getWithdrawal(deps, req.params.id),
    );

    app.post(
      '/admin/withdrawals/:id/payout-account',
      {
        schema: {
          tags: ['admin'],
          summary: 'Show the full payout account number to make the transfer; audited',
          params: idParams,
          response: { 200: revealedPayoutAccountSchema, ...errorResponses(401, 403, 404) },
        },
        config: { auth: operators },
      },
      async (req) => withdrawals.revealPayoutAccount(deps, requireAuth(req), req.params.id, metaOf(req)),
    );

    app.post(
      '/admin/withdrawals/:id/approve',
      {
        schema: {
          tags: ['admin'],
          summary: 'Approve; above the threshold a second, different operator must approve as well',
          params: idParams,
          response: { 200: withdrawalSchema, ...errorResponses(401, 403, 404, 409) },
        },
        config: { auth: operators },
      },
      async (req) => withdrawals.approveWithdrawal(deps, requireAuth(req), req.params.id, metaOf(req)),
    );

    app.post(
      '/admin/withdrawals/:id/mark-paid',
      {
        schema: {
          tags: ['admin'],
          summary: 'Record that an approved withdrawal was paid out',
          params: idParams,
          body: markPaidBodySchema,
          response: { 200: withdrawalSchema, ...errorResponses(401, 403, 404, 409) },
        },
        config: { auth: operators },
      },
      async (req) => withdrawals.markWithdrawalPaid(deps, requireAuth(req), req.params.id, req.body, metaOf(req)),
    );

    app.post(
      '/admin/withdrawals/:id/reject',
      {
        schema: {
          tags: ['admin'],
          summary: 'Reject with a reason; the money returns to the available balance',
          params: idParams,
          body: withdrawalReasonBodySchema,
          response: { 200: withdrawalSchema, ...errorResponses(401, 403, 404, 409) },
        },
        config: { auth: operators },
      },
      async (req) => withdrawals.rejectWithdrawal(deps, requireAuth(req), req.params.id, req.body.reason, metaOf(req)),
    );

    app.post(
      '/admin/withdrawals/:id/mark-failed',
      {
        schema: {
          tags: ['admin'],
          summary: 'The payout of an approved withdrawal failed; the money returns to the available balance',
          params: idParams,
          body: withdrawalReasonBodySchema,
          response: { 200: withdrawalSchema, ...errorResponses(401, 403, 404, 409) },
        },
        config: { auth: operators },
      },
      async (req) =>
        withdrawals.markWithdrawalFailed(deps, requireAuth(req), req.params.id, req.body.reason, metaOf(req)),
    );
  };
}
