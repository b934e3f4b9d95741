import { masterKeyRotation } from '../../platform/master-key.ts';
import type { KamengModule } from '../../platform/module.ts';
import * as m0016 from './migrations/0016-after-sales.ts';
import { accountClosing, personalDataSection } from '../accounts/accounts.hooks.ts';
import * as m0004 from './migrations/0004-ledger.ts';
import * as m0021 from './migrations/0021-agents.ts';
import { refuseClosingWithMoney, walletOf } from './closing.ts';
import { ledgerJobs } from './ledger.jobs.ts';
import { ledgerRoutes } from './ledger.routes.ts';
import { rotatePayoutAccounts } from './withdrawals.service.ts';

/** The double-entry book, escrow holds, settlement, commissions and withdrawals. */
export const ledgerModule: KamengModule = {
  name: 'ledger',
  migrations: { '0004-ledger': m0004, '0016-after-sales': m0016, '0021-agents': m0021 },
  routes: [{ plugin: ledgerRoutes }],
  jobs: ledgerJobs,
  install: (deps) => {
    // PIPL: the wallet in a user's data export; an account with money in it is not closed
    deps.hooks.provide(personalDataSection, (d, auth) => walletOf(d, auth.userId), 'wallet');
    deps.hooks.on(accountClosing, (tx, _d, userId) => refuseClosingWithMoney(tx, userId));
    deps.hooks.on(masterKeyRotation, rotatePayoutAccounts);
  },
};
