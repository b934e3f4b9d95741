import type { DailySalesDto, ProductManageDto } from '@kameng/contracts';
import { Button, Card, Col, Empty, List, Row, Segmented, Skeleton, Tag, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { countAxis, DayChart, type Series, yuanAxis } from '../console/chart.tsx';
import { formatCents } from '../console/format.ts';
import { ErrorAlert, PageHeader } from '../console/layout.tsx';
import { StatCard } from '../console/stat-card.tsx';
import { useGet, withParams } from '../console/query.ts';
import { linkTo } from '../lib/router.ts';
import type { Balance } from '../console/types.ts';
import { useT } from './messages.ts';
import { NoticesCard } from './notices-card.tsx';

export default function Dashboard() {
  const t = useT();
  const [days, setDays] = useState(14);
  const sales = useGet<DailySalesDto>(withParams('/api/v1/supplier/orders/daily-sales', { days }));
  const balance = useGet<Balance>('/api/v1/supplier/balance');
  const queue = useGet<{ total: number }>('/api/v1/supplier/orders?status=paid&deliveryMode=manual&pageSize=1');
  const products = useGet<{ items: ProductManageDto[]; total: number }>('/api/v1/supplier/products?pageSize=100');
  const today = sales.data?.items.at(-1);
  const lowStock = products.data?.items.filter((p) => p.lowStock) ?? [];

  const series = useMemo<Series[]>(() => {
    const items = sales.data?.items ?? [];
    return [
      { name: t('dash.salesSeries'), kind: 'bar', values: items.map((d) => d.amountCents) },
      { name: t('dash.ordersSeries'), kind: 'line', values: items.map((d) => d.orders), axis: 1 },
    ];
  }, [sales.data, t]);
  const dates = useMemo(() => sales.data?.items.map((d) => d.date) ?? [], [sales.data]);
  const axes = useMemo(() => [yuanAxis, countAxis] as [typeof yuanAxis, typeof countAxis], []);

  return (
    <>
      <PageHeader title={t('menu.dashboard')} />
      <ErrorAlert
        error={sales.error ?? balance.error}
        onRetry={() => {
          void sales.refetch();
          void balance.refetch();
        }}
      />
      <Row gutter={[16, 16]}>
        <StatCard title={t('dash.todaySales')} value={today?.amountCents} money loading={sales.isPending} />
        <StatCard title={t('dash.todayOrders')} value={today?.orders} loading={sales.isPending} />
        <StatCard
          title={t('money.held')}
          value={balance.data?.heldCents}
          money
          loading={balance.isPending}
          hintType="warning"
          hint={
            balance.data && balance.data.frozenCents > 0
              ? t('money.frozen', { amount: formatCents(balance.data.frozenCents) })
              : null
          }
        />
        <StatCard title={t('money.available')} value={balance.data?.availableCents} money loading={balance.isPending} />
        <Col xs={24} lg={16}>
          <Card
            title={t('dash.chart')}
            extra={
              <Segmented
                size="small"
                value={days}
                onChange={(v) => setDays(Number(v))}
                options={[7, 14, 30].map((n) => ({ value: n, label: t('common.days', { n }) }))}
              />
            }
          >
            {sales.isPending ? (
              <Skeleton active />
            ) : (
              <DayChart dates={dates} series={series} formatAxis={axes} moneyAxis={0} label={t('dash.chart')} />
            )}
          </Card>
        </Col>
        <Col xs={24} lg={8}>
          <Card
            title={t('dash.lowStock')}
            extra={
              queue.data && queue.data.total > 0 ? (
                <Button size="small" type="primary" {...linkTo('/supplier/delivery')}>
                  {t('dash.toDeliver', { n: queue.data.total })}
                </Button>
              ) : null
            }
          >
            <ErrorAlert error={products.error} onRetry={() => products.refetch()} />
            {products.isPending ? (
              <Skeleton active />
            ) : lowStock.length === 0 ? (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('dash.lowStockNone')} />
            ) : (
              <List
                size="small"
                dataSource={lowStock}
                renderItem={(p) => (
                  <List.Item
                    actions={[
                      p.deliveryMode === 'auto' ? (
                        <a key="keys" {...linkTo(`/supplier/products/${encodeURIComponent(p.id)}/keys`)}>
                          {t('products.importKeys')}
                        </a>
                      ) : (
                        <a key="edit" {...linkTo(`/supplier/products/${encodeURIComponent(p.id)}`)}>
                          {t('common.edit')}
                        </a>
                      ),
                    ]}
                  >
                    <List.Item.Meta
                      title={<Typography.Text ellipsis>{p.title}</Typography.Text>}
                      description={
                        <Tag color="orange">
                          {t('dash.stockLeft', { n: p.stock ?? 0, min: p.lowStockThreshold ?? 0 })}
                        </Tag>
                      }
                    />
                  </List.Item>
                )}
              />
            )}
          </Card>
        </Col>
        <Col xs={24}>
          <NoticesCard />
        </Col>
      </Row>
    </>
  );
}
