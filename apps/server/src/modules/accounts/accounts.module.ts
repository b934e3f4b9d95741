import type { KamengModule } from '../../platform/module.ts';
import { accountsRoutes } from './accounts.routes.ts';
import { supplierApplicationRoutes } from './supplier-applications.routes.ts';
import { usersRoutes } from './users.routes.ts';

/** Users, credentials, sessions, roles, two-factor sign-in, verification codes, supplier applications. */
export const accountsModule: KamengModule = {
  name: 'accounts',
  routes: [{ plugin: accountsRoutes }, { plugin: supplierApplicationRoutes }, { plugin: usersRoutes }],
};
