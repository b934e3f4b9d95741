import { Button, Card, Row, Typography } from 'antd';
import { cstStartOfToday } from '../console/format.ts';
import { ErrorAlert, PageHeader } from '../console/layout.tsx';
import { useGet } from '../console/query.ts';
import { StatCard } from '../console/stat-card.tsx';
import { useAgentsT } from './messages.ts';
import { AgentOrdersTable } from './orders.tsx';
import { type AgentBalance, type AgentOrder, type AgentSiteDto, siteUrl } from './types.ts';

/** /agent: his money (available, held), today's orders and margin, his site's address and the latest orders. */
export default function Overview() {
  const t = useAgentsT();
  const balance = useGet<AgentBalance>('/api/v1/agent/balance');
  const orders = useGet<{ items: AgentOrder[] }>('/api/v1/agent/orders');
  const site = useGet<AgentSiteDto>('/api/v1/agent/site');
  const since = cstStartOfToday();
  const today = orders.data?.items.filter((o) => o.createdAt >= since);
  return (
    <>
      <PageHeader title={t('menu.overview')} />
      <ErrorAlert error={balance.error ?? orders.error ?? site.error} />
      <Row gutter={[16, 16]} style={{ marginBottom: 16 }}>
        <StatCard
          title={t('overview.available')}
          value={balance.data?.availableCents}
          money
          loading={balance.isPending}
          to="/agent/money"
        />
        <StatCard
          title={t('overview.held')}
          value={balance.data?.heldCents}
          money
          loading={balance.isPending}
          hint={t('overview.heldHint')}
        />
        <StatCard title={t('overview.todayOrders')} value={today?.length} loading={orders.isPending} />
        <StatCard
          title={t('overview.todayMargin')}
          value={today?.reduce((n, o) => n + o.marginCents, 0)}
          money
          loading={orders.isPending}
        />
      </Row>
      {site.data && (
        <Card size="small" title={t('overview.address')} style={{ marginBottom: 16 }}>
          <Typography.Text copyable data-testid="agent-host">
            {site.data.host}
          </Typography.Text>
          {site.data.customDomainStatus === 'approved' && site.data.customDomain && (
            <Typography.Text copyable style={{ marginLeft: 12 }}>
              {site.data.customDomain}
            </Typography.Text>
          )}
          <div style={{ marginTop: 8 }}>
            <Button href={siteUrl(site.data.host)} target="_blank" rel="noopener">
              {t('overview.open')}
            </Button>
          </div>
        </Card>
      )}
      <Card size="small" title={t('overview.recent')}>
        <AgentOrdersTable items={orders.data?.items.slice(0, 10) ?? []} loading={orders.isPending} />
      </Card>
    </>
  );
}
