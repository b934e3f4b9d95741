import type { KamengModule } from '../../platform/module.ts';
import { ledgerJobs } from './ledger.jobs.ts';
import { ledgerRoutes } from './ledger.routes.ts';

/** The double-entry book, escrow holds, settlement, commissions and withdrawals. */
export const ledgerModule: KamengModule = {
  name: 'ledger',
  routes: [{ plugin: ledgerRoutes }],
  jobs: ledgerJobs,
};
