import type { Deps } from '../../platform/deps.ts';
import { defineHook } from '../../platform/hooks.ts';

/** An agent's 分站 branding, answered by GET /site on his Host in place of the platform's name and logo. */
export interface SiteOverlay {
  siteName: string;
  logoUrl: string | null;
  notice: string | null;
  contact: string | null;
  carousel: Array<{ imageUrl: string; link?: string | null | undefined }>;
}

/**
 * Which 分站 a request's Host is (agents, a module above site, decides); null: the platform's own site.
 * Optional: without a provider every host is the platform's.
 */
export const siteOverlay = defineHook<(deps: Deps, host: string | undefined) => Promise<SiteOverlay | null>>(
  'site.overlay',
  { required: false },
);
