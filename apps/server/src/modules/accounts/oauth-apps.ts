import {
  OAUTH_APP_FIELDS,
  OAUTH_PROVIDERS,
  type OauthAppUpdateBody,
  type OauthAppViewDto,
  type OauthProvider,
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
  type StoredCredentials,
} from '../../platform/credentials.ts';
import type { Deps } from '../../platform/deps.ts';
import type { AuthContext } from '../../platform/http/auth.ts';
import type { RequestMeta } from '../../platform/http/route-helpers.ts';
import * as q from './accounts.queries.ts';
import { type OauthClient, oauthClientFor, sandboxClient } from './oauth-providers.ts';
import { requireRecentAuth } from './sessions.ts';

// The WeChat and QQ sign-in apps as operators configure them (app id and secret, the shop's address),
// kept like the payment channels: secret encrypted, shown masked, changed only after a fresh password.

const PURPOSE = 'oauth-apps';

type LoadedApp = ConfiguredProvider<OauthProvider>;

function decode(deps: Pick<Deps, 'config'>, row: q.OauthAppRow): LoadedApp {
  return decodeCredentialRow(deps.config.masterKey, PURPOSE, row);
}

const blank = (provider: OauthProvider): LoadedApp => ({ provider, enabled: false, settings: {}, secrets: {} });
const missingOf = (a: StoredCredentials) => missingFields(OAUTH_APP_FIELDS.required, a);

export function callbackPath(provider: OauthProvider): string {
  return `/api/v1/auth/oauth/${provider}/callback`;
}

function callbackUrl(a: LoadedApp): string | null {
  return a.settings.siteUrl ? `${a.settings.siteUrl.replace(/\/+$/, '')}${callbackPath(a.provider)}` : null;
}

function toView(a: LoadedApp, updatedAt: number | null): OauthAppViewDto {
  return {
    provider: a.provider,
    enabled: a.enabled,
    settings: a.settings,
    secrets: maskAll(Object.keys(OAUTH_APP_FIELDS.secrets.shape), a.secrets),
    missing: missingOf(a),
    callbackUrl: callbackUrl(a),
    updatedAt,
  };
}

export async function listOauthAppViews(deps: Deps): Promise<{ items: OauthAppViewDto[] }> {
  const rows = new Map((await q.listOauthApps(deps.db)).map((r) => [r.provider, r]));
  return {
    items: OAUTH_PROVIDERS.map((p) => {
      const row = rows.get(p);
      return toView(row ? decode(deps, row) : blank(p), row?.updated_at ?? null);
    }),
  };
}

export async function updateOauthApp(
  deps: Deps,
  auth: AuthContext,
  body: OauthAppUpdateBody,
  meta: RequestMeta,
): Promise<OauthAppViewDto> {
  // whoever can swap the app can sign in as anyone bound to it: a fresh password first
  if (body.secrets || body.settings) await requireRecentAuth(deps, auth);
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (tx) => {
    const row = await q.findOauthApp(tx, body.provider);
    const current = row ? decode(deps, row) : blank(body.provider);
    const next = nextCredentials(current, body, OAUTH_APP_FIELDS.required, `The ${body.provider} sign-in app`);
    await q.upsertOauthApp(
      tx,
      encodeCredentialRow(deps.config.masterKey, PURPOSE, next, {
        by: auth.userId,
        createdAt: row?.created_at ?? now,
        now,
      }),
    );
    await writeAudit(tx, deps, {
      actorId: auth.userId,
      action: 'oauth_app.update',
      objectType: 'oauth_app',
      objectId: body.provider,
      ip: meta.ip,
      details: { enabled: next.enabled, settings: next.settings, secretsChanged: Object.keys(defined(body.secrets)) },
    });
    return toView(next, now);
  });
}

export interface ActiveClient {
  client: OauthClient;
  /** where the provider sends the browser back */
  redirectUri: string;
}

/**
 * The client for a provider: the operator's app when it is enabled and complete; otherwise, in sandbox
 * mode, the built-in sandbox; otherwise none.
 */
export async function activeOauthClient(deps: Deps, provider: OauthProvider): Promise<ActiveClient | null> {
  const row = await q.findOauthApp(deps.db, provider);
  const app = row ? decode(deps, row) : null;
  if (app?.enabled && missingOf(app).length === 0) {
    const client = oauthClientFor(deps.log, provider, {
      appId: app.settings.appId!,
      appSecret: app.secrets.appSecret!,
      authorizeUrl: app.settings.authorizeUrl,
      apiBase: app.settings.apiBase,
    });
    return { client, redirectUri: callbackUrl(app)! };
  }
  if (deps.config.sandbox) {
    return { client: sandboxClient(deps.config.masterKey, provider), redirectUri: callbackPath(provider) };
  }
  return null;
}
