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

export async function getSetting<K extends SettingKey>(db: Executor, key: K): Promise<(typeof SETTING_DEFAULTS)[K]> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
  return row ? (JSON.parse(row.value) as (typeof SETTING_DEFAULTS)[K]) : SETTING_DEFAULTS[key];
}

export async function setSetting<K extends SettingKey>(
  db: Executor,
  key: K,
  value: (typeof SETTING_DEFAULTS)[K],
  now: number,
): Promise<void> {
  await db
    .insertInto('settings')
    .values({ key, value: JSON.stringify(value), updated_at: now })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: JSON.stringify(value), updated_at: now }))
    .execute();
}
