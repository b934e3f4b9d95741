import { describe, expect, it } from 'vitest';
import { shownUnitPrice } from './buyer-price.ts';

const tiers = [{ minQuantity: 5, priceCents: 950 }];

describe('the unit price a product page shows', () => {
  it('is the list or tier price for a visitor on the platform', () => {
    expect(shownUnitPrice({ priceCents: 1000, priceTiers: tiers }, 1)).toEqual({ unit: 1000, list: 1000 });
    expect(shownUnitPrice({ priceCents: 1000, priceTiers: tiers }, 5)).toEqual({ unit: 950, list: 1000 });
  });

  it("is a member's own price and tier prices, below the list", () => {
    const p = { priceCents: 900, listPriceCents: 1000, priceTiers: [{ minQuantity: 5, priceCents: 855 }] };
    expect(shownUnitPrice(p, 1)).toEqual({ unit: 900, list: 1000 });
    expect(shownUnitPrice(p, 6)).toEqual({ unit: 855, list: 1000 });
  });

  it("is the 分站's price as the API answers it, above the list, never the lower list price", () => {
    const p = { priceCents: 1200, listPriceCents: 1000, priceTiers: [{ minQuantity: 5, priceCents: 1140 }] };
    expect(shownUnitPrice(p, 1)).toEqual({ unit: 1200, list: 1000 });
    expect(shownUnitPrice(p, 5)).toEqual({ unit: 1140, list: 1000 });
  });
});
