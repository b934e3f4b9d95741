import type { KamengModule } from '../platform/module.ts';
import { accountsModule } from './accounts/accounts.module.ts';
import { agentsModule } from './agents/agents.module.ts';
import { backupsModule } from './backups/backups.module.ts';
import { catalogModule } from './catalog/catalog.module.ts';
import { complianceModule } from './compliance/compliance.module.ts';
import { disputesModule } from './disputes/disputes.module.ts';
import { exportsModule } from './exports/exports.module.ts';
import { ledgerModule } from './ledger/ledger.module.ts';
import { membersModule } from './members/members.module.ts';
import { notifyModule } from './notify/notify.module.ts';
import { ordersModule } from './orders/orders.module.ts';
import { paymentsModule } from './payments/payments.module.ts';
import { siteModule } from './site/site.module.ts';
import { systemModule } from './system/system.module.ts';
import { vaultModule } from './vault/vault.module.ts';

/**
 * Every module, lowest first: a module imports only modules before it in this list (checked by
 * test/architecture.test.ts), and reaches a higher one only through the hooks it defines.
 */
export const MODULES: readonly KamengModule[] = [
  systemModule,
  siteModule,
  accountsModule,
  notifyModule,
  catalogModule,
  vaultModule,
  ledgerModule,
  paymentsModule,
  membersModule,
  agentsModule,
  ordersModule,
  disputesModule,
  complianceModule,
  exportsModule,
  backupsModule,
];
