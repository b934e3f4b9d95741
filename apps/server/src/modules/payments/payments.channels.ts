import {
  CHANNEL_IDS,
  CHANNEL_SCENES,
  type ChannelUpdateBody,
  type ChannelViewDto,
  channelOf,
  isChannelId,
} from '@kameng/contracts';
import { writeAudit } from '../../platform/audit.ts';
import { decrypt, deriveKey, encrypt } from '../../platform/crypto.ts';
import type { Executor } from '../../platform/db/database.ts';
import type { Deps } from '../../platform/deps.ts';
import type { AuthContext } from '../../platform/http/auth.ts';
import { AppError } from '../../platform/http/errors.ts';
import { type Rotation, reseal } from '../../platform/master-key.ts';
import { type RequestMeta, requireRecentAuth } from '../accounts/accounts.service.ts';
import * as q from './payments.queries.ts';
import type { ChannelProvider } from './payments.tables.ts';
import type { Channel, ProviderAdapter } from './providers/provider.ts';
import { PROVIDER_DEFINITIONS } from './providers/registry.ts';

export const CHANNEL_PROVIDERS: readonly ChannelProvider[] = CHANNEL_IDS;

export function isChannelProvider(p: string): p is ChannelProvider {
  return isChannelId(p);
}

const adapterCache = new WeakMap<Deps, Record<ChannelProvider, ProviderAdapter>>();

/** The adapters of one runtime: built once, bound to its clock. */
export function adapters(deps: Deps): Record<ChannelProvider, ProviderAdapter> {
  let a = adapterCache.get(deps);
  if (!a) {
    a = Object.fromEntries(PROVIDER_DEFINITIONS.map((d) => [d.channel.id, d.createAdapter(deps)])) as Record<
      ChannelProvider,
      ProviderAdapter
    >;
    adapterCache.set(deps, a);
  }
  return a;
}

function channelKey(deps: Pick<Deps, 'config'>): Buffer {
  return deriveKey(deps.config.masterKey, 'payment-channels');
}

/** A master-key rotation: every channel's secrets sealed again under the new key. */
export async function rotateChannelSecrets(r: Rotation): Promise<void> {
  const rows = await q.sealedChannels(r.tx);
  for (const c of rows) {
    if (c.secrets_enc) {
      await q.setChannelSecrets(
        r.tx,
        c.provider,
        reseal(r, 'payment-channels', c.secrets_enc, `channel:${c.provider}`),
      );
    }
  }
  r.count('payment channel secrets', rows.length);
}

export interface LoadedChannel extends Channel {
  enabled: boolean;
  methods: string[];
  feeBps: number;
  siteUrl: string | null;
}

function decode(deps: Pick<Deps, 'config'>, row: q.ChannelRow): LoadedChannel {
  const settings = JSON.parse(row.settings) as Record<string, unknown>;
  const secrets = row.secrets_enc
    ? (JSON.parse(decrypt(channelKey(deps), row.secrets_enc, `channel:${row.provider}`).toString('utf8')) as Record<
        string,
        unknown
      >)
    : {};
  const { siteUrl, ...rest } = settings;
  return {
    provider: row.provider,
    environment: row.environment,
    enabled: row.enabled === 1,
    methods: JSON.parse(row.methods) as string[],
    feeBps: row.fee_bps,
    siteUrl: typeof siteUrl === 'string' ? siteUrl : null,
    settings: rest,
    secrets,
  };
}

/** The channel with its secrets decrypted, or null when the operator never configured it. */
export async function loadChannel(deps: Deps, provider: ChannelProvider, db: Executor = deps.db) {
  const row = await q.findChannel(db, provider);
  return row ? decode(deps, row) : null;
}

export function missingFor(deps: Deps, c: LoadedChannel): string[] {
  const out = adapters(deps)[c.provider].missing(c);
  if (!c.siteUrl) out.unshift('siteUrl');
  if (c.methods.length === 0) out.push('methods');
  return out;
}

/** A channel buyers can use: enabled, and complete (enabling refuses an incomplete one, but keys may be cleared). */
export async function usableChannel(deps: Deps, provider: ChannelProvider): Promise<LoadedChannel | null> {
  const c = await loadChannel(deps, provider);
  if (!c?.enabled || missingFor(deps, c).length > 0) return null;
  return c;
}

export function notifyUrl(c: Pick<LoadedChannel, 'provider' | 'siteUrl'>): string {
  return `${(c.siteUrl ?? '').replace(/\/+$/, '')}/api/v1/payments/notify/${c.provider}`;
}

/** The secrets a channel keeps, by name: the keys of its secrets schema. */
function secretNames(provider: ChannelProvider): string[] {
  return Object.keys(channelOf(provider).secrets.shape);
}

/** A secret is shown by its last four characters only. */
function mask(v: unknown): string | null {
  if (typeof v !== 'string' || v.length === 0) return null;
  const body = v.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');
  return `••••${body.slice(-4)}`;
}

function toView(deps: Deps, c: LoadedChannel, updatedAt: number | null): ChannelViewDto {
  return {
    provider: c.provider,
    enabled: c.enabled,
    environment: c.environment,
    methods: c.methods as ChannelViewDto['methods'],
    feeBps: c.feeBps,
    siteUrl: c.siteUrl,
    settings: c.settings,
    secrets: Object.fromEntries(secretNames(c.provider).map((k) => [k, mask(c.secrets[k])])),
    missing: missingFor(deps, c),
    notifyUrl: notifyUrl(c),
    updatedAt,
  };
}

function blank(provider: ChannelProvider): LoadedChannel {
  return {
    provider,
    environment: 'production',
    enabled: false,
    methods: [],
    feeBps: 0,
    siteUrl: null,
    settings: {},
    secrets: {},
  };
}

export async function listChannelViews(deps: Deps): Promise<{ items: ChannelViewDto[] }> {
  const rows = new Map((await q.listChannels(deps.db)).map((r) => [r.provider, r]));
  return {
    items: CHANNEL_PROVIDERS.map((p) => {
      const row = rows.get(p);
      return toView(deps, row ? decode(deps, row) : blank(p), row?.updated_at ?? null);
    }),
  };
}

const dropUndefined = (o: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

/**
 * Writes a channel. Settings and secrets merge into what is stored, so a secret is sent once and never
 * read back; a channel whose credentials are incomplete cannot be enabled.
 */
export async function updateChannel(
  deps: Deps,
  auth: AuthContext,
  body: ChannelUpdateBody,
  meta: RequestMeta,
): Promise<ChannelViewDto> {
  // whoever can swap a verification key can forge payments: key and credential changes need a fresh password
  if (body.secrets || body.settings) await requireRecentAuth(deps, auth);
  const provider = body.provider;
  const allowed: readonly string[] = CHANNEL_SCENES[provider];
  const bad = (body.methods ?? []).filter((m) => !allowed.includes(m));
  if (bad.length > 0) {
    throw new AppError('VALIDATION_FAILED', `${provider} offers ${allowed.join(', ')}`, {
      issues: [{ path: ['methods'], message: `not a ${provider} method: ${bad.join(', ')}` }],
    });
  }
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (tx) => {
    const row = await q.findChannel(tx, provider);
    const current = row ? decode(deps, row) : blank(provider);
    const next: LoadedChannel = {
      ...current,
      environment: body.environment ?? current.environment,
      enabled: body.enabled ?? current.enabled,
      methods: body.methods ? [...new Set(body.methods)] : current.methods,
      feeBps: body.feeBps ?? current.feeBps,
      siteUrl: body.siteUrl ?? current.siteUrl,
      settings: { ...current.settings, ...dropUndefined(body.settings ?? {}) },
      secrets: { ...current.secrets, ...dropUndefined(body.secrets ?? {}) },
    };
    const missing = missingFor(deps, next);
    if (next.enabled && missing.length > 0) {
      throw new AppError('UNPROCESSABLE', `The ${provider} channel is incomplete and cannot be enabled`, {
        missing,
        issues: missing.map((m) => ({ path: m.split('.'), message: 'required to enable the channel' })),
      });
    }
    await q.upsertChannel(tx, {
      provider,
      enabled: next.enabled ? 1 : 0,
      environment: next.environment,
      methods: JSON.stringify(next.methods),
      fee_bps: next.feeBps,
      settings: JSON.stringify({ ...next.settings, ...(next.siteUrl ? { siteUrl: next.siteUrl } : {}) }),
      secrets_enc:
        Object.keys(next.secrets).length > 0
          ? encrypt(channelKey(deps), JSON.stringify(next.secrets), `channel:${provider}`)
          : null,
      updated_by: auth.userId,
      created_at: row?.created_at ?? now,
      updated_at: now,
    });
    await writeAudit(tx, deps, {
      actorId: auth.userId,
      action: 'payment_channel.update',
      objectType: 'payment_channel',
      objectId: provider,
      ip: meta.ip,
      // which secrets changed is recorded, never their values
      details: {
        enabled: next.enabled,
        environment: next.environment,
        methods: next.methods,
        feeBps: next.feeBps,
        secretsChanged: Object.keys(body.secrets ?? {}),
      },
    });
    return toView(deps, next, now);
  });
}
