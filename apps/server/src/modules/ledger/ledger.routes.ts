import {
  accountPostingsSchema,
  commissionRateSchema,
  commissionRatesSchema,
  dailySummaryQuerySchema,
  dailySummarySchema,
  postingsPageSchema,
  postingsQuerySchema,
  setCommissionRateBodySchema,
  supplierBalanceSchema,
  supplierPostingsQuerySchema,
  trialBalanceSchema,
  walletSchema,
} from '@kameng/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../platform/deps.ts';
import { requireAuth } from '../../platform/http/auth.ts';
import { EXPORT_LIMIT, exportFileSchema, exportFormatSchema, sendExport } from '../../platform/http/export.ts';
import { errorResponses, metaOf } from '../../platform/http/route-helpers.ts';
import * as ledger from './ledger.service.ts';
import { withdrawalsRoutes } from './withdrawals.routes.ts';

const operators = ['operator', 'admin'] as const;
const noPaging = { page: true, pageSize: true } as const;

export function ledgerRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/wallet',
      {
        schema: {
          tags: ['wallet'],
          summary: 'My wallet balance',
          response: { 200: walletSchema, ...errorResponses(401) },
        },
        config: { auth: 'user' },
      },
      async (req) => ledger.myWallet(deps, requireAuth(req)),
    );

    app.get(
      '/wallet/postings',
      {
        schema: {
          tags: ['wallet'],
          summary: 'Money in and out of my wallet, newest first',
          querystring: postingsQuerySchema,
          response: { 200: postingsPageSchema, ...errorResponses(401) },
        },
        config: { auth: 'user' },
      },
      async (req) => ledger.myWalletPostings(deps, requireAuth(req), req.query),
    );

    app.get(
      '/supplier/balance',
      {
        schema: {
          tags: ['supplier'],
          summary: 'My money as a supplier: in escrow, available, being withdrawn',
          response: { 200: supplierBalanceSchema, ...errorResponses(401, 403) },
        },
        config: { auth: ['supplier'] },
      },
      async (req) => ledger.mySupplierBalance(deps, requireAuth(req)),
    );

    app.get(
      '/supplier/postings',
      {
        schema: {
          tags: ['supplier'],
          summary: 'Movements of my escrow, available and withdrawing balances, newest first',
          querystring: supplierPostingsQuerySchema,
          response: { 200: postingsPageSchema, ...errorResponses(401, 403) },
        },
        config: { auth: ['supplier'] },
      },
      async (req) => ledger.mySupplierPostings(deps, requireAuth(req), req.query),
    );

    app.get(
      '/supplier/postings/export',
      {
        schema: {
          tags: ['supplier'],
          summary: 'My escrow, available and withdrawing postings as CSV or Excel, with the filters of the list',
          querystring: supplierPostingsQuerySchema.omit(noPaging).extend({ format: exportFormatSchema }),
          response: { 200: exportFileSchema, ...errorResponses(401, 403) },
        },
        config: { auth: ['supplier'], rateLimit: EXPORT_LIMIT },
      },
      async (req, reply) => {
        const { format, ...f } = req.query;
        return sendExport(reply, format, ledger.exportMySupplierPostings(deps, requireAuth(req), f), deps.clock.now());
      },
    );

    app.get(
      '/admin/ledger/postings/export',
      {
        schema: {
          tags: ['admin'],
          summary: "Ledger postings as CSV or Excel: one account's (accountId) or the whole book's, in a range",
          querystring: postingsQuerySchema.omit(noPaging).extend({
            accountId: z.string().min(3).max(120).optional(),
            format: exportFormatSchema,
          }),
          response: { 200: exportFileSchema, ...errorResponses(401, 403) },
        },
        config: { auth: operators, rateLimit: EXPORT_LIMIT },
      },
      async (req, reply) => {
        const { format, ...f } = req.query;
        return sendExport(reply, format, ledger.exportPostings(deps, f), deps.clock.now());
      },
    );

    app.get(
      '/admin/ledger/trial-balance',
      {
        schema: {
          tags: ['admin'],
          summary: 'Prove the book: postings and balances sum to zero, every balance matches its postings',
          response: { 200: trialBalanceSchema, ...errorResponses(401, 403) },
        },
        config: { auth: operators },
      },
      async () => ledger.checkTrialBalance(deps),
    );

    app.get(
      '/admin/ledger/accounts/:id/postings',
      {
        schema: {
          tags: ['admin'],
          summary: 'One ledger account (e.g. wallet:usr_…, platform:commission) and its postings',
          params: z.strictObject({ id: z.string().min(3).max(120) }),
          querystring: postingsQuerySchema,
          response: { 200: accountPostingsSchema, ...errorResponses(401, 403, 404) },
        },
        config: { auth: operators },
      },
      async (req) => ledger.accountPostings(deps, req.params.id, req.query),
    );

    app.get(
      '/admin/ledger/daily-summary',
      {
        schema: {
          tags: ['admin'],
          summary: 'What the ledger booked on one day (China Standard Time) and the balances at its end',
          querystring: dailySummaryQuerySchema,
          response: { 200: dailySummarySchema, ...errorResponses(401, 403) },
        },
        config: { auth: operators },
      },
      async (req) => ledger.dailySummary(deps, req.query.date),
    );

    app.get(
      '/admin/commission-rates',
      {
        schema: {
          tags: ['admin'],
          summary: 'Commission rates: the platform rate and category and supplier overrides',
          response: { 200: commissionRatesSchema, ...errorResponses(401, 403) },
        },
        config: { auth: operators },
      },
      async () => ledger.listCommissionRates(deps),
    );

    app.put(
      '/admin/commission-rates',
      {
        schema: {
          tags: ['admin'],
          summary: 'Set the platform rate or a category or supplier override (0–5000 bps); audited',
          body: setCommissionRateBodySchema,
          response: { 200: commissionRateSchema, ...errorResponses(401, 403, 404) },
        },
        config: { auth: operators },
      },
      async (req) => ledger.setCommissionRate(deps, requireAuth(req), req.body, metaOf(req)),
    );

    app.delete(
      '/admin/commission-rates/:scope/:scopeId',
      {
        schema: {
          tags: ['admin'],
          summary: 'Remove a category or supplier override; audited',
          params: z.strictObject({ scope: z.enum(['category', 'supplier']), scopeId: z.string().min(1).max(64) }),
          response: { 200: z.object({ ok: z.literal(true) }), ...errorResponses(401, 403, 404) },
        },
        config: { auth: operators },
      },
      async (req) => {
        await ledger.deleteCommissionRate(deps, requireAuth(req), req.params.scope, req.params.scopeId, metaOf(req));
        return { ok: true as const };
      },
    );

    await app.register(withdrawalsRoutes(deps));
  };
}
