import type { AgentLink } from '@kameng/contracts';
import type { Executor } from '../../platform/db/database.ts';
import type { Deps } from '../../platform/deps.ts';
import { getSetting } from '../../platform/settings.ts';
import { categoryPath } from '../catalog/catalog.service.ts';
import * as q from './agents.queries.ts';
import type { AgentMarkupsTable } from './agents.tables.ts';

/** An approved agent's 分站, as a request on its Host sees it. */
export interface AgentSite {
  /** `agt_…` */
  id: string;
  /** the agent's user id: his ledger accounts, his links in a chain */
  userId: string;
  siteName: string;
  subdomain: string;
  depth: number;
  logoUrl: string | null;
  notice: string | null;
  contact: string | null;
  carousel: Array<{ imageUrl: string; link?: string | null | undefined }>;
}

export async function siteDomain(deps: Pick<Deps, 'config'>, db: Executor): Promise<string> {
  return (await getSetting(db, 'agents.siteDomain')) ?? deps.config.siteDomain;
}

export function toSite(r: q.AgentRow): AgentSite {
  return {
    id: r.id,
    userId: r.user_id,
    siteName: r.site_name,
    subdomain: r.subdomain,
    depth: r.depth,
    logoUrl: r.logo_url,
    notice: r.notice,
    contact: r.contact,
    carousel: JSON.parse(r.carousel) as AgentSite['carousel'],
  };
}

/**
 * Resolved hosts, per database, for a few seconds: every catalog page and order asks, and the answer only
 * changes when an operator or an agent changes a site (`forgetSites`, in this process; other processes see
 * it within SITE_CACHE_MS). Bounded, since the Host header is the client's.
 */
const SITE_CACHE_MS = 5_000;
const SITE_CACHE_MAX = 1_000;
const siteCache = new WeakMap<object, Map<string, { site: AgentSite | null; until: number }>>();

/** Drops this process's resolved hosts: call after a change to an agent's status, domain or branding. */
export function forgetSites(deps: Pick<Deps, 'db'>): void {
  siteCache.delete(deps.db);
}

/**
 * The site a request is for, from its Host alone: `<label>.<platform domain>` of an approved agent, or an
 * approved custom domain; anything else (unknown, pending, rejected, malformed, an IP address) is the main
 * site (null). Nothing here redirects; the host only chooses whose prices and branding answer.
 */
export async function resolveSite(deps: Deps, host: string | undefined): Promise<AgentSite | null> {
  if (!host) return null;
  const name = host.trim().toLowerCase().replace(/:\d+$/, '').replace(/\.$/, '');
  if (name.length === 0 || name.length > 253 || !/^[a-z0-9.-]+$/.test(name)) return null;
  // an address or localhost is never a 分站 (custom domains are names)
  if (name === 'localhost' || /^\d{1,3}(\.\d{1,3}){3}$/.test(name)) return null;
  let cache = siteCache.get(deps.db);
  if (!cache) {
    cache = new Map();
    siteCache.set(deps.db, cache);
  }
  const now = performance.now();
  const hit = cache.get(name);
  if (hit && hit.until > now) return hit.site;
  const site = await lookUpSite(deps, name);
  if (cache.size >= SITE_CACHE_MAX) cache.clear();
  cache.set(name, { site, until: now + SITE_CACHE_MS });
  return site;
}

async function lookUpSite(deps: Deps, name: string): Promise<AgentSite | null> {
  const db = deps.readDb;
  const domain = await siteDomain(deps, db);
  let row: q.AgentRow | undefined;
  if (name.endsWith(`.${domain}`)) {
    const label = name.slice(0, -(domain.length + 1));
    if (label.includes('.')) return null;
    row = await q.agentBySubdomain(db, label);
  } else if (name !== domain) {
    row = await q.agentByDomain(db, name);
    if (row && row.custom_domain_status !== 'approved') return null;
  }
  return row?.status === 'approved' ? toSite(row) : null;
}

/** The agents from the top (under the platform) down to this one, each an approved agent. */
export async function ancestry(db: Executor, agentUserId: string): Promise<q.AgentRow[]> {
  const out: q.AgentRow[] = [];
  let id: string | null = agentUserId;
  while (id !== null && out.length < 16) {
    const row = await q.agentOfUser(db, id);
    if (row?.status !== 'approved') return [];
    out.unshift(row);
    id = row.parent_user_id;
  }
  return out;
}

function markupFor(
  agent: q.AgentRow,
  rows: readonly AgentMarkupsTable[],
  productId: string,
  path: readonly string[],
): { markupBps: number; markupCents: number } {
  const own = rows.filter((r) => r.agent_user_id === agent.user_id);
  const byProduct = own.find((r) => r.scope === 'product' && r.scope_id === productId);
  if (byProduct) return { markupBps: byProduct.markup_bps, markupCents: byProduct.markup_cents };
  for (const c of path) {
    const byCat = own.find((r) => r.scope === 'category' && r.scope_id === c);
    if (byCat) return { markupBps: byCat.markup_bps, markupCents: byCat.markup_cents };
  }
  return { markupBps: agent.markup_bps, markupCents: agent.markup_cents };
}

/** Whether the agent chose this product: he sells everything until he picks products or categories. */
function sells(agentUserId: string, rows: readonly AgentMarkupsTable[], productId: string, path: readonly string[]) {
  const own = rows.filter((r) => r.agent_user_id === agentUserId);
  if (own.length === 0) return true;
  return own.some(
    (r) => (r.scope === 'product' && r.scope_id === productId) || (r.scope === 'category' && path.includes(r.scope_id)),
  );
}

export interface SiteChain {
  chain: AgentLink[];
  /** the agent directly under the platform: his platform terms price the chain */
  topAgentId: string;
  /** 密价 the site's agent granted this buyer */
  agentUserPriceCents?: number | undefined;
}

/**
 * For each product the site's agent sells: the chain of agents from the top down to him with each one's
 * markup (product over category over his site default) and the buyer's 密价 there. A product he does not
 * sell is missing from the map.
 */
/**
 * The agents above a site and their markups, kept with the resolved site object (resolveSite's cache): it
 * lives as long as that entry, and any change to a site, a markup or an agent's status (`forgetSites`) makes
 * new site objects, so a purchase on a 分站 does not read the chain again within those few seconds.
 */
const chainCache = new WeakMap<AgentSite, { agents: q.AgentRow[]; rows: AgentMarkupsTable[] }>();

async function chainOf(db: Executor, siteAgentUserId: string, site: AgentSite | undefined) {
  const hit = site?.userId === siteAgentUserId ? chainCache.get(site) : undefined;
  if (hit) return hit;
  const agents = await ancestry(db, siteAgentUserId);
  const rows =
    agents.length === 0
      ? []
      : await q.markupsOf(
          db,
          agents.map((a) => a.user_id),
        );
  const chain = { agents, rows };
  if (site?.userId === siteAgentUserId) chainCache.set(site, chain);
  return chain;
}

export async function siteChainFor(
  db: Executor,
  siteAgentUserId: string,
  products: ReadonlyArray<{ id: string; categoryId: string }>,
  buyerId?: string | null,
  site?: AgentSite,
): Promise<Map<string, SiteChain>> {
  const out = new Map<string, SiteChain>();
  const { agents, rows } = await chainOf(db, siteAgentUserId, site);
  if (agents.length === 0) return out;
  const granted = buyerId
    ? await q.userPricesOf(
        db,
        siteAgentUserId,
        buyerId,
        products.map((p) => p.id),
      )
    : new Map<string, number>();
  const paths = new Map<string, string[]>();
  for (const p of products) {
    let path = paths.get(p.categoryId);
    if (!path) {
      path = await categoryPath(db, p.categoryId);
      paths.set(p.categoryId, path);
    }
    if (!agents.every((a) => sells(a.user_id, rows, p.id, path))) continue;
    out.set(p.id, {
      chain: agents.map((a) => ({ agentId: a.user_id, ...markupFor(a, rows, p.id, path) })),
      topAgentId: agents[0]!.user_id,
      agentUserPriceCents: granted.get(p.id),
    });
  }
  return out;
}

/** The site module's overlay hook: an agent's branding on his Host, null elsewhere. */
export async function siteBranding(deps: Deps, host: string | undefined) {
  const s = await resolveSite(deps, host);
  if (!s) return null;
  return { siteName: s.siteName, logoUrl: s.logoUrl, notice: s.notice, contact: s.contact, carousel: s.carousel };
}
