import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { matchWebRoute, noIndex, WEB_ROUTES, withHead } from './web-pages.ts';

const APP = readFileSync(join(import.meta.dirname, '../../../../web/src/app.tsx'), 'utf8');

describe('the web app’s routes', () => {
  it('lists every page apps/web/src/app.tsx answers (else that page would be a 404)', () => {
    const exact = [...APP.matchAll(/path === '([^']+)'/g)].map((m) => m[1]!);
    const patterns = [...APP.matchAll(/matchPath\('([^']+)'/g)].map((m) => m[1]!);
    const prefixes = [...APP.matchAll(/\/\^\\\/(\w+)\(\\\/\|\$\)\//g)].map((m) => `/${m[1]}/*`);
    expect(exact.length + patterns.length + prefixes.length).toBeGreaterThan(10);
    for (const p of [...exact, ...patterns, ...prefixes]) expect(WEB_ROUTES, p).toContain(p);
  });

  it('matches paths to patterns and their parameters', () => {
    expect(matchWebRoute('/')).toEqual({ pattern: '/', params: {} });
    expect(matchWebRoute('/products/prd_1')).toEqual({ pattern: '/products/:id', params: { id: 'prd_1' } });
    expect(matchWebRoute('/products/prd_1/')).toEqual({ pattern: '/products/:id', params: { id: 'prd_1' } });
    expect(matchWebRoute('/admin')?.pattern).toBe('/admin/*');
    expect(matchWebRoute('/admin/orders/x')?.pattern).toBe('/admin/*');
    expect(matchWebRoute('/products')).toBeNull();
    expect(matchWebRoute('/products/a/b')).toBeNull();
    expect(matchWebRoute('/products/%E0%A4%A')).toBeNull();
    expect(matchWebRoute('/wp-login.php')).toBeNull();
  });

  it('puts one title and the tags in the head, escaped', () => {
    const html = '<!doctype html><html><head><title>old</title></head><body></body></html>';
    const out = withHead(
      html,
      { title: 'a"<b>', description: 'd&', image: '/i.png' },
      'https://x.cn/p',
      'https://x.cn',
    );
    expect(out.match(/<title>/g)).toHaveLength(1);
    expect(out).toContain('<title>a&quot;&lt;b&gt;</title>');
    expect(out).toContain('<meta name="description" content="d&amp;" />');
    expect(out).toContain('<meta property="og:image" content="https://x.cn/i.png" />');
    expect(out.indexOf('og:title')).toBeLessThan(out.indexOf('</head>'));
    expect(noIndex(html)).toContain('<meta name="robots" content="noindex" />');
  });
});
