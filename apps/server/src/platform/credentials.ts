import { decrypt, deriveKey, encrypt } from './crypto.ts';
import { AppError } from './http/errors.ts';

/**
 * How credentials an operator types into the console are kept (SMS gateways, third-party sign-in apps):
 * settings in clear, secrets one AES-256-GCM blob under a key derived from the master key for `purpose`
 * and bound to the row, shown back by their last four characters only, and merged field by field so a
 * secret is sent once and never read back.
 */
export interface StoredCredentials {
  settings: Record<string, string>;
  secrets: Record<string, string>;
}

export function sealSecrets(masterKey: Buffer, purpose: string, row: string, secrets: Record<string, string>) {
  return Object.keys(secrets).length > 0
    ? encrypt(deriveKey(masterKey, purpose), JSON.stringify(secrets), `${purpose}:${row}`)
    : null;
}

export function openSecrets(masterKey: Buffer, purpose: string, row: string, sealed: string | null) {
  if (!sealed) return {};
  const plain = decrypt(deriveKey(masterKey, purpose), sealed, `${purpose}:${row}`).toString('utf8');
  return JSON.parse(plain) as Record<string, string>;
}

/** A secret is shown by its last four characters only; null when it is not set. */
export function maskSecret(v: string | undefined): string | null {
  return v ? `••••${v.slice(-4)}` : null;
}

export function maskAll(names: readonly string[], secrets: Record<string, string>): Record<string, string | null> {
  return Object.fromEntries(names.map((k) => [k, maskSecret(secrets[k])]));
}

/** `current` with the fields of `patch` that are set; absent fields keep their stored value. */
export function mergeCredentials(
  current: StoredCredentials,
  patch: {
    settings?: Record<string, string | undefined> | undefined;
    secrets?: Record<string, string | undefined> | undefined;
  },
): StoredCredentials {
  return {
    settings: { ...current.settings, ...defined(patch.settings) },
    secrets: { ...current.secrets, ...defined(patch.secrets) },
  };
}

export function defined(o: Record<string, string | undefined> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(o ?? {}).filter((e): e is [string, string] => e[1] !== undefined));
}

/** The required fields (settings or secrets) that are still empty. */
export function missingFields(required: readonly string[], c: StoredCredentials): string[] {
  return required.filter((k) => !c.settings[k] && !c.secrets[k]);
}

/** The row both kinds of operator-configured provider are stored in (one table each). */
export interface CredentialRow {
  provider: string;
  enabled: number;
  settings: string;
  secrets_enc: string | null;
  updated_by: string | null;
  created_at: number;
  updated_at: number;
}

export interface ConfiguredProvider<P extends string> extends StoredCredentials {
  provider: P;
  enabled: boolean;
}

export function decodeCredentialRow<P extends string>(
  masterKey: Buffer,
  purpose: string,
  row: CredentialRow,
): ConfiguredProvider<P> {
  return {
    provider: row.provider as P,
    enabled: row.enabled === 1,
    settings: JSON.parse(row.settings) as Record<string, string>,
    secrets: openSecrets(masterKey, purpose, row.provider, row.secrets_enc),
  };
}

export function encodeCredentialRow(
  masterKey: Buffer,
  purpose: string,
  c: ConfiguredProvider<string>,
  w: { by: string; createdAt: number; now: number },
): CredentialRow {
  return {
    provider: c.provider,
    enabled: c.enabled ? 1 : 0,
    settings: JSON.stringify(c.settings),
    secrets_enc: sealSecrets(masterKey, purpose, c.provider, c.secrets),
    updated_by: w.by,
    created_at: w.createdAt,
    updated_at: w.now,
  };
}

/**
 * What an operator's change makes of a stored provider: settings and secrets merged, the switch applied;
 * refused (UNPROCESSABLE, naming what is missing) when it would be enabled incomplete.
 */
export function nextCredentials<P extends string>(
  current: ConfiguredProvider<P>,
  body: {
    enabled?: boolean | undefined;
    settings?: Record<string, string | undefined> | undefined;
    secrets?: Record<string, string | undefined> | undefined;
  },
  required: readonly string[],
  what: string,
): ConfiguredProvider<P> {
  const next = { ...current, ...mergeCredentials(current, body), enabled: body.enabled ?? current.enabled };
  const missing = missingFields(required, next);
  if (next.enabled && missing.length > 0) {
    throw new AppError('UNPROCESSABLE', `${what} is incomplete and cannot be enabled`, {
      missing,
      issues: missing.map((m) => ({ path: [m], message: 'required to enable it' })),
    });
  }
  return next;
}
