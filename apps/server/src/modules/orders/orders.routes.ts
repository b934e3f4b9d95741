import { compiledSerializer } from '../../platform/http/compiled-serializer.ts';
import {
  cartItemBodySchema,
  cartSchema,
  createOrderBodySchema,
  createOrderResponseSchema,
  dailySalesSchema,
  daysQuerySchema,
  guestCodeBodySchema,
  guestCodeLookupBodySchema,
  guestCodeSentSchema,
  guestLookupBodySchema,
  guestOrdersSchema,
  manualDeliveryBodySchema,
  okSchema,
  supplierRefundBodySchema,
  orderListQuerySchema,
  ordersPageSchema,
  orderStatusSchema,
  orderViewSchema,
} from '@kameng/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { resolveSite } from '../agents/agents.service.ts';
import { z } from 'zod';
import type { Deps } from '../../platform/deps.ts';
import { requireAuth } from '../../platform/http/auth.ts';
import { EXPORT_LIMIT, exportFileSchema, exportFormatSchema, sendExport } from '../../platform/http/export.ts';
import { requestDevice } from '../../platform/http/device.ts';
import { errorResponses, idempotencyHeaders, metaOf } from '../../platform/http/route-helpers.ts';
import { MINUTE } from '../../platform/rate-limit.ts';
import * as orders from './orders.service.ts';

const idParams = z.strictObject({ id: z.string().min(1).max(64) });
const listFilters = orderListQuerySchema.omit({ page: true, pageSize: true });
const operatorFilters = {
  q: z.string().trim().max(254).optional(),
  needsAttention: z.coerce.boolean().optional(),
};

export function ordersRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/orders',
      {
        schema: {
          tags: ['orders'],
          summary: 'Place an order (signed in, or as a guest); wallet orders are paid at once',
          headers: idempotencyHeaders,
          body: createOrderBodySchema,
          response: {
            201: createOrderResponseSchema,
            200: createOrderResponseSchema,
            ...errorResponses(401, 404, 409, 422),
          },
        },
        serializerCompiler: compiledSerializer,
        config: { auth: 'public', rateLimit: { max: 60, windowMs: MINUTE } },
      },
      async (req, reply) => {
        // the 分站 comes from the Host alone; the body has no field for it (strict schema)
        const site = await resolveSite(deps, req.headers.host);
        const input = { ...req.body, site, deviceHash: requestDevice(deps.config.masterKey, req) };
        const r = await orders.createOrder(deps, req.auth, input, req.headers['idempotency-key'], req.ip);
        return reply.status(r.replayed ? 200 : 201).send({ ...r.order, payment: r.payment });
      },
    );

    app.get(
      '/orders',
      {
        schema: {
          tags: ['orders'],
          summary: 'My orders, newest first, with filters',
          querystring: orderListQuerySchema,
          response: {
            200: ordersPageSchema,
            ...errorResponses(401),
          },
        },
        config: { auth: 'user' },
      },
      async (req) => {
        const { page, pageSize, ...f } = req.query;
        return orders.listBuyerOrders(deps, requireAuth(req), { ...f, limit: pageSize, offset: (page - 1) * pageSize });
      },
    );

    app.get(
      '/orders/:id',
      {
        schema: {
          tags: ['orders'],
          summary: 'One of my orders, with its keys once delivered (and their reveal recorded) unless ?keys=hidden',
          params: idParams,
          querystring: z.object({
            keys: z
              .enum(['shown', 'hidden'])
              .default('shown')
              .describe('hidden: no cardKeys and no reveal recorded; show them with POST /orders/:id/keys/reveal'),
          }),
          response: { 200: orderViewSchema, ...errorResponses(400, 401, 404) },
        },
        config: { auth: 'user' },
      },
      async (req) =>
        orders.getOrderForBuyer(deps, requireAuth(req), req.params.id, { keys: req.query.keys === 'shown' }),
    );

    app.post(
      '/orders/:id/keys/reveal',
      {
        schema: {
          tags: ['orders'],
          summary: 'Shows me my order’s keys and records that they were shown (they can no longer be returned unseen)',
          params: idParams,
          response: { 200: z.object({ cardKeys: z.array(z.string()) }), ...errorResponses(401, 404, 409) },
        },
        config: { auth: 'user' },
      },
      async (req) => orders.revealOrderKeys(deps, requireAuth(req), req.params.id),
    );

    app.get(
      '/orders/:id/keys/file',
      {
        schema: {
          tags: ['orders'],
          summary: 'My order’s keys as a download (txt: one key a line; csv), recorded as a reveal and audited',
          params: idParams,
          querystring: z.strictObject({ format: z.enum(['txt', 'csv']).default('txt') }),
          response: { 200: exportFileSchema, ...errorResponses(401, 404, 409) },
        },
        config: { auth: 'user', rateLimit: EXPORT_LIMIT },
      },
      async (req, reply) => {
        const { format } = req.query;
        const { keys } = await orders.orderKeysForFile(deps, requireAuth(req), req.params.id, format, metaOf(req));
        const spec = orders.keysCsv(req.params.id, keys);
        if (format === 'csv') return sendExport(reply, 'csv', spec, deps.clock.now());
        return reply
          .header('content-type', 'text/plain; charset=utf-8')
          .header('content-disposition', `attachment; filename="keys-${req.params.id}.txt"`)
          .header('cache-control', 'no-store')
          .send(orders.keysAsText(keys));
      },
    );

    app.get(
      '/me/statements',
      {
        schema: {
          tags: ['orders'],
          summary:
            'My statement of one month (China Standard Time): every wallet posting with what each order bought, and the total',
          querystring: z.strictObject({
            month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'YYYY-MM'),
            format: exportFormatSchema,
          }),
          response: { 200: exportFileSchema, ...errorResponses(401) },
        },
        config: { auth: 'user', rateLimit: EXPORT_LIMIT },
      },
      async (req, reply) =>
        sendExport(
          reply,
          req.query.format,
          orders.myMonthlyStatement(deps, requireAuth(req), req.query.month),
          deps.clock.now(),
        ),
    );

    app.post(
      '/orders/lookup',
      {
        schema: {
          tags: ['orders'],
          summary: 'Guest order lookup by order number and lookup password',
          body: guestLookupBodySchema,
          response: { 200: orderViewSchema, ...errorResponses(404) },
        },
        config: { auth: 'public', rateLimit: { max: 20, windowMs: MINUTE } },
      },
      async (req) => orders.lookupGuestOrder(deps, req.body.orderId, req.body.lookupPassword, req.ip),
    );

    app.post(
      '/orders/lookup/code',
      {
        schema: {
          tags: ['orders'],
          summary:
            'Guest order lookup by email: sends a one-time code to the email a guest bought with (the same answer for any address)',
          body: guestCodeBodySchema,
          response: { 202: guestCodeSentSchema, ...errorResponses(422) },
        },
        config: { auth: 'public', rateLimit: { max: 10, windowMs: MINUTE } },
      },
      async (req, reply) => reply.code(202).send(await orders.sendGuestLookupCode(deps, req.body.email, req.ip)),
    );

    app.post(
      '/orders/lookup/by-code',
      {
        schema: {
          tags: ['orders'],
          summary: "Guest order lookup by email and its one-time code: that email's guest orders",
          body: guestCodeLookupBodySchema,
          response: { 200: guestOrdersSchema, ...errorResponses(422) },
        },
        config: { auth: 'public', rateLimit: { max: 20, windowMs: MINUTE } },
      },
      async (req) => orders.lookupGuestOrdersByCode(deps, req.body.email, req.body.code, req.ip),
    );

    app.post(
      '/orders/:id/confirm',
      {
        schema: {
          tags: ['orders'],
          summary: 'Confirm receipt: the supplier is paid',
          params: idParams,
          response: { 200: orderViewSchema, ...errorResponses(401, 404, 409) },
        },
        config: { auth: 'user' },
      },
      async (req) => orders.confirmOrder(deps, requireAuth(req), req.params.id),
    );

    app.post(
      '/orders/:id/cancel',
      {
        schema: {
          tags: ['orders'],
          summary: 'Cancel an unpaid order, or a manual order the supplier did not deliver in time (refunded)',
          params: idParams,
          response: { 200: orderViewSchema, ...errorResponses(401, 404, 409) },
        },
        config: { auth: 'user' },
      },
      async (req) => orders.cancelOrder(deps, requireAuth(req), req.params.id),
    );

    app.get(
      '/cart',
      {
        schema: {
          tags: ['cart'],
          summary: "My cart, priced for the Host's site (an agent's 分站: his prices)",
          response: { 200: cartSchema, ...errorResponses(401) },
        },
        config: { auth: 'user' },
      },
      async (req) => orders.getCart(deps, requireAuth(req), await resolveSite(deps, req.headers.host)),
    );

    app.put(
      '/cart/items',
      {
        schema: {
          tags: ['cart'],
          summary: 'Set a product quantity in my cart (0 removes it)',
          body: cartItemBodySchema,
          response: { 200: cartSchema, ...errorResponses(401, 404) },
        },
        config: { auth: 'user' },
      },
      async (req) =>
        orders.setCartQuantity(
          deps,
          requireAuth(req),
          req.body.productId,
          req.body.quantity,
          await resolveSite(deps, req.headers.host),
        ),
    );

    app.get(
      '/supplier/orders',
      {
        schema: {
          tags: ['supplier'],
          summary: "My shop's orders (status=paid lists the manual delivery queue)",
          querystring: orderListQuerySchema,
          response: {
            200: ordersPageSchema,
            ...errorResponses(401, 403),
          },
        },
        config: { auth: ['supplier'] },
      },
      async (req) => {
        const { page, pageSize, ...f } = req.query;
        return orders.listSupplierOrders(deps, requireAuth(req), {
          ...f,
          limit: pageSize,
          offset: (page - 1) * pageSize,
        });
      },
    );

    app.get(
      '/supplier/orders/daily-sales',
      {
        schema: {
          tags: ['supplier'],
          summary: 'My paid orders and sales per day (China Standard Time), for the dashboard chart',
          querystring: daysQuerySchema,
          response: { 200: dailySalesSchema, ...errorResponses(401, 403) },
        },
        config: { auth: ['supplier'] },
      },
      async (req) => orders.supplierSalesPerDay(deps, requireAuth(req), req.query.days),
    );

    app.post(
      '/supplier/orders/:id/deliver',
      {
        schema: {
          tags: ['supplier'],
          summary: 'Deliver a manual order with text content',
          params: idParams,
          body: manualDeliveryBodySchema,
          response: { 200: orderViewSchema, ...errorResponses(401, 403, 404, 409) },
        },
        config: { auth: ['supplier'] },
      },
      async (req) => orders.deliverManually(deps, requireAuth(req), req.params.id, req.body.content, req.ip),
    );

    app.post(
      '/supplier/orders/:id/refund',
      {
        schema: {
          tags: ['supplier'],
          summary:
            'Refund a paid manual or direct order in full instead of delivering it (the buyer is paid back from escrow)',
          params: idParams,
          body: supplierRefundBodySchema,
          response: { 200: orderViewSchema, ...errorResponses(401, 403, 404, 409) },
        },
        config: { auth: ['supplier'], rateLimit: { max: 30, windowMs: MINUTE, by: 'user' } },
      },
      async (req) => orders.refundBySupplier(deps, requireAuth(req), req.params.id, req.body.reason, req.ip),
    );

    app.get(
      '/admin/orders',
      {
        schema: {
          tags: ['admin'],
          summary: 'Search orders across the platform',
          querystring: orderListQuerySchema.extend(operatorFilters),
          response: {
            200: ordersPageSchema,
            ...errorResponses(401, 403),
          },
        },
        config: { auth: ['operator', 'admin'] },
      },
      async (req) => {
        const { page, pageSize, ...f } = req.query;
        return orders.searchOrders(deps, { ...f, limit: pageSize, offset: (page - 1) * pageSize });
      },
    );

    app.get(
      '/admin/orders/export',
      {
        schema: {
          tags: ['admin'],
          summary: 'Orders across the platform as CSV or Excel, with the filters of the list (streamed)',
          querystring: listFilters.extend({ ...operatorFilters, format: exportFormatSchema }),
          response: { 200: exportFileSchema, ...errorResponses(401, 403) },
        },
        config: { auth: ['operator', 'admin'], rateLimit: EXPORT_LIMIT },
      },
      async (req, reply) => {
        const { format, ...f } = req.query;
        return sendExport(reply, format, orders.exportOrdersForOperator(deps, f), deps.clock.now());
      },
    );

    app.get(
      '/supplier/orders/export',
      {
        schema: {
          tags: ['supplier'],
          summary: "My shop's orders as CSV or Excel, with the filters of the list (streamed)",
          querystring: listFilters.extend({ format: exportFormatSchema }),
          response: { 200: exportFileSchema, ...errorResponses(401, 403) },
        },
        config: { auth: ['supplier'], rateLimit: EXPORT_LIMIT },
      },
      async (req, reply) => {
        const { format, ...f } = req.query;
        return sendExport(reply, format, orders.exportSupplierOrders(deps, requireAuth(req), f), deps.clock.now());
      },
    );

    app.get(
      '/admin/orders/daily-sales',
      {
        schema: {
          tags: ['admin'],
          summary: 'Paid orders and GMV per day (China Standard Time) across the platform',
          querystring: daysQuerySchema,
          response: { 200: dailySalesSchema, ...errorResponses(401, 403) },
        },
        config: { auth: ['operator', 'admin'] },
      },
      async (req) => orders.platformSalesPerDay(deps, req.query.days),
    );

    app.get(
      '/admin/orders/:id',
      {
        schema: {
          tags: ['admin'],
          summary: 'One order with its full event history (never its keys)',
          params: idParams,
          response: {
            200: orderViewSchema.omit({ cardKeys: true, deliveryContent: true }).extend({
              buyerId: z.string().nullable(),
              guestEmail: z.string().nullable(),
              paymentId: z
                .string()
                .nullable()
                .describe('the payment that paid it: refunds go through POST /admin/payments/:id/refunds'),
              refundableCents: z.number().int().describe('what is left to refund of that payment'),
              needsAttention: z.boolean(),
              events: z.array(
                z.object({
                  from: orderStatusSchema.nullable(),
                  to: orderStatusSchema,
                  cause: z.string(),
                  at: z.number(),
                }),
              ),
            }),
            ...errorResponses(401, 403, 404),
          },
        },
        config: { auth: ['operator', 'admin'] },
      },
      async (req) => orders.getOrderForOperator(deps, req.params.id),
    );

    app.post(
      '/admin/orders/:id/resend-delivery',
      {
        schema: {
          tags: ['admin'],
          summary: "Send a delivered order's notice to the buyer again (the buyer asked; the first one was lost)",
          params: idParams,
          body: z.strictObject({}).nullish().describe('nothing: the notice goes where the order says'),
          response: { 202: okSchema, ...errorResponses(401, 403, 404, 409) },
        },
        config: { auth: ['operator', 'admin'], rateLimit: { max: 10, windowMs: MINUTE, by: 'user' } },
      },
      async (req, reply) => {
        await orders.resendDelivery(deps, requireAuth(req), req.params.id, req.ip);
        return reply.status(202).send({ ok: true as const });
      },
    );
  };
}
