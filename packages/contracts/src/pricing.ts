/**
 * The unit price for a quantity: the tier with the highest minQuantity not above it, else the base price.
 * The server prices orders with it and the pages show the same number before the order is placed. No zod
 * here, so the web can import it (`@kameng/contracts/pricing`) without the schemas.
 */
export function unitPriceCents(
  p: { priceCents: number; priceTiers: readonly { minQuantity: number; priceCents: number }[] },
  quantity: number,
): number {
  let price = p.priceCents;
  let best = 0;
  for (const t of p.priceTiers) {
    if (t.minQuantity <= quantity && t.minQuantity > best) {
      best = t.minQuantity;
      price = t.priceCents;
    }
  }
  return price;
}
