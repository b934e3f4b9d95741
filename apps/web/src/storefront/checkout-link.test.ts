import { describe, expect, it } from 'vitest';
import { checkoutPath, parseCheckoutItems } from './checkout-link.ts';

describe('checkout links', () => {
  it('round-trip the items through the address', () => {
    const items = [
      { productId: 'prd_01abc', quantity: 2 },
      { productId: 'prd_02def', quantity: 1 },
    ];
    const path = checkoutPath(items);
    expect(parseCheckoutItems(new URLSearchParams(path.split('?')[1]).get('items'))).toEqual(items);
  });

  it('drop what a hand-edited link gets wrong instead of sending it on', () => {
    expect(parseCheckoutItems(null)).toEqual([]);
    expect(parseCheckoutItems('prd_1:0,prd_2:-1,prd_3:abc,<script>:1,prd_4:99999,prd_5:3,prd_5:4')).toEqual([
      { productId: 'prd_5', quantity: 3 },
    ]);
  });
});
