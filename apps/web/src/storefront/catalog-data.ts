import type {
  CarouselDto,
  CategoryNodeDto,
  GoodsType,
  ProductDetailDto,
  ProductSearchQuery,
  productSearchResultSchema,
} from '@kameng/contracts';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { z } from 'zod';
import { api } from '../lib/api.ts';
import { withQuery } from '../lib/router.ts';

export type SearchResult = z.infer<typeof productSearchResultSchema>;
export type SearchFilters = Partial<Omit<ProductSearchQuery, 'page' | 'pageSize'>> & {
  page?: number;
  pageSize?: number;
};

export function useCategoryTree() {
  return useQuery({
    queryKey: ['categories'],
    queryFn: () => api<{ items: CategoryNodeDto[] }>('GET', '/api/v1/categories').then((r) => r.items),
    staleTime: 5 * 60_000,
  });
}

export function useCarousel() {
  return useQuery({
    queryKey: ['carousel'],
    queryFn: () => api<CarouselDto>('GET', '/api/v1/carousel'),
    staleTime: 60_000,
  });
}

export function useProductSearch(filters: SearchFilters) {
  return useQuery({
    queryKey: ['products', filters],
    queryFn: () => api<SearchResult>('GET', withQuery('/api/v1/products', filters)),
    placeholderData: keepPreviousData,
  });
}

export function useProduct(id: string) {
  return useQuery({
    queryKey: ['product', id],
    queryFn: () => api<ProductDetailDto>('GET', `/api/v1/products/${encodeURIComponent(id)}`),
  });
}

export function findCategory(tree: CategoryNodeDto[], id: string): CategoryNodeDto | null {
  for (const node of tree) {
    if (node.id === id) return node;
    const below = findCategory(node.children, id);
    if (below) return below;
  }
  return null;
}

export interface Facets {
  goodsTypes: GoodsType[];
  games: string[];
  denominations: string[];
}

/** The facet values present at and below the given categories, in the order they first appear. */
export function facetsOf(nodes: CategoryNodeDto[]): Facets {
  const goodsTypes = new Set<GoodsType>();
  const games = new Set<string>();
  const denominations = new Set<string>();
  const walk = (ns: CategoryNodeDto[]) => {
    for (const n of ns) {
      if (n.goodsType) goodsTypes.add(n.goodsType);
      if (n.game) games.add(n.game);
      if (n.denomination) denominations.add(n.denomination);
      walk(n.children);
    }
  };
  walk(nodes);
  return { goodsTypes: [...goodsTypes], games: [...games], denominations: [...denominations] };
}

export interface CategoryOption {
  value: string;
  title: string;
  children: CategoryOption[];
}

/** The tree as antd's TreeSelect reads it. */
export function categoryOptions(nodes: CategoryNodeDto[]): CategoryOption[] {
  return nodes.map((n) => ({ value: n.id, title: n.name, children: categoryOptions(n.children) }));
}
