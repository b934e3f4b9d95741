import {
  availableMethodsSchema,
  channelProviderSchema,
  channelUpdateBodySchema,
  channelViewSchema,
  checkoutBodySchema,
  operatorPaymentSchema,
  PAYMENT_CHANNELS,
  paymentViewSchema,
  reconciliationListQuerySchema,
  reconciliationReportsPageSchema,
  reconciliationRunBodySchema,
  refundBodySchema,
  refundListQuerySchema,
  refundsPageSchema,
  refundViewSchema,
  sandboxCompleteBodySchema,
  topUpBodySchema,
  topUpResponseSchema,
} from '@kameng/contracts';
import type { FastifyPluginAsyncZod, ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../platform/deps.ts';
import { requireAuth } from '../../platform/http/auth.ts';
import { AppError } from '../../platform/http/errors.ts';
import { EXPORT_LIMIT, exportFileSchema, exportFormatSchema, sendExport } from '../../platform/http/export.ts';
import { errorResponses, idempotencyHeaders, metaOf } from '../../platform/http/route-helpers.ts';
import { MINUTE } from '../../platform/rate-limit.ts';
import * as channels from './payments.channels.ts';
import { escapeHtml, formLaunchPage } from './payments.form-launch.ts';
import * as reconciliation from './payments.reconciliation.ts';
import * as payments from './payments.service.ts';

const admins = ['admin'] as const;
const operators = ['operator', 'admin'] as const;

/**
 * A gateway sends every shop's notifications from a handful of addresses: the API's per-IP ceiling (sized for
 * buyers behind carrier NAT) would refuse a busy day's. They get a ceiling of their own instead; each is verified.
 */
const NOTIFY_ROUTE_CONFIG = { auth: 'public', ipLimit: false, rateLimit: { max: 6_000, windowMs: 60_000 } } as const;

export function paymentsRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    // Notifications are verified on their exact bytes, so this scope keeps bodies raw.
    await app.register(async (scope) => {
      const raw = scope.withTypeProvider<ZodTypeProvider>();
      raw.removeAllContentTypeParsers();
      raw.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 64 * 1024 }, (_req, body, done) =>
        done(null, body),
      );
      raw.post(
        '/api/v1/payments/notify/:provider',
        {
          schema: {
            tags: ['payments'],
            summary:
              'Asynchronous notifications of the built-in sandbox gateway (the real channels have their own routes below)',
            params: z.strictObject({ provider: z.string().min(1).max(32) }),
            response: { 200: z.object({ code: z.literal('SUCCESS') }), ...errorResponses(404) },
          },
          config: NOTIFY_ROUTE_CONFIG,
        },
        async (req) => {
          const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
          const result = await payments.handleNotification(deps, req.params.provider, body, req.headers);
          // the reason stays in our notification log; the sender learns only that it was refused
          if (!result.ok) throw new AppError('BAD_REQUEST', 'Notification rejected');
          return { code: 'SUCCESS' as const };
        },
      );

      // each real channel at its own address, answered in its own protocol
      for (const { id: provider, notify } of PAYMENT_CHANNELS) {
        raw.route({
          method: [...notify.methods],
          url: `/api/v1/payments/notify/${provider}`,
          schema: {
            tags: ['payments'],
            summary: notify.summary,
            response: { [notify.ok.status]: notify.ok.body, 400: notify.refused },
          },
          config: NOTIFY_ROUTE_CONFIG,
          handler: async (req, reply) => {
            const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
            const q = req.url.indexOf('?');
            const ack = await payments.receiveChannelNotification(deps, provider, {
              raw: body,
              rawQuery: q >= 0 ? req.url.slice(q + 1) : '',
              method: req.method,
              headers: req.headers,
              ip: req.ip,
            });
            return reply.status(ack.status).type(ack.contentType).send(ack.body);
          },
        });
      }
    });

    app.get(
      '/api/v1/payments/methods',
      {
        schema: {
          tags: ['payments'],
          summary: 'The payment methods a buyer can choose now, with the scenes of each channel',
          response: { 200: availableMethodsSchema, ...errorResponses() },
        },
        config: { auth: 'public' },
      },
      async () => payments.availableMethods(deps),
    );

    app.post(
      '/api/v1/payments/:id/checkout',
      {
        schema: {
          tags: ['payments'],
          summary:
            'Start paying at the channel: returns the payment with payUrl (redirect) or qrCode (render as QR); poll GET /payments/:id until paid',
          params: z.strictObject({ id: z.string().max(64) }),
          body: checkoutBodySchema,
          response: { 200: paymentViewSchema, ...errorResponses(404, 409, 422, 503) },
        },
        config: { auth: 'public', rateLimit: { max: 30, windowMs: MINUTE } },
      },
      async (req) => payments.checkoutPayment(deps, req.auth, req.params.id, req.body.scene, req.ip),
    );

    app.get(
      '/api/v1/payments/:id/launch',
      {
        schema: {
          tags: ['payments'],
          summary:
            "For channels paid by a form posted to their gateway: an HTML page that posts the payment's signed form there (open it in the buyer's browser after checkout)",
          params: z.strictObject({ id: z.string().max(64) }),
          response: { 200: z.string().describe('text/html'), ...errorResponses(404, 409) },
        },
        config: { auth: 'public', rateLimit: { max: 30, windowMs: MINUTE } },
      },
      async (req, reply) => {
        const page = await formLaunchPage(deps, req.auth, req.params.id);
        return reply
          .header('content-security-policy', page.csp)
          .header('cache-control', 'no-store')
          .type('text/html; charset=utf-8')
          .send(page.html);
      },
    );

    app.get(
      '/api/v1/admin/payment-channels',
      {
        schema: {
          tags: ['admin'],
          summary: 'Payment channels with their settings; secrets masked',
          response: { 200: z.object({ items: z.array(channelViewSchema) }), ...errorResponses(401, 403) },
        },
        config: { auth: admins },
      },
      async () => channels.listChannelViews(deps),
    );

    app.put(
      '/api/v1/admin/payment-channels/:provider',
      {
        schema: {
          tags: ['admin'],
          summary:
            'Configure a payment channel: settings and secrets merge into what is stored; an incomplete channel cannot be enabled',
          params: z.strictObject({ provider: channelProviderSchema }),
          body: channelUpdateBodySchema,
          response: { 200: channelViewSchema, ...errorResponses(401, 403, 422) },
        },
        config: { auth: admins },
      },
      async (req) => {
        if (req.body.provider !== req.params.provider) {
          throw new AppError('VALIDATION_FAILED', 'The body is for another channel', {
            issues: [{ path: ['provider'], message: `must be ${req.params.provider}` }],
          });
        }
        return channels.updateChannel(deps, requireAuth(req), req.body, metaOf(req));
      },
    );

    app.get(
      '/api/v1/admin/payments/:id',
      {
        schema: {
          tags: ['admin'],
          summary: 'A payment with every notification received about it and its refunds',
          params: z.strictObject({ id: z.string().max(64) }),
          response: { 200: operatorPaymentSchema, ...errorResponses(401, 403, 404) },
        },
        config: { auth: operators },
      },
      async (req) => payments.getPaymentForOperator(deps, req.params.id),
    );

    app.post(
      '/api/v1/admin/payments/:id/refunds',
      {
        schema: {
          tags: ['admin'],
          summary:
            'Refund a payment: a top-up fully or in part back through its channel; an order in full (escrow still held) to the wallet or the channel',
          params: z.strictObject({ id: z.string().max(64) }),
          headers: idempotencyHeaders,
          body: refundBodySchema,
          response: { 201: refundViewSchema, 200: refundViewSchema, ...errorResponses(401, 403, 404, 409, 422) },
        },
        config: { auth: operators },
      },
      async (req, reply) => {
        const key = req.headers['idempotency-key'];
        const r = await payments.refundPayment(deps, requireAuth(req), req.params.id, req.body, req.ip, key);
        return reply.status(r.replayed ? 200 : 201).send(r.value);
      },
    );

    app.get(
      '/api/v1/admin/refunds',
      {
        schema: {
          tags: ['admin'],
          summary: 'Refunds, newest first; failed channel refunds are the ones to act on',
          querystring: refundListQuerySchema,
          response: {
            200: refundsPageSchema,
            ...errorResponses(401, 403),
          },
        },
        config: { auth: operators },
      },
      async (req) => payments.listRefunds(deps, req.query),
    );

    app.post(
      '/api/v1/admin/reconciliation/runs',
      {
        schema: {
          tags: ['admin'],
          summary: 'Reconcile a day (China Standard Time) again, for one channel or all configured ones',
          body: reconciliationRunBodySchema,
          response: {
            202: z.object({ queued: z.array(z.object({ provider: z.string(), day: z.string() })) }),
            ...errorResponses(401, 403, 422),
          },
        },
        config: { auth: operators },
      },
      async (req, reply) =>
        reply.status(202).send(await reconciliation.requestReconciliation(deps, requireAuth(req), req.body)),
    );

    app.get(
      '/api/v1/admin/reconciliation/reports',
      {
        schema: {
          tags: ['admin'],
          summary: 'Reconciliation reports, newest first: matched, missing on either side, amount mismatches',
          querystring: reconciliationListQuerySchema,
          response: {
            200: reconciliationReportsPageSchema,
            ...errorResponses(401, 403),
          },
        },
        config: { auth: operators },
      },
      async (req) => reconciliation.listReports(deps, req.query),
    );

    app.get(
      '/api/v1/admin/reconciliation/reports/export',
      {
        schema: {
          tags: ['admin'],
          summary: 'Reconciliation reports as CSV or Excel, one row per difference, with the filters of the list',
          querystring: reconciliationListQuerySchema
            .omit({ page: true, pageSize: true })
            .extend({ format: exportFormatSchema }),
          response: { 200: exportFileSchema, ...errorResponses(401, 403) },
        },
        config: { auth: operators, rateLimit: EXPORT_LIMIT },
      },
      async (req, reply) => {
        const { format, ...f } = req.query;
        return sendExport(reply, format, reconciliation.exportReports(deps, f), deps.clock.now());
      },
    );

    app.post(
      '/api/v1/admin/refunds/:id/retry',
      {
        schema: {
          tags: ['admin'],
          summary: 'Send a failed channel refund again, with the same channel refund number',
          params: z.strictObject({ id: z.string().max(128) }),
          response: { 200: refundViewSchema, ...errorResponses(401, 403, 404, 409) },
        },
        config: { auth: operators },
      },
      async (req) => payments.retryRefund(deps, requireAuth(req), req.params.id, req.ip),
    );

    app.get(
      '/api/v1/payments/:id',
      {
        schema: {
          tags: ['payments'],
          summary: 'A payment (for the cashier page to poll)',
          params: z.strictObject({ id: z.string().max(64) }),
          response: { 200: paymentViewSchema, ...errorResponses(404) },
        },
        config: { auth: 'public' },
      },
      async (req) => payments.getPaymentForUser(deps, req.auth, req.params.id),
    );

    app.post(
      '/api/v1/wallet/top-ups',
      {
        schema: {
          tags: ['wallet'],
          summary: 'Top up my wallet through a payment channel (a repeated Idempotency-Key answers the first top-up)',
          headers: idempotencyHeaders,
          body: topUpBodySchema,
          response: {
            201: topUpResponseSchema,
            200: topUpResponseSchema,
            ...errorResponses(401, 422),
          },
        },
        config: { auth: 'user' },
      },
      async (req, reply) => {
        const r = await payments.startTopUp(deps, requireAuth(req), req.body, req.headers['idempotency-key']);
        return reply.status(r.replayed ? 200 : 201).send(r.value);
      },
    );

    app.get(
      '/api/v1/platform/status',
      {
        schema: {
          tags: ['system'],
          summary: 'What every page needs to know: is the sandbox on?',
          response: { 200: z.object({ sandbox: z.boolean() }), ...errorResponses() },
        },
        config: { auth: 'public' },
      },
      async () => ({ sandbox: await payments.sandboxEnabled(deps) }),
    );

    // --- the built-in sandbox gateway (a simulated external provider; never real money) ---

    app.get(
      '/sandbox/payments/:paymentId',
      { schema: { hide: true, params: z.strictObject({ paymentId: z.string().max(64) }) } },
      async (req, reply) => {
        if (!(await payments.sandboxEnabled(deps))) throw new AppError('NOT_FOUND', 'The sandbox gateway is off');
        const p = await payments.getSandboxPayment(deps, req.params.paymentId);
        const id = escapeHtml(p.id);
        const yuan = (p.amountCents / 100).toFixed(2);
        return reply
          .type('text/html; charset=utf-8')
          .send(`<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>沙箱收银台 Sandbox cashier</title>
<style>body{font-family:system-ui,sans-serif;max-width:420px;margin:24px auto;padding:0 16px}
.banner{background:#fff1b8;border:1px solid #faad14;padding:8px 12px;border-radius:6px}
button{font-size:18px;padding:12px;width:100%;margin-top:12px;border-radius:6px;border:0;color:#fff}
.pay{background:#1677ff}.fail{background:#999}</style></head><body>
<p class="banner">⚠ 沙箱模式：模拟支付，不涉及真实资金 · Sandbox: no real money moves</p>
<h1>¥${yuan}</h1><p>支付单 Payment ${id} · 状态 ${escapeHtml(p.status)}</p>
<form method="post" action="/sandbox/payments/${id}/complete"><input type="hidden" name="outcome" value="success">
<button class="pay" type="submit">模拟支付成功 Pay</button></form>
<form method="post" action="/sandbox/payments/${id}/complete"><input type="hidden" name="outcome" value="fail">
<button class="fail" type="submit">模拟支付失败 Fail</button></form></body></html>`);
      },
    );

    await app.register(async (scope) => {
      const form = scope.withTypeProvider<ZodTypeProvider>();
      form.addContentTypeParser(
        'application/x-www-form-urlencoded',
        { parseAs: 'string', bodyLimit: 4096 },
        (_req, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))),
      );
      form.post(
        '/sandbox/payments/:paymentId/complete',
        {
          schema: {
            tags: ['sandbox'],
            summary:
              'Sandbox gateway: take the payment and notify Kameng asynchronously (only while the sandbox is on)',
            params: z.strictObject({ paymentId: z.string().max(64) }),
            body: sandboxCompleteBodySchema.optional(),
            response: { 200: z.object({ ok: z.literal(true), tradeNo: z.string() }), ...errorResponses(404) },
          },
          config: { auth: 'public' },
        },
        async (req, reply) => {
          const body = sandboxCompleteBodySchema.parse(req.body ?? {});
          const r = await payments.sandboxComplete(deps, req.params.paymentId, body);
          if (req.headers['content-type']?.startsWith('application/x-www-form-urlencoded')) {
            return reply.redirect(`/sandbox/payments/${encodeURIComponent(req.params.paymentId)}`, 303);
          }
          return { ok: true as const, tradeNo: r.tradeNo };
        },
      );
    });
  };
}
