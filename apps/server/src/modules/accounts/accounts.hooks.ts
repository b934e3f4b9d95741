/**
 * What the accounts module asks of the modules that keep a user's data (PIPL 个人信息保护法): their part of
 * the user's export, and their say when the user closes the account.
 */
import type { Executor } from '../../platform/db/database.ts';
import type { Deps } from '../../platform/deps.ts';
import type { AuthContext } from '../../platform/http/auth.ts';
import { defineEvent, defineHook } from '../../platform/hooks.ts';

/** A module's section of `GET /me/export`, keyed by the section's name (orders, wallet, notices …). */
export const personalDataSection = defineHook<(deps: Deps, auth: AuthContext) => Promise<unknown>>(
  'accounts.personalData',
  { required: false },
);

/**
 * The account is being closed, inside the closing transaction: a listener refuses by throwing (money still
 * in a wallet) or blanks the personal data it keeps and the law does not require.
 */
export const accountClosing = defineEvent<[tx: Executor, deps: Deps, userId: string]>('accounts.closing');
