import type { AgentSite as AgentSiteDto } from './agents.sites.ts';
import type { Deps } from '../../platform/deps.ts';
import type { AuthContext } from '../../platform/http/auth.ts';
import { AppError } from '../../platform/http/errors.ts';
import { maskEmail, maskPhone } from '../../platform/mask.ts';
import type { Executor } from '../../platform/db/database.ts';
import { agentAccounts, balanceCents } from '../ledger/ledger.service.ts';
import { getProductsForOrder } from '../catalog/catalog.service.ts';
import * as q from './agents.queries.ts';
import { forgetSites, siteDomain } from './agents.sites.ts';

/** The caller's approved agent row; anyone else gets 404 (no 分站 to speak of). */
export async function myAgent(db: Executor, auth: AuthContext): Promise<q.AgentRow> {
  const r = await q.agentOfUser(db, auth.userId);
  if (r?.status !== 'approved') throw new AppError('NOT_FOUND', 'You have no 分站');
  return r;
}

export async function mySite(deps: Deps, auth: AuthContext) {
  const r = await myAgent(deps.db, auth);
  return {
    id: r.id,
    siteName: r.site_name,
    subdomain: r.subdomain,
    host: `${r.subdomain}.${await siteDomain(deps, deps.db)}`,
    logoUrl: r.logo_url,
    notice: r.notice,
    contact: r.contact,
    carousel: JSON.parse(r.carousel) as AgentSiteDto['carousel'],
    markupBps: r.markup_bps,
    markupCents: r.markup_cents,
    customDomain: r.custom_domain,
    customDomainStatus: r.custom_domain_status,
    depth: r.depth,
    status: r.status,
  };
}

export async function updateMySite(
  deps: Deps,
  auth: AuthContext,
  body: {
    siteName: string;
    logoUrl: string | null;
    notice: string | null;
    contact: string | null;
    carousel: Array<{ imageUrl: string; link?: string | null | undefined }>;
    markupBps: number;
    markupCents: number;
  },
) {
  const r = await myAgent(deps.db, auth);
  await q.updateAgent(deps.db, r.id, {
    site_name: body.siteName,
    logo_url: body.logoUrl,
    notice: body.notice,
    contact: body.contact,
    carousel: JSON.stringify(body.carousel.map((c) => ({ imageUrl: c.imageUrl, link: c.link ?? null }))),
    markup_bps: body.markupBps,
    markup_cents: body.markupCents,
    updated_at: deps.clock.now(),
  });
  forgetSites(deps);
  return mySite(deps, auth);
}

/** Replaces what the agent sells and his markups; unknown products and categories are refused. */
export async function setMarkups(
  deps: Deps,
  auth: AuthContext,
  items: Array<{
    productId?: string | undefined;
    categoryId?: string | undefined;
    markupBps?: number | undefined;
    markupCents?: number | undefined;
  }>,
) {
  const r = await myAgent(deps.db, auth);
  const productIds = items.flatMap((i) => (i.productId ? [i.productId] : []));
  const categoryIds = items.flatMap((i) => (i.categoryId ? [i.categoryId] : []));
  const products = await getProductsForOrder(deps.db, productIds);
  const cats =
    categoryIds.length === 0
      ? []
      : await deps.db.selectFrom('categories').select('id').where('id', 'in', categoryIds).execute();
  const known = new Set(cats.map((c) => c.id));
  const seen = new Set<string>();
  for (const [index, i] of items.entries()) {
    const key = i.productId ? `p:${i.productId}` : `c:${i.categoryId}`;
    const exists = i.productId ? products.get(i.productId)?.status === 'approved' : known.has(i.categoryId!);
    if (!exists || seen.has(key)) {
      throw new AppError('UNPROCESSABLE', 'Unknown or repeated product or category', {
        issues: [{ path: ['items', index], message: exists ? 'repeated' : 'not found' }],
      });
    }
    seen.add(key);
  }
  const now = deps.clock.now();
  await deps.db.transaction().execute((tx) =>
    q.replaceMarkups(
      tx,
      r.user_id,
      items.map((i) => ({
        agent_user_id: r.user_id,
        scope: i.productId ? ('product' as const) : ('category' as const),
        scope_id: (i.productId ?? i.categoryId)!,
        markup_bps: i.markupBps ?? 0,
        markup_cents: i.markupCents ?? 0,
        updated_at: now,
      })),
    ),
  );
  forgetSites(deps);
  return getMarkups(deps, auth);
}

export async function getMarkups(deps: Deps, auth: AuthContext) {
  const r = await myAgent(deps.db, auth);
  const rows = await q.markupsOf(deps.db, [r.user_id]);
  return {
    items: rows.map((m) => ({
      ...(m.scope === 'product' ? { productId: m.scope_id } : { categoryId: m.scope_id }),
      markupBps: m.markup_bps,
      markupCents: m.markup_cents,
    })),
  };
}

/** 密价 for one of his customers; the price function never lets it below what he pays. */
export async function setUserPrice(
  deps: Deps,
  auth: AuthContext,
  body: { userId: string; productId: string; priceCents: number | null },
) {
  const r = await myAgent(deps.db, auth);
  const p = (await getProductsForOrder(deps.db, [body.productId])).get(body.productId);
  if (p?.status !== 'approved') throw new AppError('NOT_FOUND', 'No such product');
  const user = await deps.db.selectFrom('users').select('id').where('id', '=', body.userId).executeTakeFirst();
  if (!user) throw new AppError('NOT_FOUND', 'No such user');
  await q.setUserPrice(deps.db, {
    agent_user_id: r.user_id,
    user_id: body.userId,
    product_id: body.productId,
    price_cents: body.priceCents,
    updated_at: deps.clock.now(),
  });
  return { ok: true as const };
}

export async function agentBalance(deps: Deps, auth: AuthContext) {
  await myAgent(deps.db, auth);
  const a = agentAccounts(auth.userId);
  return {
    availableCents: await balanceCents(deps.db, a.available),
    heldCents: await balanceCents(deps.db, a.held),
    withdrawingCents: await balanceCents(deps.db, a.withdrawing),
  };
}

export async function myOrders(deps: Deps, auth: AuthContext) {
  await myAgent(deps.db, auth);
  const rows = await q.ordersEarning(deps.db, auth.userId, 100);
  return {
    items: rows.map((o) => ({
      orderId: o.order_id,
      status: o.status,
      amountCents: Number(o.amount_cents),
      marginCents: Number(o.margin_cents),
      onMySite: o.site_agent_user_id === auth.userId,
      createdAt: Number(o.created_at),
    })),
  };
}

export async function myCustomers(deps: Deps, auth: AuthContext) {
  await myAgent(deps.db, auth);
  const rows = await q.customersOf(deps.db, auth.userId, 200);
  return {
    items: rows.map((c) => ({
      userId: c.buyer_id!,
      // as a supplier sees a buyer: enough to tell customers apart, not to reach them elsewhere
      contact: c.email ? maskEmail(c.email) : c.phone ? maskPhone(c.phone) : null,
      orders: Number(c.orders),
      spentCents: Number(c.spent_cents),
      lastOrderAt: Number(c.last_at),
    })),
  };
}
