import type { Millis } from '../../platform/db/schema.ts';

/** The site's settings: one row (id 'site') holding the whole document as JSON (site.settings.ts). */
export interface SiteSettingsTable {
  id: string;
  data: string;
  updated_by: string | null;
  updated_at: Millis;
}

export interface SiteTables {
  site_settings: SiteSettingsTable;
}

declare module '../../platform/db/schema.ts' {
  interface DB extends SiteTables {}
}
