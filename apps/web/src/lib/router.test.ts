import { describe, expect, it } from 'vitest';
import { matchPath, withQuery } from './router.ts';

describe('matchPath', () => {
  it('names the parameters of a matching path', () => {
    expect(matchPath('/products/:id', '/products/prd_1')).toEqual({ id: 'prd_1' });
    expect(matchPath('/orders/:id', '/orders/ord%5F2')).toEqual({ id: 'ord_2' });
  });

  it('does not match other shapes, empty segments or broken escapes', () => {
    expect(matchPath('/products/:id', '/products')).toBeNull();
    expect(matchPath('/products/:id', '/products/')).toBeNull();
    expect(matchPath('/products/:id', '/products/a/b')).toBeNull();
    expect(matchPath('/products/:id', '/orders/a')).toBeNull();
    expect(matchPath('/products/:id', '/products/%E0%A4%A')).toBeNull();
  });
});

describe('withQuery', () => {
  it('keeps only the values that are set', () => {
    expect(withQuery('/search', { q: '王者 荣耀', page: 2, sort: undefined, game: '', x: null })).toBe(
      '/search?q=%E7%8E%8B%E8%80%85+%E8%8D%A3%E8%80%80&page=2',
    );
    expect(withQuery('/search', {})).toBe('/search');
  });
});
