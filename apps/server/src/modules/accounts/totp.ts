import * as OTPAuth from 'otpauth';
import { decrypt, deriveKey, sha256Hex } from '../../platform/crypto.ts';
import type { Deps } from '../../platform/deps.ts';
import { type Rotation, reseal } from '../../platform/master-key.ts';
import * as q from './accounts.queries.ts';

// Checking a second-factor code (TOTP or a recovery code): sign-in, re-authentication and 2FA changes use it.

export function totpKey(deps: Deps): Buffer {
  return deriveKey(deps.config.masterKey, 'totp');
}

/** A master-key rotation: every TOTP secret and sign-in app secret sealed again under the new key. */
export async function rotateAccountSecrets(r: Rotation): Promise<void> {
  const users = await q.sealedTotpSecrets(r.tx);
  for (const u of users) {
    if (u.totp_secret_enc) await q.setTotpSecret(r.tx, u.id, reseal(r, 'totp', u.totp_secret_enc, u.id));
  }
  r.count('TOTP secrets', users.length);
  const apps = await q.sealedOauthApps(r.tx);
  for (const a of apps) {
    const purpose = 'oauth-apps';
    if (a.secrets_enc) {
      await q.setOauthAppSecrets(r.tx, a.provider, reseal(r, purpose, a.secrets_enc, `${purpose}:${a.provider}`));
    }
  }
  r.count('sign-in app secrets', apps.length);
}

/** Verifies a TOTP code (with replay protection) or spends a recovery code. */
export async function checkSecondFactor(deps: Deps, user: q.UserRow, code: string): Promise<boolean> {
  if (!user.totp_secret_enc) return false;
  const trimmed = code.replace(/\s+/g, '');
  if (/^\d{6}$/.test(trimmed)) {
    const secret = decrypt(totpKey(deps), user.totp_secret_enc, user.id).toString('utf8');
    const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), digits: 6, period: 30 });
    const now = deps.clock.now();
    const delta = totp.validate({ token: trimmed, timestamp: now, window: 1 });
    if (delta === null) return false;
    const step = Math.floor(now / 30_000) + delta;
    return q.advanceTotpStep(deps.db, user.id, step);
  }
  const normalized = trimmed.toLowerCase().replace(/-/g, '');
  return q.useRecoveryCode(deps.db, user.id, sha256Hex(`recovery:${normalized}`), deps.clock.now());
}
