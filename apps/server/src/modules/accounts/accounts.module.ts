import type { KamengModule } from '../../platform/module.ts';
import * as m0001 from './migrations/0001-foundation.ts';
import { accountsRoutes } from './accounts.routes.ts';
import { supplierApplicationRoutes } from './supplier-applications.routes.ts';
import { usersRoutes } from './users.routes.ts';

/** Users, credentials, sessions, roles, two-factor sign-in, verification codes, supplier applications. */
export const accountsModule: KamengModule = {
  name: 'accounts',
  migrations: { '0001-foundation': m0001 },
  routes: [{ plugin: accountsRoutes }, { plugin: supplierApplicationRoutes }, { plugin: usersRoutes }],
};
