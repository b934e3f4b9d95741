import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/http/errors.ts';
import type { PageHead, PageRequest } from '../../platform/http/web-pages.ts';
import { siteHead } from '../site/site.service.ts';
import { cached } from './catalog.cache.ts';
import { categoryIndex } from './catalog.categories.ts';
import * as q from './catalog.queries.ts';
import { productDetail } from './catalog.storefront.ts';

/** A sitemap file holds at most 50,000 addresses (sitemaps.org). */
const SITEMAP_MAX = 50_000;

/** Plain text of a product's sanitised HTML description, cut for a meta description. */
function summary(html: string, max = 160): string {
  const text = html
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** A product page: its title, description and cover as everyone sees it; null (404) when not for sale. */
export async function productHead(deps: Deps, page: PageRequest): Promise<PageHead | null> {
  const id = page.params.id ?? '';
  let detail: Awaited<ReturnType<typeof productDetail>>;
  try {
    detail = await productDetail(deps, null, id);
  } catch (err) {
    if (err instanceof AppError && err.code === 'NOT_FOUND') return null;
    throw err;
  }
  if (!('public' in detail)) return null;
  const p = detail.public.value;
  const where = p.categoryPath.map((c) => c.name).join(' / ');
  return siteHead(deps, {
    title: p.title,
    description: summary(p.descriptionHtml) || `${where} ${p.title}`.trim(),
    image: p.coverUrl,
    type: 'product',
  });
}

/** The search page; with `categoryId`, that category's page (404 for a category that does not exist). */
export async function searchHead(deps: Deps, page: PageRequest): Promise<PageHead | null> {
  const categoryId = page.query.get('categoryId');
  const words = page.query.get('q')?.trim().slice(0, 60);
  if (categoryId) {
    const chain = (await categoryIndex(deps)).ancestry(categoryId);
    const category = chain.at(-1);
    if (!category) return null;
    const names = chain.map((c) => c.name).join(' / ');
    return siteHead(deps, { title: category.name, description: `${names}：在线购买，自动发货` });
  }
  // a search for typed words is the visitor's page, not one for an index to repeat
  return siteHead(deps, words ? { title: `搜索「${words}」`, noindex: true } : { title: '全部商品' });
}

const xmlEscape = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);

/** sitemap.xml: the home page, every category's page and every product on sale (cached with the catalog). */
export async function sitemapXml(deps: Deps, origin: string): Promise<string> {
  const { products, categories } = await cached(deps, 'sitemap', async () => ({
    products: await q.publicProductStamps(deps.readDb, SITEMAP_MAX - 1),
    categories: (await q.listCategories(deps.readDb)).map((c) => c.id),
  }));
  const url = (loc: string, lastmod?: number) =>
    `  <url><loc>${xmlEscape(loc)}</loc>${lastmod ? `<lastmod>${new Date(Number(lastmod)).toISOString()}</lastmod>` : ''}</url>`;
  const lines = [
    url(`${origin}/`),
    ...categories
      .slice(0, Math.max(0, SITEMAP_MAX - 1 - products.length))
      .map((id) => url(`${origin}/search?categoryId=${encodeURIComponent(id)}`)),
    ...products.map((p) => url(`${origin}/products/${encodeURIComponent(p.id)}`, p.updated_at)),
  ];
  return `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${lines.join('\n')}\n</urlset>\n`;
}
