import { masterKeyRotation } from '../../platform/master-key.ts';
import type { KamengModule } from '../../platform/module.ts';
import * as m0001 from './migrations/0001-foundation.ts';
import * as m0014 from './migrations/0014-identity.ts';
import * as m0018 from './migrations/0018-step-up.ts';
import { accountsRoutes } from './accounts.routes.ts';
import { oauthRoutes } from './oauth.routes.ts';
import { personalDataRoutes } from './personal-data.routes.ts';
import { supplierApplicationRoutes } from './supplier-applications.routes.ts';
import { rotateAccountSecrets } from './totp.ts';
import { usersRoutes } from './users.routes.ts';

/** Users, credentials, sessions, roles, two-factor sign-in, verification codes, third-party sign-in, supplier applications. */
export const accountsModule: KamengModule = {
  name: 'accounts',
  migrations: { '0001-foundation': m0001, '0014-identity': m0014, '0018-step-up': m0018 },
  install: (deps) => deps.hooks.on(masterKeyRotation, rotateAccountSecrets),
  routes: [
    { plugin: accountsRoutes },
    { plugin: oauthRoutes },
    { plugin: personalDataRoutes },
    { plugin: supplierApplicationRoutes },
    { plugin: usersRoutes },
  ],
};
