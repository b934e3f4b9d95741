/**
 * The catalog's pages are cached as everyone sees them on the platform's own site, at list prices. A
 * signed-in buyer may have prices of his own (his member level, a price his supplier granted him), and an
 * agent's 分站 (the request's Host) sells what its agent chose at the agent's prices: the `buyerPrices` hook
 * (orders, which decides prices) tells them, and these put them in place of the list prices on that
 * viewer's copy of the page. A 分站's copy leaves out what its agent does not sell.
 */
import type { ProductDetailDto, ProductListItemDto } from '@kameng/contracts';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/http/errors.ts';
import { buyerPrices, type PriceViewer, type ViewerPrices } from './catalog.hooks.ts';

async function pricesFor(
  deps: Deps,
  viewer: PriceViewer,
  items: readonly (ProductListItemDto | ProductDetailDto)[],
): Promise<ViewerPrices | null> {
  if (!deps.hooks.has(buyerPrices)) return null;
  return deps.hooks.get(buyerPrices)(deps, viewer, items);
}

function priced<T extends ProductListItemDto | ProductDetailDto>(answer: ViewerPrices, items: readonly T[]): T[] {
  return items.flatMap((it) => {
    const p = answer.prices.get(it.id);
    if (!p) return answer.site ? [] : [it];
    if (p.priceCents === it.priceCents && !answer.site) return [it];
    return [
      { ...it, priceCents: p.priceCents, listPriceCents: it.priceCents, priceRule: p.rule, priceTiers: p.priceTiers },
    ];
  });
}

/** This viewer's copy of a catalog page, or null when the shared cached page is his. */
export async function listForViewer<P extends { items: ProductListItemDto[]; total: number }>(
  deps: Deps,
  viewer: PriceViewer,
  page: P,
): Promise<P | null> {
  const answer = await pricesFor(deps, viewer, page.items);
  if (!answer) return null;
  const items = priced(answer, page.items);
  // on a 分站 the total counts only this page's products its agent sells (the catalog is not re-queried)
  return { ...page, items, total: page.total - (page.items.length - items.length) };
}

/** This viewer's copy of a product page, or null when the shared one is his; NOT_FOUND when his 分站 does not sell it. */
export async function detailForViewer(
  deps: Deps,
  viewer: PriceViewer,
  detail: ProductDetailDto,
): Promise<ProductDetailDto | null> {
  const answer = await pricesFor(deps, viewer, [detail]);
  if (!answer) return null;
  const [shown] = priced(answer, [detail]);
  if (!shown) throw new AppError('NOT_FOUND', 'No such product');
  return shown;
}
