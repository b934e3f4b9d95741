import type { Deps } from '../../platform/deps.ts';
import type { PageHead } from '../../platform/http/web-pages.ts';
import { siteSettingsFull } from './site.settings.ts';

const PAGE_TITLES = { terms: '服务条款 Terms of service', privacy: '隐私政策 Privacy policy' } as const;

/** A page's head with the site's name after its own title (the home page: the name alone). */
export async function siteHead(deps: Deps, head: PageHead | null): Promise<PageHead | null> {
  if (!head) return null;
  const site = await siteSettingsFull(deps);
  return {
    ...head,
    title: head.title ? `${head.title} - ${site.name}` : site.name,
    description: head.description ?? site.description,
    image: head.image ?? site.logoUrl,
  };
}

/** The home page, and any page without a head of its own: the site's name, description and logo. */
export const homeHead = (deps: Deps) => siteHead(deps, { title: '' });

/** Terms and privacy: a page only once the operators have written it. */
export async function sitePageHead(deps: Deps, page: keyof typeof PAGE_TITLES): Promise<PageHead | null> {
  const site = await siteSettingsFull(deps);
  const text = site[page];
  if (!text) return null;
  return siteHead(deps, { title: PAGE_TITLES[page], description: text.slice(0, 160), type: 'article' });
}

/** robots.txt: everything but the consoles, the buyer's own pages and the API; where the sitemap is. */
export function robotsTxt(origin: string): string {
  return [
    'User-agent: *',
    'Disallow: /api/',
    'Disallow: /account',
    'Disallow: /admin',
    'Disallow: /supplier',
    'Disallow: /cashier/',
    'Disallow: /orders/',
    'Disallow: /cart',
    'Disallow: /checkout',
    'Allow: /',
    '',
    `Sitemap: ${origin}/sitemap.xml`,
    '',
  ].join('\n');
}
