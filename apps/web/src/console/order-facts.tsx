import { Descriptions, Table, Tag, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useI18n } from '../i18n/index.ts';
import { formatCents, formatTime } from './format.ts';
import { type CommonKey, useCommonT } from './i18n.ts';
import { ORDER_STATUS_COLOR, type OrderView } from './types.ts';

type OrderFactsInput = Omit<OrderView, 'cardKeys' | 'deliveryContent'>;

/** An order's facts and its items, as both consoles show them in a drawer; `buyer` and `extra` fill the rest. */
export function OrderFacts(props: { order: OrderFactsInput; buyer: ReactNode; extra?: ReactNode }) {
  const t = useCommonT();
  const { locale } = useI18n();
  const o = props.order;
  const payKey = `pay.${o.paymentMethod}`;
  return (
    <>
      <Descriptions column={1} size="small" bordered>
        <Descriptions.Item label={t('ord.id')}>
          <Typography.Text copyable>{o.id}</Typography.Text>
        </Descriptions.Item>
        <Descriptions.Item label={t('common.status')}>
          <Tag color={ORDER_STATUS_COLOR[o.status]}>{t(`order.${o.status}`)}</Tag>
        </Descriptions.Item>
        <Descriptions.Item label={t('common.amount')}>{formatCents(o.amountCents)}</Descriptions.Item>
        <Descriptions.Item label={t('ord.payment')}>
          {payKey === 'pay.balance' || payKey === 'pay.sandbox' ? t(payKey as CommonKey) : o.paymentMethod}
        </Descriptions.Item>
        <Descriptions.Item label={t('ord.buyer')}>{props.buyer}</Descriptions.Item>
        {o.recipientAccount && <Descriptions.Item label={t('ord.recipient')}>{o.recipientAccount}</Descriptions.Item>}
        <Descriptions.Item label={t('common.createdAt')}>{formatTime(o.createdAt, locale)}</Descriptions.Item>
        <Descriptions.Item label={t('ord.paidAt')}>{formatTime(o.paidAt, locale)}</Descriptions.Item>
        <Descriptions.Item label={t('ord.deliveredAt')}>{formatTime(o.deliveredAt, locale)}</Descriptions.Item>
        <Descriptions.Item label={t('ord.completedAt')}>{formatTime(o.completedAt, locale)}</Descriptions.Item>
        {props.extra}
      </Descriptions>
      <Table
        style={{ marginTop: 16 }}
        size="small"
        rowKey="productId"
        pagination={false}
        dataSource={o.items}
        scroll={{ x: 420 }}
        columns={[
          { title: t('ord.item'), width: 200, dataIndex: 'title' },
          { title: t('ord.qty'), dataIndex: 'quantity', width: 60 },
          { title: t('ord.unit'), dataIndex: 'unitPriceCents', width: 100, render: (c: number) => formatCents(c) },
          {
            title: t('ord.mode'),
            dataIndex: 'deliveryMode',
            width: 110,
            render: (m: string) => (m === 'auto' || m === 'manual' || m === 'direct' ? t(`delivery.${m}`) : m),
          },
        ]}
      />
    </>
  );
}
