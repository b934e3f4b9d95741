import type { orderViewSchema } from '@kameng/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Descriptions, Flex, Form, InputNumber, Popconfirm, Result, Skeleton } from 'antd';
import { useRef } from 'react';
import type { z } from 'zod';
import { errorText } from '../i18n/index.ts';
import { api } from '../lib/api.ts';
import { formatCents } from '../lib/money.ts';
import { linkTo } from '../lib/router.ts';
import { useDisputesT } from './messages.ts';

type Order = z.infer<typeof orderViewSchema>;
interface KeyReturn {
  id: string;
  orderId: string;
  keys: number;
  refundedCents: number;
}

/**
 * A buyer gives back keys he never looked at, within the return window, and is refunded to his wallet at the
 * price he paid (POST /orders/:id/key-returns; the server counts which keys were never shown and prices them).
 */
export function KeyReturnPage({ orderId }: { orderId: string }) {
  const t = useDisputesT();
  const queryClient = useQueryClient();
  const path = `/api/v1/orders/${encodeURIComponent(orderId)}`;
  // read with ?keys=hidden: opening this page must not count as looking at the keys
  const order = useQuery({ queryKey: ['order', orderId], queryFn: () => api<Order>('GET', `${path}?keys=hidden`) });
  // one return per visit to this page: a double click or a retry after a lost answer gives the same return
  const key = useRef(crypto.randomUUID());
  const [form] = Form.useForm<{ quantity: number }>();
  const give = useMutation({
    mutationFn: (quantity: number) =>
      api<KeyReturn>('POST', `${path}/key-returns`, { quantity }, { 'idempotency-key': key.current }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['order', orderId] });
      void queryClient.invalidateQueries({ queryKey: ['orders'] });
      void queryClient.invalidateQueries({ queryKey: ['wallet'] });
    },
  });
  const back = (
    <Button key="order" {...linkTo(`/orders/${encodeURIComponent(orderId)}`)}>
      {t('return.backToOrder')}
    </Button>
  );
  if (give.data) {
    return (
      <Card>
        <Result
          status="success"
          title={t('return.done', { n: String(give.data.keys), amount: formatCents(give.data.refundedCents) })}
          subTitle={t('return.doneHint')}
          extra={[
            <Button key="wallet" type="primary" {...linkTo('/account/wallet')}>
              {t('return.wallet')}
            </Button>,
            back,
          ]}
        />
      </Card>
    );
  }
  if (order.isPending) return <Skeleton active />;
  if (order.isError) return <Alert type="error" showIcon role="alert" message={errorText(t, order.error)} />;
  const o = order.data;
  const count = o.cardKeyCount ?? 0;
  const returnable = o.status === 'delivered' && !o.cardKeys && count > 0;
  return (
    <Card title={t('return.title')}>
      <Flex vertical gap={16} style={{ maxWidth: 560 }}>
        <Alert type="info" showIcon message={t('return.hint')} />
        <Descriptions column={1} size="small" bordered>
          <Descriptions.Item label={t('return.order')}>{o.id}</Descriptions.Item>
          <Descriptions.Item label={t('return.items')}>
            {o.items.map((i) => `${i.title} × ${i.quantity}（${formatCents(i.unitPriceCents)}）`).join('，')}
          </Descriptions.Item>
          <Descriptions.Item label={t('return.keys')}>{count}</Descriptions.Item>
        </Descriptions>
        {!returnable && <Alert type="warning" showIcon message={t('return.notReturnable')} />}
        {give.isError && <Alert type="error" showIcon role="alert" message={errorText(t, give.error)} />}
        {returnable && (
          <Form
            form={form}
            layout="vertical"
            requiredMark={false}
            initialValues={{ quantity: count }}
            onFinish={(v) => give.mutate(v.quantity)}
          >
            <Form.Item
              name="quantity"
              label={t('return.quantity', { max: String(count) })}
              rules={[{ required: true, type: 'integer', min: 1, max: count, message: t('return.quantityRule') }]}
            >
              <InputNumber min={1} max={count} precision={0} style={{ width: 160 }} />
            </Form.Item>
            <Flex gap={8} wrap>
              {/* money moves and the keys are gone for good: it asks first */}
              <Popconfirm
                title={t('return.confirm')}
                okText={t('return.submit')}
                cancelText={t('return.cancel')}
                onConfirm={() => form.submit()}
              >
                <Button type="primary" danger loading={give.isPending}>
                  {t('return.submit')}
                </Button>
              </Popconfirm>
              {back}
            </Flex>
          </Form>
        )}
        {!returnable && <Flex>{back}</Flex>}
      </Flex>
    </Card>
  );
}
