import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import type { CarouselSlotDto, ProductManageDto } from '@kameng/contracts';
import { App, Button, DatePicker, Empty, Input, Select, Space, Table, Tag, Tooltip, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { ErrorAlert } from '../console/layout.tsx';
import { useGet, useInvalidate, withParams } from '../console/query.ts';
import { useAction } from '../console/use-action.ts';
import { api } from '../lib/api.ts';
import { useT } from './messages.ts';

const MAX_SLOTS = 10;
const CAROUSEL = '/api/v1/admin/carousel';

interface Row {
  key: string;
  productId: string | null;
  title: string | null;
  headline: string;
  window: [Dayjs | null, Dayjs | null] | null;
  live: boolean | null;
  /** why a saved slot does not show, when it does not */
  why: 'gone' | 'review' | 'offSale' | 'window' | null;
}

function whyHidden(s: CarouselSlotDto): Row['why'] {
  if (s.live) return null;
  if (!s.product) return 'gone';
  if (s.product.status !== 'approved') return 'review';
  return s.product.onSale ? 'window' : 'offSale';
}

function toRows(items: CarouselSlotDto[]): Row[] {
  return items.map((s) => ({
    key: s.id,
    productId: s.productId,
    title: s.product?.title ?? null,
    headline: s.headline ?? '',
    window: s.startsAt || s.endsAt ? [s.startsAt ? dayjs(s.startsAt) : null, s.endsAt ? dayjs(s.endsAt) : null] : null,
    live: s.live,
    why: whyHidden(s),
  }));
}

/** The home page's recommendation slots: which approved products, in which order, with what headline and when. */
export function CarouselEditor() {
  const t = useT();
  const slots = useGet<{ items: CarouselSlotDto[] }>(CAROUSEL);
  const [rows, setRows] = useState<Row[] | null>(null);
  const shown = rows ?? toRows(slots.data?.items ?? []);
  const { message } = App.useApp();
  const invalidate = useInvalidate();
  const { busy, error, run } = useAction();

  const change = (i: number, patch: Partial<Row>) =>
    setRows(shown.map((r, j) => (j === i ? { ...r, ...patch, live: null, why: null } : r)));
  const move = (i: number, by: -1 | 1) => {
    const next = [...shown];
    const [r] = next.splice(i, 1);
    if (r) next.splice(i + by, 0, r);
    setRows(next);
  };
  const save = () =>
    run(async () => {
      const body = {
        slots: shown
          .filter((r) => r.productId)
          .map((r) => ({
            productId: r.productId as string,
            ...(r.headline.trim() ? { headline: r.headline.trim() } : {}),
            startsAt: r.window?.[0]?.valueOf() ?? null,
            endsAt: r.window?.[1]?.valueOf() ?? null,
          })),
      };
      const saved = await api<{ items: CarouselSlotDto[] }>('PUT', CAROUSEL, body);
      setRows(toRows(saved.items));
      message.success(t('carousel.saved', { n: saved.items.length }));
      await invalidate(CAROUSEL);
    });

  return (
    <>
      <Typography.Paragraph type="secondary">{t('carousel.hint')}</Typography.Paragraph>
      <ErrorAlert error={slots.error} onRetry={() => slots.refetch()} />
      <Table<Row>
        size="small"
        rowKey="key"
        pagination={false}
        loading={slots.isPending}
        dataSource={shown}
        scroll={{ x: 900 }}
        locale={{ emptyText: <Empty description={t('carousel.empty')} /> }}
        columns={[
          { title: '#', key: 'pos', width: 48, render: (_, __, i) => i + 1 },
          {
            title: t('carousel.product'),
            width: 260,
            key: 'product',
            render: (_, r, i) => (
              <ProductPicker
                value={r.productId}
                title={r.title}
                onChange={(productId, title) => change(i, { productId, title })}
              />
            ),
          },
          {
            title: t('carousel.headline'),
            key: 'headline',
            width: 200,
            render: (_, r, i) => (
              <Input
                value={r.headline}
                maxLength={60}
                placeholder={t('carousel.headlineHint')}
                aria-label={t('carousel.headline')}
                onChange={(e) => change(i, { headline: e.target.value })}
              />
            ),
          },
          {
            title: t('carousel.window'),
            key: 'window',
            width: 330,
            render: (_, r, i) => (
              <DatePicker.RangePicker
                showTime={{ format: 'HH:mm' }}
                format="YYYY-MM-DD HH:mm"
                allowEmpty={[true, true]}
                value={r.window}
                onChange={(v) => change(i, { window: v })}
              />
            ),
          },
          {
            title: t('common.status'),
            key: 'live',
            width: 90,
            render: (_, r) =>
              r.live === null ? (
                <Tag>{t('carousel.unsaved')}</Tag>
              ) : r.live ? (
                <Tag color="green">{t('carousel.live')}</Tag>
              ) : (
                <Tooltip title={r.why ? t(`carousel.why.${r.why}`) : undefined}>
                  <Tag color="default">{t('carousel.hidden')}</Tag>
                </Tooltip>
              ),
          },
          {
            title: t('common.actions'),
            key: 'a',
            width: 130,
            render: (_, _r, i) => (
              <Space size={4}>
                <Button
                  size="small"
                  icon={<ArrowUpOutlined />}
                  aria-label={t('carousel.up')}
                  disabled={i === 0}
                  onClick={() => move(i, -1)}
                />
                <Button
                  size="small"
                  icon={<ArrowDownOutlined />}
                  aria-label={t('carousel.down')}
                  disabled={i === shown.length - 1}
                  onClick={() => move(i, 1)}
                />
                <Button
                  size="small"
                  danger
                  icon={<DeleteOutlined />}
                  aria-label={t('common.delete')}
                  onClick={() => setRows(shown.filter((_, j) => j !== i))}
                />
              </Space>
            ),
          },
        ]}
      />
      <ErrorAlert error={error} style={{ marginTop: 12 }} />
      <Space style={{ marginTop: 12 }} wrap>
        <Button
          icon={<PlusOutlined />}
          disabled={shown.length >= MAX_SLOTS}
          onClick={() =>
            setRows([
              ...shown,
              {
                key: `new-${Date.now()}`,
                productId: null,
                title: null,
                headline: '',
                window: null,
                live: null,
                why: null,
              },
            ])
          }
        >
          {t('carousel.add')}
        </Button>
        <Button type="primary" loading={busy} disabled={rows === null} onClick={save}>
          {t('common.save')}
        </Button>
        <Typography.Text type="secondary">{t('carousel.limit', { n: MAX_SLOTS })}</Typography.Text>
      </Space>
    </>
  );
}

/** Picks an approved product by searching its title. */
function ProductPicker(props: {
  value: string | null;
  title: string | null;
  onChange: (id: string, title: string) => void;
}) {
  const t = useT();
  const [q, setQ] = useState('');
  const found = useGet<{ items: ProductManageDto[] }>(
    withParams('/api/v1/admin/products', { status: 'approved', q: q.trim(), pageSize: 20 }),
  );
  const options = (found.data?.items ?? []).map((p) => ({ value: p.id, label: p.title }));
  if (props.value && !options.some((o) => o.value === props.value)) {
    options.unshift({ value: props.value, label: props.title ?? props.value });
  }
  return (
    <Select
      showSearch
      style={{ width: '100%', minWidth: 220 }}
      value={props.value ?? undefined}
      placeholder={t('carousel.pick')}
      filterOption={false}
      onSearch={setQ}
      loading={found.isFetching}
      notFoundContent={t('carousel.noProducts')}
      options={options}
      aria-label={t('carousel.product')}
      onChange={(id: string) => props.onChange(id, options.find((o) => o.value === id)?.label ?? id)}
    />
  );
}
