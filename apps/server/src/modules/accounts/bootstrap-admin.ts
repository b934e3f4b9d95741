import { hash as bcryptHash } from '@node-rs/bcrypt';
import { writeAudit } from '../../platform/audit.ts';
import { newId } from '../../platform/clock.ts';
import { newToken } from '../../platform/crypto.ts';
import type { Deps } from '../../platform/deps.ts';
import * as q from './accounts.queries.ts';

/** Creates the first admin on first start: from the environment, or with a random password printed once. */
export async function ensureBootstrapAdmin(
  deps: Deps,
): Promise<{ created: boolean; email?: string; password?: string }> {
  if (await q.anyUserWithRole(deps.db, 'admin')) return { created: false };
  const email = deps.config.adminEmail ?? 'admin@kameng.local';
  const generated = deps.config.adminPassword ? undefined : newToken(deps.random, 12);
  const password = deps.config.adminPassword ?? generated!;
  const hash = await bcryptHash(password, deps.config.bcryptCost);
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (tx) => {
    let user = await q.findUserByLogin(tx, { email });
    if (!user) {
      const id = newId('usr', deps.clock, deps.random);
      user = {
        id,
        email,
        phone: null,
        password_hash: hash,
        status: 'active',
        email_verified_at: now,
        phone_verified_at: null,
        totp_secret_enc: null,
        totp_enabled_at: null,
        totp_last_step: null,
        password_changed_at: now,
        created_at: now,
        updated_at: now,
      };
      await q.insertUser(tx, user);
    } else {
      await q.updateUser(tx, user.id, { password_hash: hash, password_changed_at: now, updated_at: now });
    }
    for (const r of ['buyer', 'operator', 'admin'] as const) await q.grantRole(tx, user.id, r, null, now);
    await writeAudit(tx, deps, {
      actorId: null,
      action: 'user.bootstrap_admin',
      objectType: 'user',
      objectId: user.id,
    });
  });
  return generated ? { created: true, email, password: generated } : { created: true, email };
}
