import {
  type AnnouncementDto,
  type SiteSettingsAdminDto,
  type SiteSettingsDto,
  type SiteSettingsInput,
  siteSettingsInputSchema,
} from '@kameng/contracts';
import { z } from 'zod';
import { writeAudit } from '../../platform/audit.ts';
import type { Deps } from '../../platform/deps.ts';
import type { AuthContext } from '../../platform/http/auth.ts';
import type { RequestMeta } from '../../platform/http/route-helpers.ts';
import * as q from './site.queries.ts';

/** Every page load asks for the settings: each process keeps them this long (an edit shows everywhere after it). */
const CACHE_MS = 5_000;

/** The stored document: the input after its defaults, every announcement dated. */
const storedSchema = z.object({
  name: z.string(),
  description: z.string().nullable(),
  logoUrl: z.string().nullable(),
  icp: z.string().nullable(),
  psbRecord: z.string().nullable(),
  support: z.object({
    qq: z.string().nullable(),
    wechat: z.string().nullable(),
    url: z.string().nullable(),
    hours: z.string().nullable(),
  }),
  announcements: z.array(
    z.object({ title: z.string(), body: z.string(), pinned: z.boolean(), publishedAt: z.number() }),
  ),
  terms: z.string(),
  privacy: z.string(),
});
type Stored = z.infer<typeof storedSchema>;

/** What a shop that nobody has set up yet shows. */
const DEFAULTS: Stored = {
  name: '卡盟 Kameng',
  description: null,
  logoUrl: null,
  icp: null,
  psbRecord: null,
  support: { qq: null, wechat: null, url: null, hours: null },
  announcements: [],
  terms: '',
  privacy: '',
};

const cache = new WeakMap<Deps, { at: number; value: SiteSettingsAdminDto }>();

function order(list: AnnouncementDto[]): AnnouncementDto[] {
  return [...list].sort((a, b) => Number(b.pinned) - Number(a.pinned) || b.publishedAt - a.publishedAt);
}

function toAdmin(s: Stored, updatedAt: number | null): SiteSettingsAdminDto {
  const psbCode = s.psbRecord?.match(/\d{6,}/)?.[0] ?? null;
  return {
    ...s,
    psbCode,
    announcements: order(s.announcements),
    hasTerms: s.terms !== '',
    hasPrivacy: s.privacy !== '',
    updatedAt,
  };
}

/** The settings with terms and privacy (operators, and the pages that show them). */
export async function siteSettingsFull(deps: Deps): Promise<SiteSettingsAdminDto> {
  const hit = cache.get(deps);
  const now = deps.clock.now();
  if (hit && now - hit.at < CACHE_MS) return hit.value;
  const row = await q.readSettingsRow(deps.readDb);
  const stored = row ? { ...DEFAULTS, ...storedSchema.partial().parse(JSON.parse(row.data)) } : DEFAULTS;
  const value = toAdmin(stored, row ? Number(row.updated_at) : null);
  cache.set(deps, { at: now, value });
  return value;
}

/** What every visitor sees: the settings without the long pages. */
export async function siteSettings(deps: Deps): Promise<SiteSettingsDto> {
  const { terms: _terms, privacy: _privacy, ...rest } = await siteSettingsFull(deps);
  return rest;
}

/** Replaces the whole document (an operator's edit), audited with what changed. */
export async function replaceSiteSettings(
  deps: Deps,
  auth: AuthContext,
  input: SiteSettingsInput,
  meta: RequestMeta,
): Promise<SiteSettingsAdminDto> {
  const parsed = siteSettingsInputSchema.parse(input);
  const now = deps.clock.now();
  const next: Stored = {
    ...parsed,
    announcements: parsed.announcements.map((a) => ({ ...a, publishedAt: a.publishedAt ?? now })),
  };
  await deps.db.transaction().execute(async (tx) => {
    const before = await q.readSettingsRow(tx);
    const prev = before ? (JSON.parse(before.data) as Partial<Stored>) : {};
    const changed = (Object.keys(next) as (keyof Stored)[]).filter(
      (k) => JSON.stringify(prev[k] ?? DEFAULTS[k]) !== JSON.stringify(next[k]),
    );
    await q.writeSettingsRow(tx, JSON.stringify(next), auth.userId, now);
    await writeAudit(tx, deps, {
      actorId: auth.userId,
      action: 'site.settings.change',
      objectType: 'site',
      objectId: 'site',
      ip: meta.ip,
      details: { changed },
    });
  });
  // a replica may not have the write yet: the answer (and this process's cache) come from what was written
  const value = toAdmin(next, now);
  cache.set(deps, { at: deps.clock.now(), value });
  return value;
}
