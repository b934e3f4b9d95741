import type { DailySalesDto, DailySignupsDto } from '@kameng/contracts';
import { useQueries } from '@tanstack/react-query';
import { Badge, Card, Col, Row, Segmented, Skeleton, Statistic } from 'antd';
import { useMemo, useState } from 'react';
import { DayChart, type Series } from '../console/chart.tsx';
import { cstDate, formatCents } from '../console/format.ts';
import { ErrorAlert, PageHeader } from '../console/layout.tsx';
import { useGet, withParams } from '../console/query.ts';
import type { DailySummary } from '../console/types.ts';
import { api } from '../lib/api.ts';
import { linkTo } from '../lib/router.ts';
import { useT } from './messages.ts';

const yuanAxis = (v: number) => formatCents(v).replace(/\.00$/, '');
const countAxis = (v: number) => String(v);

/** How many wait in a queue: the `total` of a one-row page. */
function useCount(path: string) {
  return useGet<{ total: number }>(path, { refetchInterval: 60_000 });
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

  const queue = (label: string, q: ReturnType<typeof useCount>, to: string) => (
    <Col xs={12} lg={6}>
      <a {...linkTo(to)}>
        <Card hoverable>
          <Statistic
            title={label}
            value={q.data?.total ?? '—'}
            loading={q.isPending}
            prefix={q.data && q.data.total > 0 ? <Badge status="processing" /> : null}
          />
        </Card>
      </a>
    </Col>
  );

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
        <Col xs={12} lg={6}>
          <Card>
            <Statistic
              title={t('dash.todayGmv')}
              value={today ? formatCents(today.amountCents) : '—'}
              loading={sales.isPending}
            />
          </Card>
        </Col>
        <Col xs={12} lg={6}>
          <Card>
            <Statistic title={t('dash.todayOrders')} value={today?.orders ?? '—'} loading={sales.isPending} />
          </Card>
        </Col>
        <Col xs={12} lg={6}>
          <Card>
            <Statistic
              title={t('dash.todayCommission')}
              value={todaySummary ? formatCents(todaySummary.commissionCents) : '—'}
              loading={!todaySummary && !summaryError}
            />
          </Card>
        </Col>
        <Col xs={12} lg={6}>
          <Card>
            <Statistic title={t('dash.todayUsers')} value={todayUsers ?? '—'} loading={signups.isPending} />
          </Card>
        </Col>
        {queue(t('dash.pendingApplications'), applications, '/admin/reviews')}
        {queue(t('dash.pendingProducts'), products, '/admin/reviews')}
        {queue(t('dash.pendingWithdrawals'), withdrawals, '/admin/withdrawals')}
        {queue(t('dash.attention'), attention, '/admin/orders')}
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
      </Row>
    </>
  );
}
