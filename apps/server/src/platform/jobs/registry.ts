import { catalogJobs } from '../../modules/catalog/catalog.jobs.ts';
import { ledgerJobs } from '../../modules/ledger/ledger.jobs.ts';
import { notifyJobs } from '../../modules/notify/notify.jobs.ts';
import { ordersJobs } from '../../modules/orders/orders.jobs.ts';
import { paymentsJobs } from '../../modules/payments/payments.jobs.ts';
import { vaultJobs } from '../../modules/vault/vault.jobs.ts';
import type { Deps } from '../deps.ts';
import type { JobDefinition } from './jobs.ts';

/** Every job definition the workers run; each module lists its own. */
export function jobDefinitions(deps: Deps): JobDefinition[] {
  return [
    ...catalogJobs(deps),
    ...vaultJobs(deps),
    ...ledgerJobs(deps),
    ...ordersJobs(deps),
    ...paymentsJobs(deps),
    ...notifyJobs(deps),
  ];
}
