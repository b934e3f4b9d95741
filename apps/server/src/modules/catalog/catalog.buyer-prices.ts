/**
 * The catalog's pages are cached as everyone sees them, at list prices. A signed-in buyer may have a price
 * of his own (his member level, a price his supplier granted him): the `buyerPrices` hook (orders, which
 * decides prices) tells it, and these put it in place of the list price on his copy of the page.
 */
import type { ProductDetailDto, ProductListItemDto } from '@kameng/contracts';
import type { Deps } from '../../platform/deps.ts';
import { buyerPrices, type PriceViewer } from './catalog.hooks.ts';

/** True when this viewer may see other than list prices (so the shared cached copy will not do). */
export function pricesForViewer(deps: Deps, viewer: PriceViewer): boolean {
  return viewer.buyerId !== null && deps.hooks.has(buyerPrices);
}

async function priced<T extends ProductListItemDto | ProductDetailDto>(
  deps: Deps,
  viewer: PriceViewer,
  items: readonly T[],
): Promise<T[]> {
  const prices = await deps.hooks.get(buyerPrices)(deps, viewer, items);
  return items.map((it) => {
    const p = prices.get(it.id);
    if (!p || p.priceCents === it.priceCents) return it;
    return { ...it, priceCents: p.priceCents, listPriceCents: it.priceCents, priceRule: p.rule };
  });
}

export async function listForViewer<P extends { items: ProductListItemDto[] }>(
  deps: Deps,
  viewer: PriceViewer,
  page: P,
): Promise<P> {
  return { ...page, items: await priced(deps, viewer, page.items) };
}

export async function detailForViewer(
  deps: Deps,
  viewer: PriceViewer,
  detail: ProductDetailDto,
): Promise<ProductDetailDto> {
  return (await priced(deps, viewer, [detail]))[0]!;
}
