import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { writeAudit } from '../../platform/audit.ts';
import type { Deps } from '../../platform/deps.ts';
import { requireAuth } from '../../platform/http/auth.ts';
import { errorResponses, metaOf } from '../../platform/http/route-helpers.ts';
import { forgetSettings, getSetting, SETTING_DEFAULTS, type SettingKey, setSetting } from '../../platform/settings.ts';

const settingsSchema = z.object({
  'orders.reservationMinutes': z
    .number()
    .int()
    .min(1)
    .max(24 * 60),
  'orders.confirmationWindowHours': z
    .number()
    .int()
    .min(1)
    .max(30 * 24),
  'orders.manualDeliveryHours': z
    .number()
    .int()
    .min(1)
    .max(30 * 24),
  'payments.sandboxEnabled': z.boolean().nullable(),
  'withdrawals.secondApprovalAboveCents': z.number().int().min(0),
  'disputes.supplierAnswerHours': z
    .number()
    .int()
    .min(1)
    .max(30 * 24),
  'disputes.buyerEscalateHours': z
    .number()
    .int()
    .min(1)
    .max(30 * 24),
  'disputes.arbitrationHours': z
    .number()
    .int()
    .min(1)
    .max(30 * 24),
  'disputes.lateClaimHours': z
    .number()
    .int()
    .min(1)
    .max(365 * 24),
  'disputes.unrevealedReturnHours': z
    .number()
    .int()
    .min(0)
    .max(30 * 24),
  // bad-faith score thresholds (0–100); 101 turns an action off
  'disputes.buyerFastTrackScore': z.number().int().min(1).max(101),
  'disputes.supplierWarnScore': z.number().int().min(1).max(101),
  'disputes.supplierDelayScore': z.number().int().min(1).max(101),
  'disputes.supplierSuspendScore': z.number().int().min(1).max(101),
  'accounts.stepUpMinutes': z.number().int().min(1).max(60),
  'accounts.secondFactor': z.enum(['totp', 'totp_or_sms', 'sms']),
  'withdrawals.stepUpAboveCents': z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
});

async function readAll(deps: Deps) {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(SETTING_DEFAULTS) as SettingKey[])
    out[key] = await getSetting(deps.db, key, { fresh: true });
  return out as z.infer<typeof settingsSchema>;
}

/** Operator settings: reservation time, confirmation window, delivery deadline, sandbox switch, approval threshold. */
export function settingsRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/admin/settings',
      {
        schema: {
          tags: ['admin'],
          summary: 'Platform settings',
          response: { 200: settingsSchema, ...errorResponses(401, 403) },
        },
        config: { auth: ['operator', 'admin'] },
      },
      async () => readAll(deps),
    );

    app.patch(
      '/admin/settings',
      {
        schema: {
          tags: ['admin'],
          summary: 'Change platform settings (admin); every change is audited',
          body: settingsSchema.partial().strict(),
          response: { 200: settingsSchema, ...errorResponses(401, 403) },
        },
        config: { auth: ['admin'] },
      },
      async (req) => {
        const auth = requireAuth(req);
        const now = deps.clock.now();
        await deps.db.transaction().execute(async (tx) => {
          for (const [key, value] of Object.entries(req.body) as [SettingKey, never][]) {
            if (value === undefined) continue;
            const before = await getSetting(tx, key, { fresh: true });
            await setSetting(tx, key, value, now);
            await writeAudit(tx, deps, {
              actorId: auth.userId,
              action: 'settings.change',
              objectType: 'setting',
              objectId: key,
              ip: metaOf(req).ip,
              details: { before, after: value },
            });
          }
        });
        forgetSettings(deps.db);
        return readAll(deps);
      },
    );
  };
}
