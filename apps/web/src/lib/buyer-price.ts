import { type PriceTierLike, unitPriceCents } from '@kameng/contracts/pricing';

/**
 * The unit price a page shows for `quantity`: a signed-in buyer's product carries his own price (priceCents,
 * with the list price in listPriceCents) for its minimum quantity; a quantity tier of the list may be lower
 * still. The order is priced on the server (orders.pricing.ts); this is what the page shows before it.
 */
export function shownUnitPrice(
  p: { priceCents: number; listPriceCents?: number | undefined; priceTiers: readonly PriceTierLike[] },
  quantity: number,
): { unit: number; list: number } {
  const list = p.listPriceCents ?? p.priceCents;
  const tiered = unitPriceCents({ priceCents: list, priceTiers: p.priceTiers }, quantity);
  return { unit: p.listPriceCents === undefined ? tiered : Math.min(p.priceCents, tiered), list };
}
