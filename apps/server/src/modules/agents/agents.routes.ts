import {
  agentApplicationBodySchema,
  agentApplicationSchema,
  agentBalanceSchema,
  agentOpeningFeeBodySchema,
  agentOpeningFeeResponseSchema,
  agentSiteInputSchema,
  agentSiteSchema,
  agentStatusSchema,
  agentUserPriceBodySchema,
  createPayoutAccountBodySchema,
  customDomainBodySchema,
  markupsBodySchema,
  payoutAccountSchema,
  requestWithdrawalBodySchema,
  withdrawalSchema,
  withdrawalsPageSchema,
  withdrawalsQuerySchema,
} from '@kameng/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../platform/deps.ts';
import { requireAuth } from '../../platform/http/auth.ts';
import { errorResponses, idempotencyHeaders, metaOf } from '../../platform/http/route-helpers.ts';
import { HOUR, MINUTE } from '../../platform/rate-limit.ts';
import { createPayoutAccount, myPayoutAccounts, myWithdrawals, requestWithdrawal } from '../ledger/ledger.service.ts';
import * as agents from './agents.service.ts';

const idParams = z.strictObject({ id: z.string().min(1).max(64) });
const operators = ['operator', 'admin'] as const;
const applications = z.object({ items: z.array(agentApplicationSchema) });
const agentSettingsAnswer = z.object({
  siteDomain: z.string(),
  maxDepth: z.number().int(),
  openingFeeCents: z.number().int().describe('the fee to open a 分站; 0: none'),
});
const markupsAnswer = z.object({
  items: z.array(
    z.object({
      productId: z.string().optional(),
      categoryId: z.string().optional(),
      markupBps: z.number().int(),
      markupCents: z.number().int(),
    }),
  ),
});

/** An agent's own routes: his application, his 分站's settings and markups, his money and sub-agents. */
export function agentRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/agent/applications',
      {
        schema: {
          tags: ['agent'],
          summary: "Apply to open a 分站 (on an agent's 分站: to become his sub-agent)",
          body: agentApplicationBodySchema,
          response: { 201: z.object({ id: z.string() }), ...errorResponses(401, 409, 422) },
        },
        config: { auth: 'user', rateLimit: { max: 10, windowMs: MINUTE, by: 'user' } },
      },
      async (req, reply) =>
        reply.status(201).send(await agents.apply(deps, requireAuth(req), req.body, req.headers.host, metaOf(req))),
    );
    app.get(
      '/agent/apply-info',
      {
        schema: {
          tags: ['agent'],
          summary:
            "Where a 分站 opens: the platform's domain, and on an agent's 分站 Host that agent's site (the parent)",
          response: {
            200: z.object({ siteDomain: z.string(), parentSiteName: z.string().nullable() }),
            ...errorResponses(),
          },
        },
        config: { auth: 'public' },
      },
      async (req) => {
        const [settings, parent] = await Promise.all([
          agents.agentSettings(deps),
          agents.resolveSite(deps, req.headers.host),
        ]);
        return { siteDomain: settings.siteDomain, parentSiteName: parent?.siteName ?? null };
      },
    );
    app.get(
      '/agent/application',
      {
        schema: {
          tags: ['agent'],
          summary: 'My application',
          response: { 200: agentApplicationSchema, ...errorResponses(401, 404) },
        },
        config: { auth: 'user' },
      },
      async (req) => agents.myApplication(deps, requireAuth(req)),
    );
    app.post(
      '/agent/opening-fee',
      {
        schema: {
          tags: ['agent'],
          summary: 'Pay the opening fee of my approved application: the wallet at once, a channel at its cashier',
          headers: idempotencyHeaders,
          body: agentOpeningFeeBodySchema,
          response: {
            201: agentOpeningFeeResponseSchema,
            200: agentOpeningFeeResponseSchema,
            ...errorResponses(401, 404, 409, 422),
          },
        },
        config: { auth: 'user' },
      },
      async (req, reply) => {
        const r = await agents.payOpeningFee(deps, requireAuth(req), req.body, req.headers['idempotency-key']);
        return reply.status(r.replayed ? 200 : 201).send(r.value);
      },
    );
    app.get(
      '/agent/site',
      {
        schema: {
          tags: ['agent'],
          summary: 'My 分站',
          response: { 200: agentSiteSchema, ...errorResponses(401, 404) },
        },
        config: { auth: 'user' },
      },
      async (req) => agents.mySite(deps, requireAuth(req)),
    );
    app.put(
      '/agent/site',
      {
        schema: {
          tags: ['agent'],
          summary: "My 分站's name, logo, notice, contact, carousel and default markup",
          body: agentSiteInputSchema,
          response: { 200: agentSiteSchema, ...errorResponses(401, 404, 422) },
        },
        config: { auth: 'user' },
      },
      async (req) => agents.updateMySite(deps, requireAuth(req), req.body),
    );
    app.get(
      '/agent/site/markups',
      {
        schema: {
          tags: ['agent'],
          summary: 'What I sell and my markups',
          response: { 200: markupsAnswer, ...errorResponses(401, 404) },
        },
        config: { auth: 'user' },
      },
      async (req) => agents.getMarkups(deps, requireAuth(req)),
    );
    app.get(
      '/agent/site/costs',
      {
        schema: {
          tags: ['agent'],
          summary:
            "What I pay per unit of each product at its minimum quantity: the platform's price for me, or my parent's price to me",
          querystring: z.strictObject({
            productIds: z
              .string()
              .regex(/^[\w-]{1,64}(,[\w-]{1,64}){0,99}$/)
              .describe('up to 100 product ids, comma-separated'),
          }),
          response: {
            200: z.object({
              items: z.array(
                z.object({
                  productId: z.string(),
                  costCents: z.number().int().nullable().describe('null: my parent does not sell it'),
                }),
              ),
            }),
            ...errorResponses(400, 401, 404),
          },
        },
        config: { auth: 'user' },
      },
      async (req) => agents.myCosts(deps, requireAuth(req), req.query.productIds.split(',')),
    );
    app.put(
      '/agent/site/markups',
      {
        schema: {
          tags: ['agent'],
          summary: 'Choose what I sell and my markups (a product overrides its category, a category my default)',
          body: markupsBodySchema,
          response: { 200: markupsAnswer, ...errorResponses(401, 404, 422) },
        },
        config: { auth: 'user' },
      },
      async (req) => agents.setMarkups(deps, requireAuth(req), req.body.items),
    );
    app.put(
      '/agent/site/user-prices',
      {
        schema: {
          tags: ['agent'],
          summary: '密价 for one of my customers (null removes it; never below what I pay)',
          body: agentUserPriceBodySchema,
          response: { 200: z.object({ ok: z.literal(true) }), ...errorResponses(401, 404, 422) },
        },
        config: { auth: 'user' },
      },
      async (req) => agents.setUserPrice(deps, requireAuth(req), req.body),
    );
    app.post(
      '/agent/site/domain',
      {
        schema: {
          tags: ['agent'],
          summary: 'Ask for my own domain (an operator approves it)',
          body: customDomainBodySchema,
          response: { 200: agentApplicationSchema, ...errorResponses(401, 404, 409, 422) },
        },
        config: { auth: 'user', rateLimit: { max: 10, windowMs: HOUR, by: 'user' } },
      },
      async (req) => agents.requestDomain(deps, requireAuth(req), req.body.domain),
    );
    app.get(
      '/agent/balance',
      {
        schema: {
          tags: ['agent'],
          summary: 'My margins: held, available, being withdrawn',
          response: { 200: agentBalanceSchema, ...errorResponses(401, 404) },
        },
        config: { auth: 'user' },
      },
      async (req) => agents.agentBalance(deps, requireAuth(req)),
    );
    app.get(
      '/agent/orders',
      {
        schema: {
          tags: ['agent'],
          summary: 'Orders that earned me a margin, newest first',
          response: {
            200: z.object({
              items: z.array(
                z.object({
                  orderId: z.string(),
                  status: z.string(),
                  amountCents: z.number().int(),
                  marginCents: z.number().int(),
                  onMySite: z.boolean(),
                  createdAt: z.number(),
                }),
              ),
            }),
            ...errorResponses(401, 404),
          },
        },
        config: { auth: 'user' },
      },
      async (req) => agents.myOrders(deps, requireAuth(req)),
    );
    app.get(
      '/agent/customers',
      {
        schema: {
          tags: ['agent'],
          summary: 'Buyers of my 分站',
          response: {
            200: z.object({
              items: z.array(
                z.object({
                  userId: z.string(),
                  contact: z.string().nullable().describe('his email or phone, masked'),
                  orders: z.number(),
                  spentCents: z.number(),
                  lastOrderAt: z.number(),
                }),
              ),
            }),
            ...errorResponses(401, 404),
          },
        },
        config: { auth: 'user' },
      },
      async (req) => agents.myCustomers(deps, requireAuth(req)),
    );
    app.get(
      '/agent/sub-agents',
      {
        schema: {
          tags: ['agent'],
          summary: 'My sub-agents and their applications',
          response: { 200: applications, ...errorResponses(401, 404) },
        },
        config: { auth: 'user' },
      },
      async (req) => {
        await agents.myAgent(deps.db, requireAuth(req));
        return agents.mySubAgents(deps, requireAuth(req));
      },
    );
    for (const decision of ['approve', 'reject'] as const) {
      app.post(
        `/agent/sub-agents/:id/${decision}`,
        {
          schema: {
            tags: ['agent'],
            summary: `${decision} a sub-agent's application (mine only)`,
            params: idParams,
            response: { 200: agentApplicationSchema, ...errorResponses(401, 404, 409) },
          },
          config: { auth: 'user' },
        },
        async (req) => {
          await agents.myAgent(deps.db, requireAuth(req));
          return agents.decide(deps, requireAuth(req), req.params.id, decision, null, 'parent', metaOf(req));
        },
      );
    }
    // money out: like a supplier's withdrawals (2FA, a recent password, operators' review), from agent_available
    app.post(
      '/agent/payout-accounts',
      {
        schema: {
          tags: ['agent'],
          summary: 'Add a payout account',
          body: createPayoutAccountBodySchema,
          response: { 201: payoutAccountSchema, ...errorResponses(401, 403, 404) },
        },
        config: { auth: 'user', rateLimit: { max: 10, windowMs: HOUR, by: 'user' } },
      },
      async (req, reply) => {
        await agents.myAgent(deps.db, requireAuth(req));
        return reply.status(201).send(await createPayoutAccount(deps, requireAuth(req), req.body, metaOf(req)));
      },
    );
    app.get(
      '/agent/payout-accounts',
      {
        schema: {
          tags: ['agent'],
          summary: 'My payout accounts',
          response: { 200: z.array(payoutAccountSchema), ...errorResponses(401) },
        },
        config: { auth: 'user' },
      },
      async (req) => myPayoutAccounts(deps, requireAuth(req)),
    );
    app.post(
      '/agent/withdrawals',
      {
        schema: {
          tags: ['agent'],
          summary: 'Withdraw from my available margins (2FA, a recent password confirmation, operators review)',
          headers: idempotencyHeaders,
          body: requestWithdrawalBodySchema,
          response: { 201: withdrawalSchema, 200: withdrawalSchema, ...errorResponses(401, 403, 404, 409, 422) },
        },
        config: { auth: 'user', rateLimit: { max: 10, windowMs: HOUR, by: 'user' } },
      },
      async (req, reply) => {
        const auth = requireAuth(req);
        await agents.myAgent(deps.db, auth);
        const key = req.headers['idempotency-key'];
        const r = await requestWithdrawal(deps, auth, req.body, metaOf(req), key, 'agent');
        return reply.status(r.replayed ? 200 : 201).send(r.value);
      },
    );
    app.get(
      '/agent/withdrawals',
      {
        schema: {
          tags: ['agent'],
          summary: 'My withdrawals as an agent',
          querystring: withdrawalsQuerySchema,
          response: { 200: withdrawalsPageSchema, ...errorResponses(401) },
        },
        config: { auth: 'user' },
      },
      async (req) => myWithdrawals(deps, requireAuth(req), req.query, 'agent'),
    );
  };
}

/** Operators: agent applications and custom domains. */
export function agentAdminRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/admin/agent-applications',
      {
        schema: {
          tags: ['admin'],
          summary: 'Agent applications',
          querystring: z.object({ status: agentStatusSchema.optional() }),
          response: { 200: applications, ...errorResponses(401, 403) },
        },
        config: { auth: operators },
      },
      async (req) => agents.listApplications(deps, req.query),
    );
    for (const decision of ['approve', 'reject'] as const) {
      app.post(
        `/admin/agent-applications/:id/${decision}`,
        {
          schema: {
            tags: ['admin'],
            summary: `${decision} an agent application`,
            params: idParams,
            body: z.strictObject({ reason: z.string().trim().max(500).optional() }).nullish(),
            response: { 200: agentApplicationSchema, ...errorResponses(401, 403, 404, 409) },
          },
          config: { auth: operators },
        },
        async (req) =>
          agents.decide(
            deps,
            requireAuth(req),
            req.params.id,
            decision,
            req.body?.reason ?? null,
            'operator',
            metaOf(req),
          ),
      );
      app.post(
        `/admin/agent-domains/:id/${decision}`,
        {
          schema: {
            tags: ['admin'],
            summary: `${decision} an agent's custom domain`,
            params: idParams,
            response: { 200: agentApplicationSchema, ...errorResponses(401, 403, 404, 409) },
          },
          config: { auth: operators },
        },
        async (req) => agents.decideDomain(deps, requireAuth(req), req.params.id, decision, metaOf(req)),
      );
    }
    app.get(
      '/admin/agent-domains',
      {
        schema: {
          tags: ['admin'],
          summary: 'Custom domains waiting for approval',
          response: { 200: applications, ...errorResponses(401, 403) },
        },
        config: { auth: operators },
      },
      async () => agents.listDomainRequests(deps),
    );
    app.get(
      '/admin/agent-settings',
      {
        schema: {
          tags: ['admin'],
          summary: "The platform's domain for 分站 and the depth of sub-agents",
          response: {
            200: agentSettingsAnswer,
            ...errorResponses(401, 403),
          },
        },
        config: { auth: operators },
      },
      async () => agents.agentSettings(deps),
    );
    app.put(
      '/admin/agent-settings',
      {
        schema: {
          tags: ['admin'],
          summary: "Change the platform's domain for 分站 and the depth of sub-agents",
          body: z.strictObject({
            siteDomain: z
              .string()
              .trim()
              .toLowerCase()
              .regex(/^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9-]{2,63}$/)
              .max(253),
            maxDepth: z.number().int().min(1).max(10),
            openingFeeCents: z.number().int().min(0).max(100_000_000).optional(),
          }),
          response: {
            200: agentSettingsAnswer,
            ...errorResponses(401, 403, 422),
          },
        },
        config: { auth: operators },
      },
      async (req) => agents.setAgentSettings(deps, requireAuth(req), req.body, metaOf(req)),
    );
  };
}
