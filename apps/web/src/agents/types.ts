import type { agentSiteSchema } from '@kameng/contracts';
import type { z } from 'zod';

/** GET /agent/site */
export type AgentSiteDto = z.infer<typeof agentSiteSchema>;

/** GET /agent/balance */
export interface AgentBalance {
  availableCents: number;
  heldCents: number;
  withdrawingCents: number;
}

/** One row of GET /agent/orders */
export interface AgentOrder {
  orderId: string;
  status: string;
  amountCents: number;
  marginCents: number;
  onMySite: boolean;
  createdAt: number;
}

/** One row of GET /agent/site/markups */
export interface MarkupItem {
  productId?: string;
  categoryId?: string;
  markupBps: number;
  markupCents: number;
}

/** The agent's own site's address, as a link a browser opens (the scheme and port of this page). */
export function siteUrl(host: string): string {
  return `${location.protocol}//${host}${location.port ? `:${location.port}` : ''}/`;
}

/** A markup typed as a percent (two decimals at most, up to 1000%) → basis points. */
export function pctToBps(pct: number | null | undefined): number {
  return pct === null || pct === undefined || !Number.isFinite(pct) ? 0 : Math.round(pct * 100);
}

/** A markup in words: `10% + ¥1.00`, `10%`, `¥1.00` or `0%`. */
export function markupText(m: { markupBps: number; markupCents: number }, yuan: (c: number) => string): string {
  const parts = [m.markupBps > 0 ? `${m.markupBps / 100}%` : null, m.markupCents > 0 ? yuan(m.markupCents) : null];
  const shown = parts.filter((x): x is string => x !== null);
  return shown.length ? shown.join(' + ') : '0%';
}
