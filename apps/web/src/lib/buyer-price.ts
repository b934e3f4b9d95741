import { type PriceTierLike, unitPriceCents } from '@kameng/contracts/pricing';

/**
 * The unit price a page shows for `quantity`: a signed-in buyer's product, or any product on an agent's 分站,
 * carries the viewer's own price (priceCents, with the list price in listPriceCents) for its minimum quantity
 * and the viewer's own price at each quantity tier. The order is priced on the server (orders.pricing.ts); this is what the page shows before it.
 */
export function shownUnitPrice(
  p: { priceCents: number; listPriceCents?: number | undefined; priceTiers: readonly PriceTierLike[] },
  quantity: number,
): { unit: number; list: number } {
  const list = p.listPriceCents ?? p.priceCents;
  // the viewer's copy carries his own tier prices too (catalog.buyer-prices.ts): on an agent's 分站 they are
  // above the list, and the page shows what the API answers, never the lower list price
  return { unit: unitPriceCents({ priceCents: p.priceCents, priceTiers: p.priceTiers }, quantity), list };
}
