import { Card, Row, Tabs } from 'antd';
import { ErrorAlert, PageHeader } from '../console/layout.tsx';
import { useGet } from '../console/query.ts';
import { StatCard } from '../console/stat-card.tsx';
import { PayoutAccounts, Withdrawals } from '../supplier/money.tsx';
import { useT as useSupplierT } from '../supplier/messages.ts';
import { useAgentsT } from './messages.ts';
import type { AgentBalance } from './types.ts';

const THIRD = { xs: 24, md: 8 };

/** /agent/money: his margins (held, available, being withdrawn), withdrawals with 2FA and his payout accounts. */
export default function Money() {
  const t = useAgentsT();
  const ts = useSupplierT();
  const balance = useGet<AgentBalance>('/api/v1/agent/balance');
  const b = balance.data;
  return (
    <>
      <PageHeader title={t('menu.money')} />
      <ErrorAlert error={balance.error} onRetry={() => balance.refetch()} />
      <Row gutter={[16, 16]} style={{ marginBottom: 16 }}>
        <StatCard
          title={t('overview.available')}
          value={b?.availableCents}
          money
          loading={balance.isPending}
          cols={THIRD}
        />
        <StatCard
          title={t('overview.held')}
          value={b?.heldCents}
          money
          loading={balance.isPending}
          hint={t('overview.heldHint')}
          cols={THIRD}
        />
        <StatCard
          title={t('money.withdrawing')}
          value={b?.withdrawingCents}
          money
          loading={balance.isPending}
          cols={THIRD}
        />
      </Row>
      <Card size="small">
        <Tabs
          items={[
            {
              key: 'withdrawals',
              label: ts('money.withdrawals'),
              children: <Withdrawals available={b?.availableCents ?? 0} base="/api/v1/agent" />,
            },
            { key: 'accounts', label: ts('money.payoutAccounts'), children: <PayoutAccounts base="/api/v1/agent" /> },
          ]}
        />
      </Card>
    </>
  );
}
