import type { orderViewSchema } from '@kameng/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  Button,
  Card,
  Descriptions,
  Flex,
  Form,
  Input,
  List,
  Popconfirm,
  Result,
  Skeleton,
  Steps,
  Tag,
  Typography,
} from 'antd';
import { type ReactNode, useEffect, useState } from 'react';
import type { z } from 'zod';
import { errorText, useI18n } from '../i18n/index.ts';
import { ApiFailure, api } from '../lib/api.ts';
import { formatCents } from '../lib/money.ts';
import { isKnownMethod, methodLabel } from '../lib/payments.ts';
import { linkTo, navigate } from '../lib/router.ts';
import { ShopLink } from './shop-link.tsx';
import { useSession } from '../lib/session.ts';
import { formatTime } from '../lib/time.ts';
import { MyCasesButton, OpenCaseButton, ReturnKeysButton } from '../disputes/buyer.tsx';
import { OrderKeys } from './order-keys.tsx';
import { type PaymentView, rememberedLookup, rememberedPayment, rememberLookup } from './order-memory.ts';

export type Order = z.infer<typeof orderViewSchema>;

const POLL_MS = 2000;
/** Still moving on its own: waiting for the payment notification or for delivery. */
const MOVING: Order['status'][] = ['pending_payment', 'paid'];

export function OrderPage({ id }: { id: string }) {
  const { me } = useSession();
  const [lookup, setLookup] = useState(() => rememberedLookup(id));
  if (me === undefined) return <Skeleton active />;
  // a guest order stays a guest order after signing in: it is still read with its lookup password
  if (lookup) return <GuestOrder id={id} lookupPassword={lookup} onForget={() => setLookup(null)} />;
  if (me) {
    return (
      <BuyerOrder
        id={id}
        onFound={(password) => {
          rememberLookup(id, password);
          setLookup(password);
        }}
      />
    );
  }
  return (
    <GuestLookupForm
      id={id}
      onFound={(password) => {
        rememberLookup(id, password);
        setLookup(password);
      }}
    />
  );
}

function BuyerOrder({ id, onFound }: { id: string; onFound: (lookupPassword: string) => void }) {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const order = useQuery({
    queryKey: ['order', id],
    // keys stay hidden (and unrecorded) until the buyer asks to see them: unseen keys can still go back
    queryFn: () => api<Order>('GET', `/api/v1/orders/${encodeURIComponent(id)}?keys=hidden`),
    refetchInterval: (q) => (q.state.data && MOVING.includes(q.state.data.status) ? POLL_MS : false),
  });
  const [revealed, setRevealed] = useState<string[] | null>(null);
  const reveal = async (): Promise<string[]> => {
    const r = await api<{ cardKeys: string[] }>('POST', `/api/v1/orders/${encodeURIComponent(id)}/keys/reveal`);
    setRevealed(r.cardKeys);
    return r.cardKeys;
  };
  const act = useMutation({
    mutationFn: (action: 'confirm' | 'cancel') =>
      api<Order>('POST', `/api/v1/orders/${encodeURIComponent(id)}/${action}`),
    onSuccess: () => {
      // the confirm/cancel answer carries no keys; the order is read again, with them
      void queryClient.invalidateQueries({ queryKey: ['order', id] });
      void queryClient.invalidateQueries({ queryKey: ['orders'] });
      void queryClient.invalidateQueries({ queryKey: ['wallet'] });
    },
  });
  if (order.isPending) return <Skeleton active />;
  if (order.isError) {
    if (order.error instanceof ApiFailure && order.error.status === 404) {
      return (
        <Flex vertical gap={12}>
          <Alert type="info" showIcon message={t('order.notYours')} />
          <GuestLookupForm id={id} onFound={onFound} />
        </Flex>
      );
    }
    return <OrderMissing error={order.error} />;
  }
  const o = revealed ? { ...order.data, cardKeys: revealed } : order.data;
  const keyLabels =
    o.cardKeys ?? Array.from({ length: o.cardKeyCount ?? 0 }, (_, i) => t('order.keyN', { n: String(i + 1) }));
  return (
    <OrderView
      order={o}
      onReveal={reveal}
      actions={
        <>
          {act.isError && <Alert type="error" showIcon role="alert" message={errorText(t, act.error)} />}
          <Flex gap={8} wrap>
            {o.status === 'delivered' && (
              <Popconfirm
                title={t('order.confirmQuestion')}
                okText={t('order.confirm')}
                cancelText={t('common.cancel')}
                onConfirm={() => act.mutate('confirm')}
              >
                <Button type="primary" loading={act.isPending}>
                  {t('order.confirm')}
                </Button>
              </Popconfirm>
            )}
            {o.status === 'pending_payment' && (
              <Popconfirm
                title={t('order.cancelQuestion')}
                okText={t('order.cancel')}
                cancelText={t('common.back')}
                onConfirm={() => act.mutate('cancel')}
              >
                <Button danger loading={act.isPending}>
                  {t('order.cancel')}
                </Button>
              </Popconfirm>
            )}
            {o.status === 'delivered' && <OpenCaseButton orderId={o.id} keys={keyLabels} />}
            {o.status === 'delivered' && !o.cardKeys && (o.cardKeyCount ?? 0) > 0 && (
              <ReturnKeysButton orderId={o.id} />
            )}
            {o.status === 'disputed' && <MyCasesButton />}
            <Button {...linkTo('/account/orders')}>{t('order.allOrders')}</Button>
          </Flex>
        </>
      }
    />
  );
}

function OrderMissing({ error }: { error: unknown }) {
  const { t } = useI18n();
  return (
    <Result
      status="error"
      title={errorText(t, error)}
      extra={
        <Button type="primary" {...linkTo('/account/orders')}>
          {t('order.allOrders')}
        </Button>
      }
    />
  );
}

/**
 * A guest's order is read with its lookup password, and lookups are rate-limited per order. So the page
 * follows the payment (public by its unguessable id) while it is pending and asks for the order itself
 * only when something changed, backing off while delivery runs.
 */
function GuestOrder({ id, lookupPassword, onForget }: { id: string; lookupPassword: string; onForget: () => void }) {
  const { t } = useI18n();
  const remembered = rememberedPayment(id);
  const order = useQuery({
    queryKey: ['guest-order', id],
    queryFn: () => api<Order>('POST', '/api/v1/orders/lookup', { orderId: id, lookupPassword }),
    refetchInterval: (q) =>
      q.state.data?.status === 'paid'
        ? Math.min(16_000, POLL_MS * 2 ** Math.max(0, q.state.dataUpdateCount - 2))
        : false,
    retry: false,
  });
  const waitingForPayment = order.data?.status === 'pending_payment' && remembered !== null;
  const payment = useQuery({
    queryKey: ['payment', remembered?.id],
    queryFn: () => api<PaymentView>('GET', `/api/v1/payments/${encodeURIComponent(remembered?.id ?? '')}`),
    enabled: waitingForPayment,
    refetchInterval: (q) => (q.state.data?.status === 'pending' || !q.state.data ? POLL_MS : false),
  });
  const queryClient = useQueryClient();
  const paymentStatus = payment.data?.status;
  useEffect(() => {
    // the payment moved: read the order once more to see what it did
    if (paymentStatus && paymentStatus !== 'pending')
      void queryClient.invalidateQueries({ queryKey: ['guest-order', id] });
  }, [paymentStatus, queryClient, id]);
  if (order.isPending) return <Skeleton active />;
  if (order.isError) {
    return (
      <Flex vertical gap={12}>
        <Alert type="error" showIcon message={errorText(t, order.error)} />
        <Button onClick={onForget}>{t('order.lookupAgain')}</Button>
      </Flex>
    );
  }
  return <OrderView order={order.data} actions={null} />;
}

/** A guest's order page asks for its lookup password first. */
function GuestLookupForm({ id, onFound }: { id: string; onFound: (password: string) => void }) {
  const { t } = useI18n();
  return (
    <Card title={t('order.lookupTitle')} style={{ maxWidth: 480, margin: '0 auto' }}>
      <LookupByPassword id={id} onFound={onFound} />
      <MemberHint id={id} />
    </Card>
  );
}

export function MemberHint({ id }: { id: string }) {
  const { t } = useI18n();
  return (
    <Typography.Paragraph style={{ marginTop: 16, marginBottom: 0, textAlign: 'center' }}>
      {t('order.memberHint')}{' '}
      <a {...linkTo(`/login?next=${encodeURIComponent(id ? `/orders/${id}` : '/account/orders')}`)}>{t('login')}</a>
    </Typography.Paragraph>
  );
}

/**
 * The order number and the lookup password; `id` fills in the number. On the order's own page `onFound` shows
 * it there; anywhere else (查询订单, the delivery email's link) the found order's page opens.
 */
export function LookupByPassword({
  id,
  onFound,
  focusPassword = id !== '',
}: {
  id: string;
  onFound?: (password: string) => void;
  focusPassword?: boolean;
}) {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (v: { orderId: string; lookupPassword: string }) => {
    setBusy(true);
    setError(null);
    try {
      const found = await api<Order>('POST', '/api/v1/orders/lookup', {
        orderId: v.orderId.trim(),
        lookupPassword: v.lookupPassword,
      });
      queryClient.setQueryData(['guest-order', found.id], found);
      if (onFound && found.id === id) onFound(v.lookupPassword);
      else {
        rememberLookup(found.id, v.lookupPassword);
        // within the app: the lookup password is kept in memory only, a reload would forget it
        navigate(`/orders/${encodeURIComponent(found.id)}`);
      }
    } catch (err) {
      setError(err instanceof ApiFailure && err.status === 404 ? t('order.lookupFailed') : errorText(t, err));
      setBusy(false);
    }
  };
  return (
    <>
      <Typography.Paragraph type="secondary">{t('order.lookupHint')}</Typography.Paragraph>
      <Form layout="vertical" requiredMark={false} onFinish={submit} initialValues={{ orderId: id }}>
        <Form.Item
          name="orderId"
          label={t('order.number')}
          rules={[{ required: true, whitespace: true, message: t('validate.required') }]}
        >
          <Input maxLength={64} autoComplete="off" autoFocus={!focusPassword} data-testid="lookup-order-number" />
        </Form.Item>
        <Form.Item
          name="lookupPassword"
          label={t('checkout.lookupPassword')}
          rules={[{ required: true, message: t('validate.required') }]}
        >
          <Input.Password maxLength={64} autoComplete="current-password" autoFocus={focusPassword} />
        </Form.Item>
        {error && <Alert type="error" showIcon role="alert" message={error} style={{ marginBottom: 16 }} />}
        <Button type="primary" htmlType="submit" block loading={busy}>
          {t('order.lookupSubmit')}
        </Button>
      </Form>
    </>
  );
}

/** The step being worked on: the ones before it are done (4 = all done). */
const STEP_OF: Record<Order['status'], number> = {
  pending_payment: 1,
  paid: 2,
  delivered: 3,
  completed: 4,
  cancelled: 1,
  refunded: 2,
  delivery_failed: 2,
  disputed: 3,
};
const STATUS_COLOR: Record<Order['status'], string> = {
  pending_payment: 'orange',
  paid: 'blue',
  delivered: 'green',
  completed: 'green',
  cancelled: 'default',
  refunded: 'purple',
  delivery_failed: 'red',
  disputed: 'volcano',
};

export function StatusTag({ status }: { status: Order['status'] }) {
  const { t } = useI18n();
  return <Tag color={STATUS_COLOR[status]}>{t(`orderStatus.${status}`)}</Tag>;
}

export function OrderView({
  order: o,
  actions,
  onReveal,
}: {
  order: Order;
  actions: ReactNode;
  onReveal?: () => Promise<string[]>;
}) {
  const { t, locale } = useI18n();
  const failed = ['cancelled', 'refunded', 'delivery_failed'].includes(o.status);
  return (
    <Flex vertical gap={12} style={{ maxWidth: 720, margin: '0 auto', width: '100%' }}>
      <Card size="small">
        <Flex vertical gap={12}>
          <Flex justify="space-between" align="center" wrap gap={8}>
            <Typography.Title level={4} style={{ margin: 0 }}>
              {t('order.title')}
            </Typography.Title>
            <span data-testid="order-status">
              <StatusTag status={o.status} />
            </span>
          </Flex>
          <Steps
            size="small"
            responsive={false}
            current={STEP_OF[o.status]}
            status={failed ? 'error' : o.status === 'completed' ? 'finish' : 'process'}
            items={[
              { title: t('order.stepPlaced') },
              { title: t('order.stepPaid') },
              { title: t('order.stepDelivered') },
              { title: t('order.stepDone') },
            ]}
          />
          <ShopLink id={o.supplierId} name={o.shopName} />
          <StatusNote order={o} />
          {((o.cardKeys?.length ?? 0) > 0 || (o.cardKeyCount ?? 0) > 0) && (
            <OrderKeys
              keys={o.cardKeys ?? null}
              count={o.cardKeys?.length ?? o.cardKeyCount ?? 0}
              {...(onReveal ? { onReveal } : {})}
            />
          )}
          {o.deliveryContent && (
            <Alert
              type="success"
              message={t('order.deliveryContent')}
              description={
                <Typography.Paragraph
                  copyable={{ tooltips: [t('order.copy'), t('order.copied')] }}
                  style={{ whiteSpace: 'pre-wrap', margin: 0 }}
                >
                  {o.deliveryContent}
                </Typography.Paragraph>
              }
            />
          )}
          {actions}
        </Flex>
      </Card>
      <Card size="small" title={t('order.details')}>
        <Descriptions size="small" column={1}>
          <Descriptions.Item label={t('order.number')}>
            <Typography.Text copyable={{ tooltips: [t('order.copy'), t('order.copied')] }} data-testid="order-id">
              {o.id}
            </Typography.Text>
          </Descriptions.Item>
          <Descriptions.Item label={t('order.amount')}>{formatCents(o.amountCents)}</Descriptions.Item>
          <Descriptions.Item label={t('checkout.method')}>
            {isKnownMethod(o.paymentMethod) ? methodLabel(t, o.paymentMethod) : o.paymentMethod}
          </Descriptions.Item>
          {o.recipientAccount && (
            <Descriptions.Item label={t('product.recipient')}>{o.recipientAccount}</Descriptions.Item>
          )}
          <Descriptions.Item label={t('order.createdAt')}>{formatTime(o.createdAt, locale)}</Descriptions.Item>
          {o.paidAt && <Descriptions.Item label={t('order.paidAt')}>{formatTime(o.paidAt, locale)}</Descriptions.Item>}
          {o.deliveredAt && (
            <Descriptions.Item label={t('order.deliveredAt')}>{formatTime(o.deliveredAt, locale)}</Descriptions.Item>
          )}
        </Descriptions>
        <List
          size="small"
          dataSource={o.items}
          renderItem={(i) => (
            <List.Item extra={formatCents(i.amountCents)}>
              <List.Item.Meta
                title={<a {...linkTo(`/products/${encodeURIComponent(i.productId)}`)}>{i.title}</a>}
                description={t('checkout.line', { price: formatCents(i.unitPriceCents), count: String(i.quantity) })}
              />
            </List.Item>
          )}
        />
      </Card>
    </Flex>
  );
}

function StatusNote({ order: o }: { order: Order }) {
  const { t, locale } = useI18n();
  if (o.status === 'pending_payment') {
    const payment = rememberedPayment(o.id);
    return (
      <Alert
        type="warning"
        showIcon
        message={t('order.awaitingPayment', { time: formatTime(o.reservedUntil, locale) })}
        description={
          payment ? (
            <Button
              type="primary"
              {...linkTo(`/cashier/${encodeURIComponent(payment.id)}`)}
              style={{ marginTop: 4 }}
              data-testid="to-cashier"
            >
              {t('order.pay', { amount: formatCents(o.amountCents) })}
            </Button>
          ) : (
            t('order.payElsewhere')
          )
        }
      />
    );
  }
  if (o.status === 'paid') return <Alert type="info" showIcon message={t('order.delivering')} />;
  if (o.status === 'delivered') {
    return <Alert type="success" showIcon message={t(o.guest ? 'order.deliveredGuestNote' : 'order.deliveredNote')} />;
  }
  if (o.status === 'completed') return <Alert type="success" showIcon message={t('order.completedNote')} />;
  return <Alert type={o.status === 'disputed' ? 'warning' : 'error'} showIcon message={t(`orderNote.${o.status}`)} />;
}
