import { Table, Tag, Typography } from 'antd';
import { formatCents, formatTime } from '../console/format.ts';
import { ErrorAlert, PageHeader } from '../console/layout.tsx';
import { useGet } from '../console/query.ts';
import { ORDER_STATUS_COLOR, type OrderStatus } from '../console/types.ts';
import { useI18n } from '../i18n/index.ts';
import { useAgentsT } from './messages.ts';
import type { AgentOrder } from './types.ts';

/** Orders that earned the agent a margin: the amount, his margin and whether the sale was on his own 分站. */
export function AgentOrdersTable({ items, loading }: { items: AgentOrder[]; loading: boolean }) {
  const t = useAgentsT();
  const { locale } = useI18n();
  return (
    <Table<AgentOrder>
      size="small"
      rowKey="orderId"
      loading={loading}
      dataSource={items}
      pagination={items.length > 20 ? { pageSize: 20, showSizeChanger: false } : false}
      scroll={{ x: 720 }}
      locale={{ emptyText: t('orders.none') }}
      columns={[
        {
          title: t('common.createdAt'),
          dataIndex: 'createdAt',
          width: 170,
          render: (v: number) => formatTime(v, locale),
        },
        {
          title: t('orders.order'),
          dataIndex: 'orderId',
          width: 200,
          render: (id: string) => <Typography.Text copyable={{ text: id }}>{id.slice(-10)}</Typography.Text>,
        },
        { title: t('orders.amount'), dataIndex: 'amountCents', width: 110, render: (c: number) => formatCents(c) },
        {
          title: t('orders.margin'),
          dataIndex: 'marginCents',
          width: 110,
          render: (c: number) => (
            <Typography.Text strong type="success" data-testid="agent-margin">
              {formatCents(c)}
            </Typography.Text>
          ),
        },
        {
          title: t('common.status'),
          dataIndex: 'status',
          width: 100,
          render: (s: string) => (
            <Tag color={ORDER_STATUS_COLOR[s as OrderStatus] ?? 'default'}>
              {s in ORDER_STATUS_COLOR ? t(`order.${s as OrderStatus}`) : s}
            </Tag>
          ),
        },
        {
          title: t('orders.where'),
          dataIndex: 'onMySite',
          width: 110,
          render: (mine: boolean) => (mine ? t('orders.mine') : t('orders.sub_agent')),
        },
      ]}
    />
  );
}

/** /agent/orders */
export default function Orders() {
  const t = useAgentsT();
  const orders = useGet<{ items: AgentOrder[] }>('/api/v1/agent/orders');
  return (
    <>
      <PageHeader title={t('menu.orders')} sub={t('orders.sub')} />
      <ErrorAlert error={orders.error} onRetry={() => orders.refetch()} />
      <AgentOrdersTable items={orders.data?.items ?? []} loading={orders.isPending} />
    </>
  );
}
