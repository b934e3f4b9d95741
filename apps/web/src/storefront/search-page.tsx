import type { GoodsType, ProductSearchQuery } from '@kameng/contracts';
import {
  Alert,
  Breadcrumb,
  Button,
  Card,
  Empty,
  Flex,
  Input,
  Radio,
  Skeleton,
  Space,
  Tag,
  TreeSelect,
  Typography,
} from 'antd';
import { useState } from 'react';
import { errorText, useI18n } from '../i18n/index.ts';
import { formatCents, parseYuan } from '../lib/money.ts';
import { linkTo, navigate, useSearch, withQuery } from '../lib/router.ts';
import {
  categoryOptions,
  facetsOf,
  findCategory,
  type SearchFilters,
  useCategoryTree,
  useProductSearch,
} from './catalog-data.ts';
import { ProductGrid } from './product-card.tsx';

const PAGE_SIZE = 20;
const SORTS = ['sales', 'price_asc', 'price_desc', 'newest'] as const;
const GOODS_TYPES: readonly GoodsType[] = ['card_key', 'direct', 'manual'];

type Sort = ProductSearchQuery['sort'];

function readFilters(search: URLSearchParams): SearchFilters {
  const text = (k: string) => search.get(k)?.trim() || undefined;
  const int = (k: string) => {
    const v = Number(search.get(k));
    return search.has(k) && Number.isSafeInteger(v) && v >= 0 ? v : undefined;
  };
  const sort = search.get('sort');
  const goodsType = search.get('goodsType');
  const f: SearchFilters = {
    sort: SORTS.find((s) => s === sort) ?? 'sales',
    page: Math.max(1, Math.min(10_000, int('page') ?? 1)),
    pageSize: PAGE_SIZE,
  };
  const q = text('q');
  if (q) f.q = q.slice(0, 100);
  const categoryId = text('categoryId');
  if (categoryId) f.categoryId = categoryId;
  const gt = GOODS_TYPES.find((g) => g === goodsType);
  if (gt) f.goodsType = gt;
  const game = text('game');
  if (game) f.game = game.slice(0, 64);
  const denomination = text('denomination');
  if (denomination) f.denomination = denomination.slice(0, 64);
  const min = int('minPriceCents');
  const max = int('maxPriceCents');
  if (min !== undefined) f.minPriceCents = min;
  if (max !== undefined && (min === undefined || max >= min)) f.maxPriceCents = max;
  return f;
}

export function SearchPage() {
  const { t } = useI18n();
  const search = useSearch();
  const filters = readFilters(search);
  const tree = useCategoryTree();
  const result = useProductSearch(filters);
  const categories = tree.data ?? [];
  const selected = filters.categoryId ? findCategory(categories, filters.categoryId) : null;
  const facets = facetsOf(selected ? [selected] : categories);

  // every change but paging starts again at page 1
  const apply = (patch: Partial<SearchFilters>) => {
    const next: Record<string, string | number | undefined> = {
      ...filters,
      pageSize: undefined,
      page: undefined,
      ...patch,
    };
    if (next.sort === 'sales') next.sort = undefined;
    if (next.page === 1) next.page = undefined;
    navigate(withQuery('/search', next));
  };
  const facetTag = (key: 'goodsType' | 'game' | 'denomination', value: string, label: string) => (
    <Tag.CheckableTag
      key={`${key}:${value}`}
      checked={filters[key] === value}
      onChange={(on) => apply({ [key]: on ? value : undefined })}
    >
      {label}
    </Tag.CheckableTag>
  );
  const anyFilter = Boolean(
    filters.q ||
      filters.categoryId ||
      filters.goodsType ||
      filters.game ||
      filters.denomination ||
      filters.minPriceCents !== undefined ||
      filters.maxPriceCents !== undefined,
  );

  return (
    <Flex vertical gap={12}>
      <Breadcrumb
        items={[
          { title: <a {...linkTo('/')}>{t('home')}</a> },
          { title: selected?.name ?? (filters.q ? t('search.resultsFor', { q: filters.q }) : t('search.all')) },
        ]}
      />
      <Card size="small">
        <Flex vertical gap={10}>
          <Flex wrap gap={8} align="center">
            <Typography.Text type="secondary">{t('search.category')}</Typography.Text>
            <TreeSelect
              style={{ minWidth: 200, flex: 1, maxWidth: 360 }}
              allowClear
              showSearch
              treeNodeFilterProp="title"
              placeholder={t('search.allCategories')}
              value={filters.categoryId}
              treeData={categoryOptions(categories)}
              onChange={(v: string | undefined) => apply({ categoryId: v || undefined })}
              loading={tree.isPending}
            />
          </Flex>
          {facets.goodsTypes.length > 0 && (
            <Flex wrap gap={4} align="center">
              <Typography.Text type="secondary">{t('search.goodsType')}</Typography.Text>
              {facets.goodsTypes.map((g) => facetTag('goodsType', g, t(`goodsType.${g}`)))}
            </Flex>
          )}
          {facets.games.length > 0 && (
            <Flex wrap gap={4} align="center">
              <Typography.Text type="secondary">{t('search.game')}</Typography.Text>
              {facets.games.map((g) => facetTag('game', g, g))}
            </Flex>
          )}
          {facets.denominations.length > 0 && (
            <Flex wrap gap={4} align="center">
              <Typography.Text type="secondary">{t('search.denomination')}</Typography.Text>
              {facets.denominations.map((d) => facetTag('denomination', d, d))}
            </Flex>
          )}
          <PriceRange filters={filters} onApply={apply} />
          <Radio.Group
            optionType="button"
            size="small"
            aria-label={t('search.sort')}
            value={filters.sort ?? 'sales'}
            onChange={(e) => apply({ sort: e.target.value as Sort })}
            options={SORTS.map((s) => ({ value: s, label: t(`sort.${s}`) }))}
          />
        </Flex>
      </Card>
      {result.isError ? (
        <Alert type="error" showIcon message={errorText(t, result.error)} />
      ) : result.isPending ? (
        <Skeleton active />
      ) : result.data.items.length === 0 ? (
        <Card>
          <Empty description={anyFilter ? t('search.emptyFiltered') : t('home.emptyShop')}>
            {anyFilter && (
              <Button type="primary" {...linkTo('/search')}>
                {t('search.clear')}
              </Button>
            )}
          </Empty>
        </Card>
      ) : (
        <>
          <Typography.Text type="secondary">{t('search.total', { count: String(result.data.total) })}</Typography.Text>
          <ProductGrid page={result.data} onPage={(page) => apply({ page })} />
        </>
      )}
    </Flex>
  );
}

function PriceRange({ filters, onApply }: { filters: SearchFilters; onApply: (p: Partial<SearchFilters>) => void }) {
  const { t } = useI18n();
  const show = (c: number | undefined) => (c === undefined ? '' : formatCents(c).replace(/[¥,]/g, ''));
  const [min, setMin] = useState(show(filters.minPriceCents));
  const [max, setMax] = useState(show(filters.maxPriceCents));
  const [invalid, setInvalid] = useState(false);
  const submit = () => {
    const lo = min.trim() ? parseYuan(min) : undefined;
    const hi = max.trim() ? parseYuan(max) : undefined;
    if (lo === null || hi === null || (lo !== undefined && hi !== undefined && lo > hi)) {
      setInvalid(true);
      return;
    }
    setInvalid(false);
    onApply({ minPriceCents: lo, maxPriceCents: hi });
  };
  return (
    <Flex vertical gap={4}>
      <Flex wrap gap={8} align="center">
        <Typography.Text type="secondary">{t('search.price')}</Typography.Text>
        <Space.Compact>
          {(
            [
              ['search.minPrice', min, setMin],
              ['search.maxPrice', max, setMax],
            ] as const
          ).map(([label, value, set]) => (
            <Input
              key={label}
              style={{ width: 90 }}
              prefix="¥"
              inputMode="decimal"
              value={value}
              onChange={(e) => set(e.target.value)}
              onPressEnter={submit}
              aria-label={t(label)}
              placeholder={t(label)}
              status={invalid ? 'error' : ''}
            />
          ))}
          <Button onClick={submit}>{t('search.applyPrice')}</Button>
        </Space.Compact>
      </Flex>
      {invalid && <Typography.Text type="danger">{t('search.badPrice')}</Typography.Text>}
    </Flex>
  );
}
