import { randomUuid } from '../lib/uuid.ts';
import type { createOrderBodySchema, createOrderResponseSchema, ProductDetailDto } from '@kameng/contracts';
import { shownUnitPrice } from '../lib/buyer-price.ts';
import { useQueries, useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Empty, Flex, Form, Input, List, Radio, Skeleton, Typography } from 'antd';
import { useState } from 'react';
import type { z } from 'zod';
import { errorText, useI18n } from '../i18n/index.ts';
import { api } from '../lib/api.ts';
import { showFieldErrors } from '../lib/form-errors.ts';
import { sameAsRule } from '../lib/form-rules.ts';
import { formatCents } from '../lib/money.ts';
import { isKnownMethod, methodLabel, usePaymentMethods } from '../lib/payments.ts';
import { linkTo, navigate, navigationState, useSearch, withQuery } from '../lib/router.ts';
import { useSession } from '../lib/session.ts';
import { type CheckoutState, parseCheckoutItems } from './checkout-link.ts';
import { rememberCheckout } from './order-memory.ts';

type CreateOrderBody = z.infer<typeof createOrderBodySchema>;
type CreatedOrder = z.infer<typeof createOrderResponseSchema>;
type Method = CreateOrderBody['paymentMethod'];

interface CheckoutValues {
  paymentMethod: Method;
  recipientAccount?: string;
  email?: string;
  lookupPassword?: string;
  lookupConfirm?: string;
}

function stateRecipient(): string {
  const s = navigationState() as CheckoutState | null;
  return typeof s?.recipientAccount === 'string' ? s.recipientAccount : '';
}

export function CheckoutPage() {
  const { t } = useI18n();
  const { me } = useSession();
  const search = useSearch();
  const [items] = useState(() => parseCheckoutItems(search.get('items')));
  // one key per visit: a double click or a retried request gives the same order, not two
  const [idempotencyKey] = useState(() => randomUuid());
  const [form] = Form.useForm<CheckoutValues>();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const available = usePaymentMethods();
  const products = useQueries({
    queries: items.map((i) => ({
      queryKey: ['product', i.productId],
      queryFn: () => api<ProductDetailDto>('GET', `/api/v1/products/${encodeURIComponent(i.productId)}`),
    })),
  });
  const wallet = useQuery({
    queryKey: ['wallet'],
    queryFn: () => api<{ balanceCents: number }>('GET', '/api/v1/wallet'),
    enabled: !!me,
  });

  if (items.length === 0) {
    return (
      <Card>
        <Empty description={t('checkout.nothing')}>
          <Button type="primary" {...linkTo('/')}>
            {t('cart.goShopping')}
          </Button>
        </Empty>
      </Card>
    );
  }
  if (me === undefined || available.isPending || (me && wallet.isPending) || products.some((p) => p.isPending)) {
    return <Skeleton active />;
  }
  const failed = products.find((p) => p.isError);
  if (failed) return <Alert type="error" showIcon message={errorText(t, failed.error)} />;

  const lines = items.map((item, i) => {
    const p = products[i]?.data as ProductDetailDto;
    const { unit } = shownUnitPrice(p, item.quantity);
    return { ...item, product: p, unit, amount: unit * item.quantity };
  });
  const total = lines.reduce((s, l) => s + l.amount, 0);
  const direct = lines.find((l) => l.product.deliveryMode === 'direct');
  const balance = wallet.data?.balanceCents;
  // what the server offers now; a guest has no wallet
  const methods: Method[] = (available.data ?? [])
    .map((m) => m.method)
    .filter(isKnownMethod)
    .filter((m) => me || m !== 'balance');
  const defaultMethod: Method | undefined =
    me && balance !== undefined && balance >= total ? 'balance' : methods.at(-1);

  const submit = async (v: CheckoutValues) => {
    setBusy(true);
    setError(null);
    const body: CreateOrderBody = {
      items: items.map(({ productId, quantity }) => ({ productId, quantity })),
      paymentMethod: v.paymentMethod,
      ...(direct && v.recipientAccount?.trim() ? { recipientAccount: v.recipientAccount.trim() } : {}),
      ...(!me && v.email && v.lookupPassword
        ? { guest: { email: v.email.trim(), lookupPassword: v.lookupPassword } }
        : {}),
    };
    try {
      const order = await apiWithKey(body, idempotencyKey);
      rememberCheckout(order.id, order.payment, body.guest?.lookupPassword);
      // the wallet pays at once; every other method is paid at the cashier, which then returns to the order
      navigate(
        order.payment.status === 'pending'
          ? `/cashier/${encodeURIComponent(order.payment.id)}`
          : `/orders/${encodeURIComponent(order.id)}`,
      );
    } catch (err) {
      const text = errorText(t, err);
      const onField = showFieldErrors(form, err, text, {
        recipientAccount: 'recipientAccount',
        paymentMethod: 'paymentMethod',
        'guest.email': 'email',
        'guest.lookupPassword': 'lookupPassword',
      });
      if (!onField) setError(text);
      setBusy(false);
    }
  };

  return (
    <Flex vertical gap={12} style={{ maxWidth: 720, margin: '0 auto', width: '100%' }}>
      <Typography.Title level={4} style={{ margin: 0 }}>
        {t('checkout.title')}
      </Typography.Title>
      <Card size="small" title={t('checkout.items')}>
        <List
          dataSource={lines}
          renderItem={(l) => (
            <List.Item extra={<Typography.Text strong>{formatCents(l.amount)}</Typography.Text>}>
              <List.Item.Meta
                title={<Typography.Text ellipsis>{l.product.title}</Typography.Text>}
                description={t('checkout.line', { price: formatCents(l.unit), count: String(l.quantity) })}
              />
            </List.Item>
          )}
        />
        <Flex justify="flex-end">
          <Typography.Text>
            {t('cart.total')}{' '}
            <Typography.Text strong style={{ color: '#e4393c', fontSize: 20 }} data-testid="checkout-total">
              {formatCents(total)}
            </Typography.Text>
          </Typography.Text>
        </Flex>
      </Card>
      <Card size="small">
        <Form<CheckoutValues>
          form={form}
          layout="vertical"
          requiredMark={false}
          onFinish={submit}
          initialValues={{ paymentMethod: defaultMethod, recipientAccount: stateRecipient() }}
        >
          {direct && (
            <Form.Item
              name="recipientAccount"
              label={direct.product.recipientField ?? t('product.recipient')}
              rules={[{ required: true, whitespace: true, message: t('validate.required') }]}
            >
              <Input maxLength={128} />
            </Form.Item>
          )}
          {!me && (
            <>
              <Alert
                type="info"
                showIcon
                style={{ marginBottom: 16 }}
                message={t('checkout.guestTitle')}
                description={
                  <>
                    {t('checkout.guestHint')}{' '}
                    <a {...linkTo(withQuery('/login', { next: location.pathname + location.search }))}>{t('login')}</a>
                  </>
                }
              />
              <Form.Item
                name="email"
                label={t('email')}
                rules={[
                  { required: true, whitespace: true, message: t('validate.required') },
                  { type: 'email', message: t('validate.email') },
                ]}
              >
                <Input type="email" autoComplete="email" maxLength={254} />
              </Form.Item>
              <Form.Item
                name="lookupPassword"
                label={t('checkout.lookupPassword')}
                extra={t('checkout.lookupPasswordHint')}
                rules={[
                  { required: true, message: t('validate.required') },
                  { min: 6, max: 64, message: t('validate.lookupLength') },
                ]}
              >
                <Input.Password autoComplete="new-password" maxLength={64} />
              </Form.Item>
              <Form.Item
                name="lookupConfirm"
                label={t('checkout.lookupConfirm')}
                dependencies={['lookupPassword']}
                rules={[
                  { required: true, message: t('validate.required') },
                  sameAsRule('lookupPassword', t('validate.passwordMismatch')),
                ]}
              >
                <Input.Password autoComplete="new-password" maxLength={64} />
              </Form.Item>
            </>
          )}
          <Form.Item
            name="paymentMethod"
            label={t('checkout.method')}
            rules={[{ required: true, message: t('checkout.chooseMethod') }]}
          >
            <Radio.Group style={{ width: '100%' }}>
              <Flex vertical gap={8}>
                {methods.map((m) => (
                  <Radio key={m} value={m} disabled={m === 'balance' && balance !== undefined && balance < total}>
                    {methodLabel(t, m)}
                    {m === 'balance' && balance !== undefined && (
                      <Typography.Text type="secondary" style={{ marginLeft: 8 }}>
                        {t('checkout.balance', { balance: formatCents(balance) })}
                      </Typography.Text>
                    )}
                    {m === 'balance' && balance !== undefined && balance < total && (
                      <a {...linkTo('/account/wallet')} style={{ marginLeft: 8 }}>
                        {t('checkout.topUpFirst')}
                      </a>
                    )}
                  </Radio>
                ))}
              </Flex>
            </Radio.Group>
          </Form.Item>
          {methods.length === 0 && (
            <Alert type="warning" showIcon message={t('checkout.noMethod')} style={{ marginBottom: 16 }} />
          )}
          {error && <Alert type="error" showIcon role="alert" message={error} style={{ marginBottom: 16 }} />}
          <Button type="primary" htmlType="submit" size="large" block loading={busy} disabled={methods.length === 0}>
            {t('checkout.submit', { total: formatCents(total) })}
          </Button>
        </Form>
      </Card>
    </Flex>
  );
}

function apiWithKey(body: CreateOrderBody, key: string): Promise<CreatedOrder> {
  return api<CreatedOrder>('POST', '/api/v1/orders', body, { 'idempotency-key': key });
}
