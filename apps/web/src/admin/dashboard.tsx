import type { DailySalesDto, DailySignupsDto } from '@kameng/contracts';
import { useQueries } from '@tanstack/react-query';
import { Card, Col, Row, Segmented, Skeleton } from 'antd';
import { useMemo, useState } from 'react';
import { countAxis, DayChart, type Series, yuanAxis } from '../console/chart.tsx';
import { cstDate } from '../console/format.ts';
import { ErrorAlert, PageHeader } from '../console/layout.tsx';
import { StatCard } from '../console/stat-card.tsx';
import { useGet, withParams } from '../console/query.ts';
import type { DailySummary } from '../console/types.ts';
import { DisputeRatesCard } from '../disputes/rates-card.tsx';
import { api } from '../lib/api.ts';
import { useT } from './messages.ts';

/** How many wait in a queue: the `total` of a one-row page. */
function useCount(path: string) {
  return useGet<{ total: number }>(path, { refetchInterval: 60_000 });
}

function QueueCard(props: { title: string; query: ReturnType<typeof useCount>; to: string }) {
  return <StatCard title={props.title} value={props.query.data?.total} loading={props.query.isPending} to={props.to} />;
}

export default function Dashboard() {
  const t = useT();
  const [days, setDays] = useState(14);
  const sales = useGet<DailySalesDto>(withParams('/api/v1/admin/orders/daily-sales', { days }));
  const signups = useGet<DailySignupsDto>(withParams('/api/v1/admin/users/daily-signups', { days }));
  const dates = useMemo(() => Array.from({ length: days }, (_, i) => cstDate(i - days + 1)), [days]);
  // the ledger answers one day at a time; the days already over never change, so they stay cached
  const summaries = useQueries({
    queries: dates.map((date) => ({
      queryKey: ['console', `/api/v1/admin/ledger/daily-summary?date=${date}`],
      queryFn: () => api<DailySummary>('GET', `/api/v1/admin/ledger/daily-summary?date=${date}`),
      staleTime: date === dates.at(-1) ? 15_000 : Number.POSITIVE_INFINITY,
    })),
  });
  const applications = useCount('/api/v1/admin/supplier-applications?status=pending&pageSize=1');
  const products = useCount('/api/v1/admin/products?status=pending_review&pageSize=1');
  const withdrawals = useCount('/api/v1/admin/withdrawals?status=pending&pageSize=1');
  const attention = useCount('/api/v1/admin/orders?needsAttention=true&pageSize=1');

  const today = sales.data?.items.at(-1);
  const todayUsers = signups.data?.items.at(-1)?.users;
  const todaySummary = summaries.at(-1)?.data;
  const commissionValues = summaries.map((q) => q.data?.commissionCents ?? 0);
  const summaryError = summaries.find((q) => q.error)?.error;

  const gmvSeries: Series[] = [
    { name: t('dash.gmv'), kind: 'bar', values: sales.data?.items.map((d) => d.amountCents) ?? [] },
    { name: t('dash.commission'), kind: 'line', values: commissionValues },
  ];
  const countSeries = useMemo<Series[]>(
    () => [
      { name: t('dash.orders'), kind: 'bar', values: sales.data?.items.map((d) => d.orders) ?? [] },
      { name: t('dash.newUsers'), kind: 'line', values: signups.data?.items.map((d) => d.users) ?? [] },
    ],
    [sales.data, signups.data, t],
  );
  const moneyAxes = useMemo(() => [yuanAxis] as [typeof yuanAxis], []);
  const countAxes = useMemo(() => [countAxis] as [typeof countAxis], []);

  return (
    <>
      <PageHeader
        title={t('menu.dashboard')}
        extra={
          <Segmented
            value={days}
            onChange={(v) => setDays(Number(v))}
            options={[7, 14, 30].map((n) => ({ value: n, label: t('common.days', { n }) }))}
          />
        }
      />
      <ErrorAlert error={sales.error ?? signups.error ?? summaryError} onRetry={() => void sales.refetch()} />
      <Row gutter={[16, 16]}>
        <StatCard title={t('dash.todayGmv')} value={today?.amountCents} money loading={sales.isPending} />
        <StatCard title={t('dash.todayOrders')} value={today?.orders} loading={sales.isPending} />
        <StatCard
          title={t('dash.todayCommission')}
          value={todaySummary?.commissionCents}
          money
          loading={!todaySummary && !summaryError}
        />
        <StatCard title={t('dash.todayUsers')} value={todayUsers} loading={signups.isPending} />
        <QueueCard title={t('dash.pendingApplications')} query={applications} to="/admin/reviews" />
        <QueueCard title={t('dash.pendingProducts')} query={products} to="/admin/reviews" />
        <QueueCard title={t('dash.pendingWithdrawals')} query={withdrawals} to="/admin/withdrawals" />
        <QueueCard title={t('dash.attention')} query={attention} to="/admin/orders" />
        <Col xs={24} xl={12}>
          <Card title={t('dash.moneyChart')}>
            {sales.isPending ? (
              <Skeleton active />
            ) : (
              <DayChart
                dates={dates}
                series={gmvSeries}
                formatAxis={moneyAxes}
                moneyAxis={0}
                label={t('dash.moneyChart')}
              />
            )}
          </Card>
        </Col>
        <Col xs={24} xl={12}>
          <Card title={t('dash.countChart')}>
            {sales.isPending || signups.isPending ? (
              <Skeleton active />
            ) : (
              <DayChart dates={dates} series={countSeries} formatAxis={countAxes} label={t('dash.countChart')} />
            )}
          </Card>
        </Col>
        <Col span={24}>
          <DisputeRatesCard />
        </Col>
      </Row>
    </>
  );
}
