import { masterKeyRotation } from '../../platform/master-key.ts';
import type { KamengModule } from '../../platform/module.ts';
import { smsGatewayHook } from '../../platform/sender.ts';
import { accountClosing, personalDataSection } from '../accounts/accounts.hooks.ts';
import * as m0007 from './migrations/0007-vault-imports.ts';
import * as m0014 from './migrations/0014-identity.ts';
import { notifyJobs } from './notify.jobs.ts';
import { notifyRoutes } from './notify.routes.ts';
import { rotateSmsGatewaySecrets } from './notify.sms-gateways.ts';
import { activeSmsProvider, forgetNotices, noticesOf } from './notify.service.ts';

/** In-site notices and the email that follows them; the SMS gateways operators configure. */
export const notifyModule: KamengModule = {
  name: 'notify',
  migrations: { '0007-vault-imports': m0007, '0014-identity': m0014 },
  routes: [{ plugin: notifyRoutes }],
  jobs: notifyJobs,
  install: (deps) => {
    deps.hooks.provide(smsGatewayHook, () => activeSmsProvider(deps));
    deps.hooks.provide(personalDataSection, (d, auth) => noticesOf(d, auth.userId), 'notices');
    deps.hooks.on(accountClosing, (tx, _d, userId) => forgetNotices(tx, userId));
    deps.hooks.on(masterKeyRotation, rotateSmsGatewaySecrets);
  },
};
