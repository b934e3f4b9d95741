import { withQuery } from '../lib/router.ts';

export interface CheckoutItem {
  productId: string;
  quantity: number;
}

/** Carried to the checkout page in history state: typed on the product page, not worth a query parameter. */
export interface CheckoutState {
  recipientAccount?: string;
}

/** The items live in the address (`?items=prd_1:2,prd_2:1`), so a reload or a shared link checks out the same goods. */
export function checkoutPath(items: CheckoutItem[]): string {
  return withQuery('/checkout', { items: items.map((i) => `${i.productId}:${i.quantity}`).join(',') });
}

export function parseCheckoutItems(raw: string | null): CheckoutItem[] {
  if (!raw) return [];
  const items: CheckoutItem[] = [];
  for (const part of raw.split(',').slice(0, 50)) {
    const m = /^([A-Za-z0-9_-]{1,64}):(\d{1,5})$/.exec(part.trim());
    if (!m?.[1]) continue;
    const quantity = Number(m[2]);
    if (quantity >= 1 && quantity <= 10_000 && !items.some((i) => i.productId === m[1])) {
      items.push({ productId: m[1], quantity });
    }
  }
  return items;
}
