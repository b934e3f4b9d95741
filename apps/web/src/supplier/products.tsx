import { PlusOutlined } from '@ant-design/icons';
import type { ProductManageDto, ProductStatus } from '@kameng/contracts';
import { Avatar, Button, Empty, Input, Space, Switch, Table, Tag, Tooltip, Typography } from 'antd';
import { useState } from 'react';
import { formatCents, formatTime } from '../console/format.ts';
import { ErrorAlert, PageHeader } from '../console/layout.tsx';
import { useGet, withParams } from '../console/query.ts';
import { pager, ProductStatusFilter } from '../console/table.tsx';
import { PRODUCT_STATUS_COLOR } from '../console/types.ts';
import { useI18n } from '../i18n/index.ts';
import { linkTo } from '../lib/router.ts';
import { useComplianceT } from '../compliance/messages.ts';
import { useLevelsT } from '../members/messages.ts';
import { useT } from './messages.ts';
import { useOnSale } from './on-sale.ts';

const PAGE_SIZE = 20;

export default function Products() {
  const t = useT();
  const tc = useComplianceT();
  const tl = useLevelsT();
  const { locale } = useI18n();
  const [status, setStatus] = useState<ProductStatus | undefined>();
  const [q, setQ] = useState('');
  const [page, setPage] = useState(1);
  const { busyId, setOnSale } = useOnSale();
  const list = useGet<{ items: ProductManageDto[]; total: number }>(
    withParams('/api/v1/supplier/products', { status, q: q.trim(), page, pageSize: PAGE_SIZE }),
  );

  return (
    <>
      <PageHeader
        title={t('menu.products')}
        extra={
          <Button type="primary" icon={<PlusOutlined />} {...linkTo('/supplier/products/new')}>
            {t('products.new')}
          </Button>
        }
      />
      <Space wrap style={{ marginBottom: 16 }}>
        <ProductStatusFilter
          value={status}
          onChange={(v) => {
            setStatus(v);
            setPage(1);
          }}
        />
        <Input.Search
          allowClear
          placeholder={t('products.searchHint')}
          onSearch={(v) => {
            setQ(v);
            setPage(1);
          }}
          style={{ width: 240 }}
          maxLength={100}
        />
      </Space>
      <ErrorAlert error={list.error} onRetry={() => list.refetch()} />
      <Table<ProductManageDto>
        rowKey="id"
        loading={list.isFetching}
        dataSource={list.data?.items ?? []}
        scroll={{ x: 900 }}
        locale={{
          emptyText: (
            <Empty description={status || q ? t('products.noneMatch') : t('products.empty')}>
              {!status && !q && (
                <Button type="primary" {...linkTo('/supplier/products/new')}>
                  {t('products.new')}
                </Button>
              )}
            </Empty>
          ),
        }}
        pagination={pager(t, page, setPage, list.data?.total ?? 0, PAGE_SIZE)}
        columns={[
          {
            title: t('products.product'),
            width: 300,
            key: 'title',
            render: (_, p) => (
              <Space>
                <Avatar shape="square" size={40} src={p.coverUrl ?? undefined}>
                  {p.title.slice(0, 1)}
                </Avatar>
                <a {...linkTo(`/supplier/products/${encodeURIComponent(p.id)}`)}>
                  <Typography.Text ellipsis style={{ maxWidth: 260 }}>
                    {p.title}
                  </Typography.Text>
                </a>
              </Space>
            ),
          },
          { title: t('products.price'), key: 'price', width: 110, render: (_, p) => formatCents(p.priceCents) },
          {
            title: t('products.stock'),
            key: 'stock',
            width: 100,
            render: (_, p) =>
              p.stock === null ? (
                t('products.stockUncounted')
              ) : (
                <Typography.Text type={p.lowStock ? 'warning' : undefined}>{p.stock}</Typography.Text>
              ),
          },
          { title: t('products.sales'), dataIndex: 'salesCount', width: 80 },
          {
            title: t('products.review'),
            key: 'status',
            width: 130,
            render: (_, p) =>
              p.takedownReason !== null ? (
                <Tooltip title={tc('t.reason', { reason: p.takedownReason })}>
                  <Tag color="red">{tc('t.takenDown')}</Tag>
                </Tooltip>
              ) : p.status === 'rejected' && p.rejectReason ? (
                <Tooltip title={t('products.rejectReason', { reason: p.rejectReason })}>
                  <Tag color={PRODUCT_STATUS_COLOR[p.status]}>{t(`product.${p.status}`)}</Tag>
                </Tooltip>
              ) : (
                <Tag color={PRODUCT_STATUS_COLOR[p.status]}>{t(`product.${p.status}`)}</Tag>
              ),
          },
          {
            title: t('products.onSale'),
            key: 'onSale',
            width: 90,
            render: (_, p) => (
              <Switch
                size="small"
                checked={p.onSale}
                loading={busyId === p.id}
                onChange={(v) => setOnSale(p, v)}
                aria-label={t('products.onSale')}
              />
            ),
          },
          {
            title: t('common.createdAt'),
            key: 'createdAt',
            width: 170,
            render: (_, p) => formatTime(p.createdAt, locale),
          },
          {
            title: t('common.actions'),
            key: 'actions',
            width: 200,
            fixed: 'right',
            render: (_, p) => (
              <Space size="small">
                <a {...linkTo(`/supplier/products/${encodeURIComponent(p.id)}`)}>{t('common.edit')}</a>
                <a {...linkTo(`/supplier/products/${encodeURIComponent(p.id)}/prices`)}>{tl('prices.link')}</a>
                {p.deliveryMode === 'auto' && (
                  <a {...linkTo(`/supplier/products/${encodeURIComponent(p.id)}/keys`)}>{t('products.keys')}</a>
                )}
              </Space>
            ),
          },
        ]}
      />
    </>
  );
}
