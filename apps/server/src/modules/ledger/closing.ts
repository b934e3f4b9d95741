import type { Executor } from '../../platform/db/database.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/http/errors.ts';
import { walletAccount } from './account-ids.ts';
import { balanceCents } from './entries.ts';

// What the ledger says when a user asks for his data or closes his account (PIPL).

export async function walletOf(deps: Deps, userId: string): Promise<{ balanceCents: number }> {
  return { balanceCents: await balanceCents(deps.db, walletAccount(userId)) };
}

/** Money still in the wallet would be stranded in a closed account: spend or withdraw it first. */
export async function refuseClosingWithMoney(tx: Executor, userId: string): Promise<void> {
  const cents = await balanceCents(tx, walletAccount(userId));
  if (cents !== 0) {
    throw new AppError('UNPROCESSABLE', 'Your wallet still holds money; spend it or ask for a refund first', {
      reason: 'wallet_not_empty',
      balanceCents: cents,
    });
  }
}
