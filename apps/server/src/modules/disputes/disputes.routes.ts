import {
  disputeAnswerBodySchema,
  disputeDossierSchema,
  disputeRatesQuerySchema,
  disputeRatesSchema,
  disputeEscalateBodySchema,
  disputeListQuerySchema,
  disputeListSchema,
  disputeMessageBodySchema,
  disputeRuleBodySchema,
  disputeSchema,
  keyReturnBodySchema,
  keyReturnSchema,
  openDisputeBodySchema,
  openDisputeResponseSchema,
  pageQuerySchema,
  standingSchema,
  userScoresSchema,
} from '@kameng/contracts';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../platform/deps.ts';
import { type AuthContext, requireAuth } from '../../platform/http/auth.ts';
import { requestDevice } from '../../platform/http/device.ts';
import { errorResponses, idempotencyHeaders } from '../../platform/http/route-helpers.ts';
import { MINUTE } from '../../platform/rate-limit.ts';
import * as disputes from './disputes.service.ts';

const idParams = z.strictObject({ id: z.string().min(1).max(64) });
const evidenceParams = z.strictObject({ id: z.string().min(1).max(64), evidenceId: z.string().min(1).max(64) });
const IMAGE_CONTENT_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'application/octet-stream'];

export function disputesRoutes(deps: Deps): FastifyPluginAsyncZod {
  /** A step on a case answers with the case as it now reads. */
  const thenView = async (
    req: FastifyRequest & { params: { id: string } },
    act: (auth: AuthContext) => Promise<unknown>,
  ) => {
    const auth = requireAuth(req);
    await act(auth);
    return disputes.getDispute(deps, auth, req.params.id);
  };
  return async (app) => {
    // screenshots arrive as the raw request body; the type is decided by the bytes, not this header
    app.addContentTypeParser(
      IMAGE_CONTENT_TYPES,
      { parseAs: 'buffer', bodyLimit: disputes.MAX_EVIDENCE_BYTES },
      (_req, body, done) => done(null, body),
    );

    app.post(
      '/orders/:id/disputes',
      {
        schema: {
          tags: ['disputes'],
          summary: 'Open an after-sales case on a delivered order (the buyer); its escrow is frozen meanwhile',
          params: idParams,
          body: openDisputeBodySchema,
          response: { 201: openDisputeResponseSchema, ...errorResponses(401, 404, 409, 422) },
        },
        config: { auth: 'user', rateLimit: { max: 30, windowMs: MINUTE, by: 'user' } },
      },
      async (req, reply) =>
        reply.status(201).send(
          await disputes.openDispute(deps, requireAuth(req), req.params.id, req.body, {
            ip: req.ip,
            device: requestDevice(deps.config.masterKey, req),
          }),
        ),
    );

    app.get(
      '/disputes',
      {
        schema: {
          tags: ['disputes'],
          summary: 'My after-sales cases (as the buyer)',
          querystring: disputeListQuerySchema,
          response: { 200: disputeListSchema, ...errorResponses(401) },
        },
        config: { auth: 'user' },
      },
      async (req) => disputes.listMyDisputes(deps, requireAuth(req), req.query),
    );

    app.get(
      '/disputes/:id',
      {
        schema: {
          tags: ['disputes'],
          summary: 'One case with its thread and evidence: the buyer, the order’s supplier and staff only',
          params: idParams,
          response: { 200: disputeSchema, ...errorResponses(401, 404) },
        },
        config: { auth: 'user' },
      },
      async (req) => disputes.getDispute(deps, requireAuth(req), req.params.id),
    );

    app.post(
      '/disputes/:id/messages',
      {
        schema: {
          tags: ['disputes'],
          summary: 'Add a message to an open case’s thread (either side or staff)',
          params: idParams,
          body: disputeMessageBodySchema,
          response: { 200: disputeSchema, ...errorResponses(401, 404, 409) },
        },
        config: { auth: 'user', rateLimit: { max: 30, windowMs: MINUTE, by: 'user' } },
      },
      async (req) => disputes.postDisputeMessage(deps, requireAuth(req), req.params.id, req.body),
    );

    app.post(
      '/disputes/:id/evidence',
      {
        schema: {
          tags: ['disputes'],
          summary: 'Upload a screenshot (PNG, JPEG or WebP, at most 2 MB) as the raw body',
          params: idParams,
          response: {
            201: z.object({ id: z.string(), url: z.string() }),
            ...errorResponses(401, 404, 409, 413, 415, 422),
          },
        },
        config: { auth: 'user' },
      },
      async (req, reply) =>
        reply.status(201).send(await disputes.uploadEvidence(deps, requireAuth(req), req.params.id, req.body)),
    );

    app.get(
      '/disputes/:id/evidence/:evidenceId',
      {
        schema: {
          tags: ['disputes'],
          summary: 'One piece of evidence (the image bytes), for the case’s parties and staff',
          params: evidenceParams,
          response: { 200: z.unknown().describe('image/png, image/jpeg or image/webp'), ...errorResponses(401, 404) },
        },
        config: { auth: 'user' },
      },
      async (req, reply) => {
        const file = await disputes.readEvidence(deps, requireAuth(req), req.params.id, req.params.evidenceId);
        return reply
          .type(file.contentType)
          .header('x-content-type-options', 'nosniff')
          .header('content-security-policy', "default-src 'none'; sandbox")
          .header('content-disposition', 'inline')
          .header('cache-control', 'private, no-store')
          .send(file.body);
      },
    );

    app.post(
      '/disputes/:id/escalate',
      {
        schema: {
          tags: ['disputes'],
          summary: 'The buyer takes the supplier’s answer to platform arbitration',
          params: idParams,
          body: disputeEscalateBodySchema,
          response: { 200: disputeSchema, ...errorResponses(401, 404, 409) },
        },
        config: { auth: 'user' },
      },
      async (req) => thenView(req, (auth) => disputes.escalateDispute(deps, auth, req.params.id, req.body, req.ip)),
    );

    app.post(
      '/disputes/:id/accept',
      {
        schema: {
          tags: ['disputes'],
          summary: 'The buyer accepts the supplier’s answer; the case ends as it said',
          params: idParams,
          response: { 200: disputeSchema, ...errorResponses(401, 404, 409) },
        },
        config: { auth: 'user' },
      },
      async (req) => thenView(req, (auth) => disputes.acceptAnswer(deps, auth, req.params.id, req.ip)),
    );

    app.get(
      '/supplier/disputes',
      {
        schema: {
          tags: ['disputes'],
          summary: 'The supplier’s 售后 queue: awaiting an answer first, nearest deadline first',
          querystring: disputeListQuerySchema,
          response: { 200: disputeListSchema, ...errorResponses(401, 403) },
        },
        config: { auth: ['supplier'] },
      },
      async (req) => disputes.listSupplierDisputes(deps, requireAuth(req), req.query),
    );

    app.post(
      '/supplier/disputes/:id/answer',
      {
        schema: {
          tags: ['disputes'],
          summary: 'The supplier answers a case: refund (keys or an amount), replace keys from stock, or reject',
          params: idParams,
          body: disputeAnswerBodySchema,
          response: { 200: disputeSchema, ...errorResponses(401, 403, 404, 409, 422) },
        },
        config: { auth: ['supplier'] },
      },
      async (req) => thenView(req, (auth) => disputes.answerDispute(deps, auth, req.params.id, req.body, req.ip)),
    );

    app.get(
      '/admin/disputes',
      {
        schema: {
          tags: ['disputes'],
          summary: 'Every case, for staff: filter by status or level (platform: the arbitration queue)',
          querystring: disputeListQuerySchema,
          response: { 200: disputeListSchema, ...errorResponses(401, 403) },
        },
        config: { auth: ['operator', 'arbitrator', 'admin'] },
      },
      async (req) => disputes.listAllDisputes(deps, req.query),
    );

    app.post(
      '/admin/disputes/:id/rule',
      {
        schema: {
          tags: ['disputes'],
          summary: 'An arbitrator (or admin) rules: refund in full or in part, replace, or reject; final',
          params: idParams,
          body: disputeRuleBodySchema,
          response: { 200: disputeSchema, ...errorResponses(401, 403, 404, 409, 422) },
        },
        config: { auth: ['arbitrator', 'admin'] },
      },
      async (req) => thenView(req, (auth) => disputes.ruleDispute(deps, auth, req.params.id, req.body, req.ip)),
    );

    // ── the arbitrator's record and the bad-faith actions ──

    app.get(
      '/admin/disputes/:id/dossier',
      {
        schema: {
          tags: ['disputes'],
          summary:
            'The key history (batch, import, first reveal, sold elsewhere), the supplier’s key record, both scores',
          params: idParams,
          response: { 200: disputeDossierSchema, ...errorResponses(401, 403, 404) },
        },
        config: { auth: ['operator', 'arbitrator', 'admin'] },
      },
      async (req) => disputes.disputeDossier(deps, req.params.id),
    );

    app.get(
      '/admin/dispute-rates',
      {
        schema: {
          tags: ['disputes'],
          summary: 'Dispute rates per supplier and per category over the last days, highest first',
          querystring: disputeRatesQuerySchema,
          response: { 200: disputeRatesSchema, ...errorResponses(401, 403) },
        },
        config: { auth: ['operator', 'arbitrator', 'admin'] },
      },
      async (req) => disputes.disputeRates(deps, req.query.days),
    );

    app.get(
      '/admin/dispute-scores/:userId',
      {
        schema: {
          tags: ['disputes'],
          summary: 'A user’s bad-faith scores as a buyer and as a supplier, with reasons and standing actions',
          params: z.strictObject({ userId: z.string().min(1).max(64) }),
          response: { 200: userScoresSchema, ...errorResponses(401, 403) },
        },
        config: { auth: ['operator', 'arbitrator', 'admin'] },
      },
      async (req) => disputes.userScores(deps, req.params.userId),
    );

    app.get(
      '/admin/dispute-standings',
      {
        schema: {
          tags: ['disputes'],
          summary: 'Automatic actions taken for bad-faith scores, newest first',
          querystring: pageQuerySchema,
          response: { 200: z.object({ items: z.array(standingSchema) }), ...errorResponses(401, 403) },
        },
        config: { auth: ['operator', 'arbitrator', 'admin'] },
      },
      async (req) => disputes.listStandings(deps, req.query),
    );

    app.post(
      '/admin/dispute-standings/:userId/:action/lift',
      {
        schema: {
          tags: ['disputes'],
          summary: 'An operator lifts an automatic action (a suspension puts the products back on sale); audited',
          params: z.strictObject({
            userId: z.string().min(1).max(64),
            action: z.enum(['fast_track', 'warned', 'settlement_delayed', 'suspended']),
          }),
          response: { 200: standingSchema, ...errorResponses(401, 403, 404) },
        },
        config: { auth: ['operator', 'admin'] },
      },
      async (req) => disputes.liftStanding(deps, requireAuth(req), req.params.userId, req.params.action, req.ip),
    );

    // ── returns of keys never shown ──

    app.post(
      '/orders/:id/key-returns',
      {
        schema: {
          tags: ['disputes'],
          summary: 'Give back keys never shown to you, within the return window, for a refund (no case needed)',
          params: idParams,
          headers: idempotencyHeaders,
          body: keyReturnBodySchema,
          response: { 201: keyReturnSchema, 200: keyReturnSchema, ...errorResponses(401, 403, 404, 409, 422) },
        },
        config: { auth: 'user', rateLimit: { max: 10, windowMs: MINUTE, by: 'user' } },
      },
      async (req, reply) => {
        const auth = requireAuth(req);
        const key = req.headers['idempotency-key'];
        const r = await disputes.returnUnrevealedKeys(deps, auth, req.params.id, req.body, req.ip, key);
        return reply.status(r.replayed ? 200 : 201).send(r.value);
      },
    );

    app.get(
      '/supplier/key-returns',
      {
        schema: {
          tags: ['disputes'],
          summary: 'Keys buyers returned unrevealed, awaiting a decision first',
          querystring: pageQuerySchema,
          response: { 200: z.object({ items: z.array(keyReturnSchema) }), ...errorResponses(401, 403) },
        },
        config: { auth: ['supplier'] },
      },
      async (req) => disputes.listKeyReturns(deps, requireAuth(req), req.query),
    );

    app.post(
      '/supplier/key-returns/:id/:decision',
      {
        schema: {
          tags: ['disputes'],
          summary: 'Put returned keys back in stock (restock) or leave them void (discard)',
          params: z.strictObject({ id: z.string().min(1).max(64), decision: z.enum(['restock', 'discard']) }),
          response: { 200: keyReturnSchema, ...errorResponses(401, 403, 404, 409) },
        },
        config: { auth: ['supplier'] },
      },
      async (req) => disputes.decideKeyReturn(deps, requireAuth(req), req.params.id, req.params.decision, req.ip),
    );
  };
}
