import { App, Button, DatePicker, Drawer, Empty, Form, Input, Space, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { ExportButtons } from '../console/export-buttons.tsx';
import { formatCents, formatTime } from '../console/format.ts';
import { FormModal } from '../console/form-modal.tsx';
import { OrderFacts } from '../console/order-facts.tsx';
import { ErrorAlert, PageHeader } from '../console/layout.tsx';
import { itemsLine, OrdersTable } from '../console/orders-table.tsx';
import { useGet, useInvalidate, withParams } from '../console/query.ts';
import { FilterSelect, OrderStatusFilter, pageOf } from '../console/table.tsx';
import type { OrderStatus, OrdersPage, OrderView } from '../console/types.ts';
import { useI18n } from '../i18n/index.ts';
import { api } from '../lib/api.ts';
import { useT } from './messages.ts';

const PAGE_SIZE = 20;
type Mode = 'auto' | 'manual' | 'direct';

/** A paid order that waits for the supplier's hand: manual goods and direct top-ups. */
export function awaitsSupplier(o: OrderView): boolean {
  return o.status === 'paid' && o.items.some((i) => i.deliveryMode === 'manual' || i.deliveryMode === 'direct');
}

/** The shop's orders; with `queue`, the paid manual and direct orders waiting for the supplier, oldest first. */
export default function Orders({ queue }: { queue: boolean }) {
  const t = useT();
  const { locale } = useI18n();
  const [status, setStatus] = useState<OrderStatus | undefined>();
  const [mode, setMode] = useState<Mode | undefined>();
  const [range, setRange] = useState<[Dayjs | null, Dayjs | null] | null>(null);
  const [page, setPage] = useState(1);
  const [open, setOpen] = useState<OrderView | null>(null);
  const [delivering, setDelivering] = useState<OrderView | null>(null);
  const [refunding, setRefunding] = useState<OrderView | null>(null);
  const filters = {
    queue: queue ? 'delivery' : undefined,
    status: queue ? undefined : status,
    deliveryMode: queue ? undefined : mode,
    from: range?.[0]?.startOf('day').valueOf(),
    to: range?.[1]?.endOf('day').valueOf(),
  };
  const path = withParams('/api/v1/supplier/orders', { ...filters, page, pageSize: PAGE_SIZE });
  const list = useGet<OrdersPage>(path, queue ? { refetchInterval: 30_000 } : {});

  return (
    <>
      <PageHeader
        title={queue ? t('menu.delivery') : t('menu.orders')}
        sub={queue ? t('orders.queueHint') : undefined}
        extra={<Button onClick={() => list.refetch()}>{t('common.refresh')}</Button>}
      />
      {!queue && (
        <Space wrap style={{ marginBottom: 16 }}>
          <OrderStatusFilter
            value={status}
            onChange={(v) => {
              setStatus(v);
              setPage(1);
            }}
          />
          <FilterSelect<Mode>
            width={160}
            value={mode}
            onChange={(v) => {
              setMode(v);
              setPage(1);
            }}
            options={(['auto', 'manual', 'direct'] as const).map((m) => ({ value: m, label: t(`delivery.${m}`) }))}
            allLabel={t('orders.allModes')}
            label={t('form.deliveryMode')}
          />
          <DatePicker.RangePicker
            value={range}
            onChange={(v) => {
              setRange(v);
              setPage(1);
            }}
            allowEmpty={[true, true]}
          />
          <ExportButtons path="/api/v1/supplier/orders/export" params={filters} />
        </Space>
      )}
      <ErrorAlert error={list.error} onRetry={() => list.refetch()} />
      <OrdersTable<OrderView>
        {...pageOf(list, page, setPage)}
        pageSize={PAGE_SIZE}
        emptyText={<Empty description={queue ? t('orders.queueEmpty') : t('orders.empty')} />}
        onOpen={setOpen}
        scrollX={960}
        after={[
          ...(queue
            ? [
                {
                  title: t('orders.recipient'),
                  dataIndex: 'recipientAccount',
                  width: 160,
                  render: (r: string | null) => r ?? '—',
                },
              ]
            : []),
          {
            title: t('orders.paidAt'),
            dataIndex: 'paidAt',
            width: 170,
            render: (v: number | null) => formatTime(v, locale),
          },
          {
            title: t('common.actions'),
            key: 'a',
            width: 150,
            fixed: 'right' as const,
            render: (_, o) =>
              awaitsSupplier(o) ? (
                <Space size={4}>
                  <Button size="small" type="primary" onClick={() => setDelivering(o)}>
                    {t('orders.deliver')}
                  </Button>
                  <Button size="small" danger onClick={() => setRefunding(o)}>
                    {t('orders.refund')}
                  </Button>
                </Space>
              ) : (
                <Button size="small" type="link" onClick={() => setOpen(o)}>
                  {t('common.view')}
                </Button>
              ),
          },
        ]}
      />
      <OrderDrawer
        order={open}
        onClose={() => setOpen(null)}
        onDeliver={(o) => {
          setOpen(null);
          setDelivering(o);
        }}
        onRefund={(o) => {
          setOpen(null);
          setRefunding(o);
        }}
      />
      <DeliverModal order={delivering} onClose={() => setDelivering(null)} />
      <RefundModal order={refunding} onClose={() => setRefunding(null)} />
    </>
  );
}

function OrderDrawer(props: {
  order: OrderView | null;
  onClose: () => void;
  onDeliver: (o: OrderView) => void;
  onRefund: (o: OrderView) => void;
}) {
  const t = useT();
  const o = props.order;
  return (
    <Drawer
      open={o !== null}
      onClose={props.onClose}
      title={t('orders.detail')}
      width={Math.min(560, window.innerWidth)}
    >
      {o && (
        <>
          <OrderFacts order={o} buyer={o.buyerContact ?? (o.guest ? t('orders.guest') : t('orders.member'))} />
          {o.deliveryContent && (
            <>
              <Typography.Title level={5} style={{ marginTop: 16 }}>
                {t('orders.delivered')}
              </Typography.Title>
              <Typography.Paragraph style={{ whiteSpace: 'pre-wrap' }}>{o.deliveryContent}</Typography.Paragraph>
            </>
          )}
          {awaitsSupplier(o) && (
            <Space style={{ marginTop: 16 }}>
              <Button type="primary" onClick={() => props.onDeliver(o)}>
                {t('orders.deliver')}
              </Button>
              <Button danger onClick={() => props.onRefund(o)}>
                {t('orders.refund')}
              </Button>
            </Space>
          )}
        </>
      )}
    </Drawer>
  );
}

function DeliverModal(props: { order: OrderView | null; onClose: () => void }) {
  const t = useT();
  const { message } = App.useApp();
  const invalidate = useInvalidate();
  const o = props.order;
  return (
    <FormModal<{ content: string }>
      key={o?.id ?? 'none'}
      open={o !== null}
      initialValues={o?.items.some((i) => i.deliveryMode === 'direct') ? { content: t('orders.toppedUp') } : {}}
      title={t('orders.deliverTitle', { id: o?.id ?? '' })}
      okText={t('orders.deliver')}
      onClose={props.onClose}
      onSubmit={async (v) => {
        if (!o) return;
        await api('POST', `/api/v1/supplier/orders/${encodeURIComponent(o.id)}/deliver`, { content: v.content.trim() });
        message.success(t('orders.deliveredOk'));
        await invalidate('/api/v1/supplier/orders');
      }}
    >
      {o && (
        <Typography.Paragraph>
          {itemsLine(o)}
          {o.recipientAccount ? ` · ${t('orders.recipient')}: ${o.recipientAccount}` : ''}
        </Typography.Paragraph>
      )}
      {/* the hint goes above the box: under it, the character count would sit on top of it */}
      <Typography.Paragraph type="secondary">{t('orders.contentHint')}</Typography.Paragraph>
      <Form.Item
        name="content"
        label={t('orders.content')}
        rules={[{ required: true, whitespace: true, message: t('common.required') }]}
      >
        <Input.TextArea autoSize={{ minRows: 4, maxRows: 10 }} maxLength={10_000} showCount />
      </Form.Item>
    </FormModal>
  );
}

function RefundModal(props: { order: OrderView | null; onClose: () => void }) {
  const t = useT();
  const { message } = App.useApp();
  const invalidate = useInvalidate();
  const o = props.order;
  return (
    <FormModal<{ reason: string }>
      open={o !== null}
      danger
      title={t('orders.refundTitle', { id: o?.id ?? '' })}
      okText={t('orders.refund')}
      onClose={props.onClose}
      onSubmit={async (v) => {
        if (!o) return;
        await api('POST', `/api/v1/supplier/orders/${encodeURIComponent(o.id)}/refund`, { reason: v.reason.trim() });
        message.success(t('orders.refundedOk'));
        await invalidate('/api/v1/supplier/orders');
      }}
    >
      {o && (
        <Typography.Paragraph>{t('orders.refundHint', { amount: formatCents(o.amountCents) })}</Typography.Paragraph>
      )}
      <Form.Item
        name="reason"
        label={t('orders.refundReason')}
        rules={[{ required: true, whitespace: true, message: t('common.required') }]}
      >
        <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} maxLength={500} showCount />
      </Form.Item>
    </FormModal>
  );
}
