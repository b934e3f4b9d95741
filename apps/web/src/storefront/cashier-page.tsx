import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Flex, Radio, Result, Skeleton, Spin, Typography } from 'antd';
import { lazy, Suspense, useEffect, useState } from 'react';
import { errorText, type MessageKey, useI18n } from '../i18n/index.ts';
import { ApiFailure, api } from '../lib/api.ts';
import { formatCents } from '../lib/money.ts';
import { channelOf, sceneSchema } from '@kameng/contracts';
import { defaultScene, isChannel, isPhone, methodLabel, type PaymentView, usePaymentMethods } from '../lib/payments.ts';
import { linkTo, navigate } from '../lib/router.ts';
import { useSession } from '../lib/session.ts';
import { formatTime } from '../lib/time.ts';
import { paysFor } from './order-memory.ts';

const QrImage = lazy(() => import('../lib/qr-image.tsx'));
const POLL_MS = 2000;

function sceneLabel(scene: string): MessageKey {
  return sceneSchema.safeParse(scene).success ? (`scene.${scene}` as MessageKey) : 'scene.other';
}

/**
 * Our cashier: where a payment is paid at its channel (a QR code to scan, or a link to the channel's page)
 * and where the channel sends the buyer back (`/cashier/:paymentId`). It follows the payment until it is
 * paid, then goes on to what it paid for.
 */
export function CashierPage({ id }: { id: string }) {
  const { t, locale } = useI18n();
  const { me } = useSession();
  const queryClient = useQueryClient();
  const [target] = useState(() => paysFor(id));
  const payment = useQuery({
    queryKey: ['payment', id],
    queryFn: () => api<PaymentView>('GET', `/api/v1/payments/${encodeURIComponent(id)}`),
    refetchInterval: (q) => (q.state.data?.status === 'pending' ? POLL_MS : false),
  });
  const status = payment.data?.status;
  useEffect(() => {
    if (status !== 'paid') return;
    // the money moved: what the buyer sees next is read afresh
    for (const key of ['wallet', 'postings', 'orders', 'order', 'guest-order', 'my-level', 'my-agent']) {
      void queryClient.invalidateQueries({ queryKey: [key] });
    }
    if (!target) return;
    // paid: go on to what was bought, as the buyer would next look for it
    const timer = setTimeout(() => {
      if ('orderId' in target) navigate(`/orders/${encodeURIComponent(target.orderId)}`, null, { replace: true });
      else if ('level' in target) navigate('/account/level', null, { replace: true });
      else if ('agentFee' in target) navigate('/account/agent', null, { replace: true });
      else navigate('/account/wallet', null, { replace: true });
    }, 1200);
    return () => clearTimeout(timer);
  }, [status, target, queryClient]);

  if (payment.isPending) return <Skeleton active />;
  if (payment.isError) {
    const missing = payment.error instanceof ApiFailure && payment.error.status === 404;
    return (
      <Result
        status={missing ? '404' : 'error'}
        title={missing ? t('cashier.notFound') : errorText(t, payment.error)}
        extra={<Button {...linkTo('/')}>{t('backHome')}</Button>}
      />
    );
  }
  const p = payment.data;
  const method = methodLabel(t, p.method);
  if (p.status === 'paid') {
    return (
      <Result
        status="success"
        title={t('cashier.paid', { amount: formatCents(p.amountCents) })}
        subTitle={target ? t('cashier.goingOn') : undefined}
        extra={
          target && 'orderId' in target ? (
            <Button type="primary" {...linkTo(`/orders/${encodeURIComponent(target.orderId)}`)}>
              {t('cashier.toOrder')}
            </Button>
          ) : (
            // a top-up (or a payment this tab did not start): the wallet, the shop, the orders
            <Flex wrap gap={8} justify="center">
              {me && (
                <Button type="primary" {...linkTo('/account/wallet')}>
                  {t('cashier.toWallet')}
                </Button>
              )}
              <Button type={me ? 'default' : 'primary'} {...linkTo('/')}>
                {t('cashier.shopOn')}
              </Button>
              {me && <Button {...linkTo('/account/orders')}>{t('order.allOrders')}</Button>}
            </Flex>
          )
        }
      />
    );
  }
  if (p.status !== 'pending') {
    return (
      <Result
        status="error"
        title={t(p.status === 'failed' ? 'cashier.failed' : 'cashier.closed')}
        extra={<Button {...linkTo('/')}>{t('backHome')}</Button>}
      />
    );
  }
  return (
    <Card style={{ maxWidth: 520, margin: '0 auto' }} title={t('cashier.title')}>
      <Flex vertical gap={16} align="center">
        <Typography.Text type="secondary">{method}</Typography.Text>
        <Typography.Title level={2} style={{ margin: 0, color: '#e4393c' }} data-testid="cashier-amount">
          {formatCents(p.amountCents)}
        </Typography.Title>
        {p.expiresAt && (
          <Typography.Text type="secondary">
            {t('cashier.payBefore', { time: formatTime(p.expiresAt, locale) })}
          </Typography.Text>
        )}
        <PayAction payment={p} onLaunched={(next) => queryClient.setQueryData(['payment', id], next)} />
        <Flex align="center" gap={8}>
          <Spin size="small" />
          <Typography.Text type="secondary">{t('cashier.waiting')}</Typography.Text>
        </Flex>
        {target && 'orderId' in target && (
          <a {...linkTo(`/orders/${encodeURIComponent(target.orderId)}`)}>{t('cashier.toOrder')}</a>
        )}
      </Flex>
    </Card>
  );
}

/** The channel's own step: its QR code, a link to its page, or (before checkout) the way to pay there. */
function PayAction({ payment: p, onLaunched }: { payment: PaymentView; onLaunched: (p: PaymentView) => void }) {
  const { t, locale } = useI18n();
  const methods = usePaymentMethods();
  const scenes = methods.data?.find((m) => m.method === p.method)?.scenes ?? [];
  const [scene, setScene] = useState<string | null>(null);
  const chosen = scene ?? defaultScene(p.method, scenes, isPhone());
  const launch = useMutation({
    mutationFn: (s: string) =>
      api<PaymentView>('POST', `/api/v1/payments/${encodeURIComponent(p.id)}/checkout`, { scene: s }),
    onSuccess: onLaunched,
  });
  // most channels can be paid another way after starting (another QR or page for the same trade); some
  // (WeChat Pay) keep the trade type it was first placed with
  const launched = Boolean(p.qrCode || p.payUrl);
  const channel = isChannel(p.method) ? channelOf(p.method) : null;
  const switcher =
    launched && channel && !channel.sceneFixedAfterLaunch && scenes.length > 1 ? (
      <Radio.Group
        optionType="button"
        value={p.scene ?? undefined}
        disabled={launch.isPending}
        onChange={(e) => launch.mutate(String(e.target.value))}
        options={scenes.map((s) => ({ value: s, label: t(sceneLabel(s)) }))}
      />
    ) : null;
  const failure = launch.isError ? (
    <Alert type="error" showIcon role="alert" message={errorText(t, launch.error)} />
  ) : null;
  if (p.qrCode) {
    return (
      <Flex vertical align="center" gap={8}>
        {switcher}
        {failure}
        <Suspense fallback={<Skeleton.Node active style={{ width: 220, height: 220 }} />}>
          <QrImage text={p.qrCode} alt={t('cashier.qrAlt')} />
        </Suspense>
        <Typography.Text>
          {t('cashier.scan', { app: channel?.scanApp?.[locale] ?? methodLabel(t, p.method) })}
        </Typography.Text>
      </Flex>
    );
  }
  if (p.payUrl) {
    // a channel paid by a posted form: our launch page posts the signed form there (the site's CSP lets forms
    // post only to ourselves, that page allows the channel's gateway)
    const payHref =
      channel?.launchBy === 'form_post' ? `/api/v1/payments/${encodeURIComponent(p.id)}/launch` : p.payUrl;
    return (
      <Flex vertical align="center" gap={12}>
        {switcher}
        {failure}
        <Button type="primary" size="large" href={payHref} target="_blank" rel="noopener" data-testid="pay-button">
          {t('order.pay', { amount: formatCents(p.amountCents) })}
        </Button>
      </Flex>
    );
  }
  if (!isChannel(p.method)) return null;
  if (methods.isPending) return <Skeleton active paragraph={{ rows: 1 }} />;
  if (scenes.length === 0) return <Alert type="warning" showIcon message={t('cashier.unavailable')} />;
  return (
    <Flex vertical align="center" gap={12}>
      {scenes.length > 1 && (
        <Radio.Group
          optionType="button"
          value={chosen}
          onChange={(e) => setScene(String(e.target.value))}
          options={scenes.map((s) => ({ value: s, label: t(sceneLabel(s)) }))}
        />
      )}
      {failure}
      <Button
        type="primary"
        size="large"
        loading={launch.isPending}
        disabled={!chosen}
        onClick={() => chosen && launch.mutate(chosen)}
      >
        {t('cashier.start')}
      </Button>
    </Flex>
  );
}
