import type { Executor } from './db/database.ts';

/** Operator-tunable settings with their defaults. Values are stored as JSON in the settings table. */
export const SETTING_DEFAULTS = {
  'orders.reservationMinutes': 15,
  'orders.confirmationWindowHours': 72,
  'orders.manualDeliveryHours': 24,
  'payments.sandboxEnabled': null as boolean | null,
  'withdrawals.secondApprovalAboveCents': 500_000,
  'disputes.supplierAnswerHours': 24,
  'disputes.buyerEscalateHours': 48,
  'disputes.arbitrationHours': 72,
  'disputes.lateClaimHours': 72,
  'disputes.unrevealedReturnHours': 24,
  'disputes.buyerFastTrackScore': 60,
  'disputes.supplierWarnScore': 40,
  'disputes.supplierDelayScore': 60,
  'disputes.supplierSuspendScore': 80,
  /** after a password (+ TOTP) confirmation, sensitive actions do not ask again for this long */
  'accounts.stepUpMinutes': 5,
  /**
   * The second factor sensitive actions (password change, payout-account change, a large withdrawal) ask for:
   * TOTP only, TOTP or an SMS code to the verified phone, or SMS first (TOTP for accounts without a verified phone)
   */
  'accounts.secondFactor': 'totp' as 'totp' | 'totp_or_sms' | 'sms',
  /** a withdrawal of at least this much needs a second factor confirmed within the step-up window */
  'withdrawals.stepUpAboveCents': 100_000,
  /** the platform's domain for 分站 subdomains; null: KAMENG_SITE_DOMAIN */
  'agents.siteDomain': null as string | null,
  /** how many levels of agents below the platform (a top agent is level 1) */
  'agents.maxDepth': 3 as number,
  /** the fee to open a 分站, paid through a payment channel; 0: none */
  'agents.openingFeeCents': 0 as number,
} as const;

export type SettingKey = keyof typeof SETTING_DEFAULTS;

/**
 * Settings are read by every purchase and change seldom: each process keeps what it read for
 * SETTINGS_TTL_MS, per database. A write drops the key at once in the writing process (and its transaction
 * reads its own value, uncached); other processes see it within the TTL.
 */
export const SETTINGS_TTL_MS = 1000;
const cache = new WeakMap<object, Map<string, { value: unknown; until: number }>>();
const writtenIn = new WeakMap<Executor, Set<string>>();

function cacheOf(db: Executor): Map<string, { value: unknown; until: number }> {
  const adapter = db.getExecutor().adapter;
  let byKey = cache.get(adapter);
  if (!byKey) {
    byKey = new Map();
    cache.set(adapter, byKey);
  }
  return byKey;
}

/** A setting's value; `fresh` reads the table (what an audit records as the value before a change). */
export async function getSetting<K extends SettingKey>(
  db: Executor,
  key: K,
  opts: { fresh?: boolean } = {},
): Promise<(typeof SETTING_DEFAULTS)[K]> {
  type V = (typeof SETTING_DEFAULTS)[K];
  const byKey = cacheOf(db);
  const ownWrite = writtenIn.get(db)?.has(key) ?? false;
  const hit = ownWrite || opts.fresh ? undefined : byKey.get(key);
  if (hit && hit.until > performance.now()) return hit.value as V;
  const row = await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
  const value = row ? (JSON.parse(row.value) as V) : SETTING_DEFAULTS[key];
  if (!ownWrite) byKey.set(key, { value, until: performance.now() + SETTINGS_TTL_MS });
  return value;
}

/** Drops what this process remembers of the settings (after a transaction that changed them commits). */
export function forgetSettings(db: Executor): void {
  cacheOf(db).clear();
}

export async function setSetting<K extends SettingKey>(
  db: Executor,
  key: K,
  value: (typeof SETTING_DEFAULTS)[K],
  now: number,
): Promise<void> {
  if (db.isTransaction) writtenIn.set(db, (writtenIn.get(db) ?? new Set()).add(key));
  cacheOf(db).delete(key);
  await db
    .insertInto('settings')
    .values({ key, value: JSON.stringify(value), updated_at: now })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: JSON.stringify(value), updated_at: now }))
    .execute();
}
