import { orderStatusSchema } from '@kameng/contracts';
import { useQuery } from '@tanstack/react-query';
import {
  Alert,
  Button,
  Card,
  DatePicker,
  Empty,
  Flex,
  List,
  Pagination,
  Select,
  Skeleton,
  TreeSelect,
  Typography,
} from 'antd';
import dayjs from 'dayjs';
import { errorText, useLocale } from '../i18n/index.ts';
import { useBuyerT } from './messages.ts';
import { api } from '../lib/api.ts';
import { formatCents } from '../lib/money.ts';
import { linkTo, navigate, useSearch, withQuery } from '../lib/router.ts';
import { formatTime } from '../lib/time.ts';
import { categoryOptions, useCategoryTree } from '../storefront/catalog-data.ts';
import { type Order, StatusTag } from '../storefront/order-page.tsx';

const PAGE_SIZE = 10;
const STATUSES = orderStatusSchema.options;
const MODES = ['auto', 'direct', 'manual'] as const;
type Status = (typeof STATUSES)[number];
type Mode = (typeof MODES)[number];

interface Filters {
  page: number;
  status?: Status | undefined;
  from?: number | undefined;
  to?: number | undefined;
  categoryId?: string | undefined;
  deliveryMode?: Mode | undefined;
}

function readFilters(s: URLSearchParams): Filters {
  const ms = (k: string) => {
    const v = Number(s.get(k));
    return s.has(k) && Number.isSafeInteger(v) && v > 0 ? v : undefined;
  };
  return {
    page: Math.max(1, ms('page') ?? 1),
    status: STATUSES.find((x) => x === s.get('status')),
    from: ms('from'),
    to: ms('to'),
    categoryId: s.get('categoryId')?.slice(0, 64) || undefined,
    deliveryMode: MODES.find((x) => x === s.get('deliveryMode')),
  };
}

export function OrdersPage() {
  const t = useBuyerT();
  const { locale } = useLocale();
  const f = readFilters(useSearch());
  const tree = useCategoryTree();
  const orders = useQuery({
    queryKey: ['orders', f],
    queryFn: () =>
      api<{ items: Order[]; total: number }>('GET', withQuery('/api/v1/orders', { ...f, pageSize: PAGE_SIZE })),
  });
  const apply = (patch: Partial<Filters>) => {
    const next = { ...f, page: 1, ...patch };
    navigate(withQuery('/account/orders', { ...next, page: next.page > 1 ? next.page : undefined }));
  };
  const filtered = Boolean(f.status || f.from || f.to || f.categoryId || f.deliveryMode);

  return (
    <Flex vertical gap={12}>
      <Card size="small">
        <Flex wrap gap={8}>
          <DatePicker.RangePicker
            style={{ minWidth: 240 }}
            value={f.from && f.to ? [dayjs(f.from), dayjs(f.to - 1)] : null}
            onChange={(range) =>
              apply({
                from: range?.[0]?.startOf('day').valueOf(),
                // `to` is exclusive: the whole last day is included
                to: range?.[1] ? range[1].endOf('day').valueOf() + 1 : undefined,
              })
            }
            aria-label={t('orders.time')}
          />
          <Select<Status>
            allowClear
            style={{ minWidth: 130 }}
            placeholder={t('orders.status')}
            aria-label={t('orders.status')}
            value={f.status}
            onChange={(status) => apply({ status })}
            options={STATUSES.map((s) => ({ value: s, label: t(`orderStatus.${s}`) }))}
          />
          <TreeSelect
            allowClear
            style={{ minWidth: 160 }}
            placeholder={t('search.category')}
            aria-label={t('search.category')}
            value={f.categoryId}
            treeData={categoryOptions(tree.data ?? [])}
            onChange={(categoryId: string | undefined) => apply({ categoryId })}
          />
          <Select<Mode>
            allowClear
            style={{ minWidth: 130 }}
            placeholder={t('search.goodsType')}
            aria-label={t('search.goodsType')}
            value={f.deliveryMode}
            onChange={(deliveryMode) => apply({ deliveryMode })}
            options={MODES.map((m) => ({ value: m, label: t(`deliveryMode.${m}`) }))}
          />
        </Flex>
      </Card>
      {orders.isPending ? (
        <Skeleton active />
      ) : orders.isError ? (
        <Alert type="error" showIcon message={errorText(t, orders.error)} />
      ) : orders.data.items.length === 0 ? (
        <Card>
          <Empty description={filtered ? t('orders.emptyFiltered') : t('orders.empty')}>
            {filtered ? (
              <Button {...linkTo('/account/orders')}>{t('search.clear')}</Button>
            ) : (
              <Button type="primary" {...linkTo('/')}>
                {t('cart.goShopping')}
              </Button>
            )}
          </Empty>
        </Card>
      ) : (
        <>
          <List
            dataSource={orders.data.items}
            renderItem={(o) => (
              <Card size="small" style={{ marginBottom: 8 }} data-testid="order-row">
                <a {...linkTo(`/orders/${encodeURIComponent(o.id)}`)} style={{ color: 'inherit' }}>
                  <Flex justify="space-between" align="center" gap={8} wrap>
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {formatTime(o.createdAt, locale)} · {o.id}
                    </Typography.Text>
                    <StatusTag status={o.status} />
                  </Flex>
                  <Flex justify="space-between" align="center" gap={8} style={{ marginTop: 6 }}>
                    <Typography.Text ellipsis style={{ flex: 1, minWidth: 0 }}>
                      {o.items.map((i) => `${i.title} ×${i.quantity}`).join('、')}
                    </Typography.Text>
                    <Typography.Text strong>{formatCents(o.amountCents)}</Typography.Text>
                  </Flex>
                </a>
              </Card>
            )}
          />
          <Pagination
            align="center"
            current={f.page}
            pageSize={PAGE_SIZE}
            total={orders.data.total}
            showSizeChanger={false}
            onChange={(page) => apply({ page })}
          />
        </>
      )}
    </Flex>
  );
}
