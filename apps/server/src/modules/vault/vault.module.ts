import { masterKeyRotation } from '../../platform/master-key.ts';
import type { KamengModule } from '../../platform/module.ts';
import * as m0003 from './migrations/0003-vault.ts';
import * as m0007 from './migrations/0007-vault-imports.ts';
import * as m0012 from './migrations/0012-key-reveals.ts';
import * as m0015 from './migrations/0015-idempotency-and-export-indexes.ts';
import * as m0019 from './migrations/0019-key-stock.ts';
import { stockCounts } from '../catalog/catalog.service.ts';
import { rotateVaultKeys } from './vault.data-keys.ts';
import { availableCounts } from './vault.stock.ts';
import { vaultMetrics } from './vault.metrics.ts';
import { vaultJobs } from './vault.jobs.ts';
import { vaultRoutes } from './vault.routes.ts';

/** Card keys: encrypted imports, allocation, reveal. */
export const vaultModule: KamengModule = {
  name: 'vault',
  migrations: {
    '0003-vault': m0003,
    '0007-vault-imports': m0007,
    '0012-key-reveals': m0012,
    '0015-idempotency-and-export-indexes': m0015,
    '0019-key-stock': m0019,
  },
  routes: [{ plugin: vaultRoutes }],
  jobs: vaultJobs,
  metrics: vaultMetrics,
  install: (deps) => {
    deps.hooks.provide(stockCounts, availableCounts);
    deps.hooks.on(masterKeyRotation, rotateVaultKeys);
  },
};
