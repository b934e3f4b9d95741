import type { KamengModule } from '../../platform/module.ts';
import { settingsRoutes } from './settings.routes.ts';
import { systemRoutes } from './system.routes.ts';

/** Health, readiness and the operator's site settings. */
export const systemModule: KamengModule = {
  name: 'system',
  routes: [{ plugin: systemRoutes, prefix: '' }, { plugin: settingsRoutes }],
};
