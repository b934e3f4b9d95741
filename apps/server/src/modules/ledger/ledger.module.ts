import type { KamengModule } from '../../platform/module.ts';
import * as m0004 from './migrations/0004-ledger.ts';
import { ledgerJobs } from './ledger.jobs.ts';
import { ledgerRoutes } from './ledger.routes.ts';

/** The double-entry book, escrow holds, settlement, commissions and withdrawals. */
export const ledgerModule: KamengModule = {
  name: 'ledger',
  migrations: { '0004-ledger': m0004 },
  routes: [{ plugin: ledgerRoutes }],
  jobs: ledgerJobs,
};
