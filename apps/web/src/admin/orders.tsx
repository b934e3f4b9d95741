import type { UserContactDto } from '@kameng/contracts';
import { Card, DatePicker, Descriptions, Drawer, Input, Segmented, Space, Tag, Timeline, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { BackgroundExport } from '../console/background-export.tsx';
import { ExportButtons } from '../console/export-buttons.tsx';
import { formatTime } from '../console/format.ts';
import { eventCause } from '../console/i18n.ts';
import { OrderFacts } from '../console/order-facts.tsx';
import { ErrorAlert, PageHeader } from '../console/layout.tsx';
import { OrdersTable } from '../console/orders-table.tsx';
import { useGet, withParams } from '../console/query.ts';
import { OrderStatusFilter, pageOf } from '../console/table.tsx';
import { ORDER_STATUS_COLOR, type OrderStatus, type OrdersPage, type OrderView } from '../console/types.ts';
import { useI18n } from '../i18n/index.ts';
import { Named } from '../console/named.tsx';
import { RevealText } from '../console/reveal-text.tsx';
import { api } from '../lib/api.ts';
import { useT } from './messages.ts';
import { OrderActions } from './order-actions.tsx';

type Queue = 'all' | 'attention' | 'failed';

interface OperatorOrder extends Omit<OrderView, 'cardKeys' | 'deliveryContent'> {
  buyerId: string | null;
  guestEmail: string | null;
  needsAttention: boolean;
  paymentId: string | null;
  refundableCents: number;
  events: { from: OrderStatus | null; to: OrderStatus; cause: string; at: number }[];
}

export default function Orders() {
  const t = useT();
  const { locale } = useI18n();
  const [queue, setQueue] = useState<Queue>('all');
  const [q, setQ] = useState('');
  const [status, setStatus] = useState<OrderStatus | undefined>();
  const [range, setRange] = useState<[Dayjs | null, Dayjs | null] | null>(null);
  const [page, setPage] = useState(1);
  const [openId, setOpenId] = useState<string | null>(null);
  const filters = {
    q: q.trim(),
    status: queue === 'failed' ? 'delivery_failed' : status,
    needsAttention: queue === 'attention' ? true : undefined,
    from: range?.[0]?.startOf('day').valueOf(),
    to: range?.[1]?.endOf('day').valueOf(),
  };
  const list = useGet<OrdersPage>(withParams('/api/v1/admin/orders', { ...filters, page, pageSize: 20 }));
  return (
    <>
      <PageHeader title={t('menu.orders')} />
      <Card>
        <Space wrap style={{ marginBottom: 12 }}>
          <Segmented<Queue>
            value={queue}
            onChange={(v) => {
              setQueue(v);
              setPage(1);
            }}
            options={[
              { value: 'all', label: t('orders.all') },
              { value: 'attention', label: t('orders.attention') },
              { value: 'failed', label: t('order.delivery_failed') },
            ]}
          />
          <Input.Search
            allowClear
            placeholder={t('orders.search')}
            onSearch={(v) => {
              setQ(v);
              setPage(1);
            }}
            style={{ width: 280 }}
            maxLength={254}
          />
          {queue !== 'failed' && (
            <OrderStatusFilter
              value={status}
              onChange={(v) => {
                setStatus(v);
                setPage(1);
              }}
            />
          )}
          <DatePicker.RangePicker
            value={range}
            allowEmpty={[true, true]}
            onChange={(v) => {
              setRange(v);
              setPage(1);
            }}
          />
          <ExportButtons path="/api/v1/admin/orders/export" params={filters} />
          <BackgroundExport path="/api/v1/admin/orders/export-jobs" filters={filters} />
        </Space>
        <ErrorAlert error={list.error} onRetry={() => list.refetch()} />
        <OrdersTable<OrderView>
          {...pageOf(list, page, setPage)}
          emptyText={queue === 'all' ? t('orders.none') : t('orders.queueEmpty')}
          onOpen={(o) => setOpenId(o.id)}
          scrollX={1000}
          middle={[
            {
              title: t('orders.buyer'),
              key: 'buyer',
              width: 200,
              render: (_: unknown, o: OrderView) => o.buyerContact ?? t('orders.guest'),
            },
            {
              title: t('ord.shop'),
              key: 'shop',
              width: 140,
              render: (_: unknown, o: OrderView) => o.shopName ?? '—',
            },
          ]}
          after={[
            {
              title: t('common.createdAt'),
              dataIndex: 'createdAt',
              width: 170,
              render: (v: number) => formatTime(v, locale),
            },
          ]}
        />
      </Card>
      <OrderDrawer id={openId} onClose={() => setOpenId(null)} />
    </>
  );
}

/** The buyer as operators see him: his email, or his phone masked with an audited 显示. */
function BuyerContact({ order }: { order: OperatorOrder }) {
  const t = useT();
  const { buyerId, buyerContact } = order;
  if (!buyerId || !buyerContact?.includes('*')) return <>{buyerContact ?? order.guestEmail ?? t('orders.guest')}</>;
  return (
    <RevealText
      masked={buyerContact}
      testId="buyer-contact"
      reveal={async () => {
        const c = await api<UserContactDto>('POST', `/api/v1/admin/users/${encodeURIComponent(buyerId)}/contact`);
        return c.email ?? c.phone;
      }}
    />
  );
}

function OrderDrawer(props: { id: string | null; onClose: () => void }) {
  const t = useT();
  const { locale } = useI18n();
  const order = useGet<OperatorOrder>(props.id ? `/api/v1/admin/orders/${encodeURIComponent(props.id)}` : null);
  const o = order.data;
  return (
    <Drawer
      open={props.id !== null}
      onClose={props.onClose}
      title={t('orders.detail')}
      width={Math.min(600, window.innerWidth)}
    >
      <ErrorAlert error={order.error} onRetry={() => order.refetch()} />
      {o && (
        <>
          <OrderFacts
            order={o}
            buyer={<Named name={<BuyerContact order={o} />} id={o.buyerId} />}
            extra={
              <>
                <Descriptions.Item label={t('orders.supplier')}>
                  <Named name={o.shopName ?? '—'} id={o.supplierId} />
                </Descriptions.Item>
                {o.needsAttention && (
                  <Descriptions.Item label={t('orders.attention')}>
                    <Tag color="red">{t('orders.attention')}</Tag>
                  </Descriptions.Item>
                )}
              </>
            }
          />
          <OrderActions order={o} />
          <Typography.Title level={5} style={{ marginTop: 16 }}>
            {t('orders.history')}
          </Typography.Title>
          <Timeline
            items={o.events.map((e) => ({
              color: ORDER_STATUS_COLOR[e.to] === 'red' ? 'red' : 'blue',
              children: (
                <>
                  <div>
                    {e.from ? `${t(`order.${e.from}`)} → ` : ''}
                    <Typography.Text strong>{t(`order.${e.to}`)}</Typography.Text>
                  </div>
                  <Typography.Text type="secondary">
                    {formatTime(e.at, locale)} · {eventCause(t, e.cause)}
                  </Typography.Text>
                </>
              ),
            }))}
          />
        </>
      )}
    </Drawer>
  );
}
