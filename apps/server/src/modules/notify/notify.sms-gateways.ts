import {
  SMS_GATEWAY_FIELDS,
  SMS_GATEWAYS,
  type SmsGatewayId,
  type SmsGatewayUpdateBody,
  type SmsGatewayViewDto,
} from '@kameng/contracts';
import { writeAudit } from '../../platform/audit.ts';
import {
  type ConfiguredProvider,
  decodeCredentialRow,
  defined,
  encodeCredentialRow,
  maskAll,
  missingFields,
  nextCredentials,
} from '../../platform/credentials.ts';
import type { Deps } from '../../platform/deps.ts';
import type { AuthContext } from '../../platform/http/auth.ts';
import { type Rotation, reseal } from '../../platform/master-key.ts';
import type { SmsProvider } from '../../platform/sender.ts';
import { type RequestMeta, requireRecentAuth } from '../accounts/accounts.service.ts';
import * as q from './notify.queries.ts';
import { type SmsGatewayConfig, smsProviderFor } from './notify.sms-providers.ts';

// SMS gateways as operators configure them, stored like the payment channels: settings in clear, secrets
// one AES-256-GCM blob under a key derived from the master key, shown masked, changed only after the
// password was confirmed again.

type LoadedGateway = ConfiguredProvider<SmsGatewayId>;

const PURPOSE = 'sms-gateways';

/** A master-key rotation: every gateway's secrets sealed again under the new key. */
export async function rotateSmsGatewaySecrets(r: Rotation): Promise<void> {
  const rows = await q.sealedSmsGateways(r.tx);
  for (const g of rows) {
    if (g.secrets_enc) {
      await q.setSmsGatewaySecrets(r.tx, g.provider, reseal(r, PURPOSE, g.secrets_enc, `${PURPOSE}:${g.provider}`));
    }
  }
  r.count('SMS gateway secrets', rows.length);
}

function decode(deps: Pick<Deps, 'config'>, row: q.SmsGatewayRow): LoadedGateway {
  return decodeCredentialRow(deps.config.masterKey, PURPOSE, row);
}

const blank = (provider: SmsGatewayId): LoadedGateway => ({ provider, enabled: false, settings: {}, secrets: {} });

const missingOf = (g: SmsGatewayConfig) => missingFields(SMS_GATEWAY_FIELDS[g.provider].required, g);

function toView(g: LoadedGateway, updatedAt: number | null): SmsGatewayViewDto {
  const secretNames = Object.keys(SMS_GATEWAY_FIELDS[g.provider].secrets.shape);
  return {
    provider: g.provider,
    enabled: g.enabled,
    settings: g.settings,
    secrets: maskAll(secretNames, g.secrets),
    missing: missingOf(g),
    updatedAt,
  };
}

export async function listSmsGatewayViews(deps: Deps): Promise<{ items: SmsGatewayViewDto[] }> {
  const rows = new Map((await q.listSmsGateways(deps.db)).map((r) => [r.provider, r]));
  return {
    items: SMS_GATEWAYS.map((p) => {
      const row = rows.get(p);
      return toView(row ? decode(deps, row) : blank(p), row?.updated_at ?? null);
    }),
  };
}

/**
 * Writes a gateway. Settings and secrets merge into what is stored (a secret is sent once and never read
 * back); an incomplete gateway cannot be enabled; enabling one turns the other off.
 */
export async function updateSmsGateway(
  deps: Deps,
  auth: AuthContext,
  body: SmsGatewayUpdateBody,
  meta: RequestMeta,
): Promise<SmsGatewayViewDto> {
  // whoever can point the gateway elsewhere receives every verification code: a fresh password first
  if (body.secrets || body.settings) await requireRecentAuth(deps, auth);
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (tx) => {
    const row = await q.findSmsGateway(tx, body.provider);
    const current = row ? decode(deps, row) : blank(body.provider);
    const next = nextCredentials(
      current,
      body,
      SMS_GATEWAY_FIELDS[body.provider].required,
      `The ${body.provider} SMS gateway`,
    );
    if (next.enabled) await q.disableOtherSmsGateways(tx, body.provider, now);
    await q.upsertSmsGateway(
      tx,
      encodeCredentialRow(deps.config.masterKey, PURPOSE, next, {
        by: auth.userId,
        createdAt: row?.created_at ?? now,
        now,
      }),
    );
    await writeAudit(tx, deps, {
      actorId: auth.userId,
      action: 'sms_gateway.update',
      objectType: 'sms_gateway',
      objectId: body.provider,
      ip: meta.ip,
      // which secrets changed is recorded, never their values
      details: { enabled: next.enabled, settings: next.settings, secretsChanged: Object.keys(defined(body.secrets)) },
    });
    return toView(next, now);
  });
}

/** The gateway verification codes go out through now: the enabled one, when it is complete. */
export async function activeSmsProvider(deps: Deps): Promise<SmsProvider | null> {
  const row = await q.enabledSmsGateway(deps.db);
  if (!row) return null;
  const g = decode(deps, row);
  if (missingOf(g).length > 0) return null;
  return smsProviderFor(deps, g);
}
