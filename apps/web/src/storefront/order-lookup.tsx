import type { GuestOrders } from '@kameng/contracts';
import { emailSchema } from '@kameng/contracts';
import { Alert, Button, Card, Empty, Flex, Form, Input, Tabs, Typography } from 'antd';
import { useState } from 'react';
import { CodeField } from '../account/code-field.tsx';
import { errorText, useI18n } from '../i18n/index.ts';
import { api } from '../lib/api.ts';
import { useSearch } from '../lib/router.ts';
import { LookupByPassword, MemberHint, OrderView } from './order-page.tsx';

/**
 * 查询订单 from the header or the footer (and the delivery email's link, `?order=` filled in): a guest finds
 * an order by its number and lookup password, or every order he bought with an email by a one-time code sent
 * there.
 */
export function OrderLookupPage() {
  const { t } = useI18n();
  const prefill = useSearch().get('order') ?? '';
  const [found, setFound] = useState<GuestOrders['items'] | null>(null);
  if (found) return <FoundOrders orders={found} onAgain={() => setFound(null)} />;
  return (
    <Card title={t('order.lookupTitle')} style={{ maxWidth: 480, margin: '0 auto' }}>
      <Tabs
        items={[
          {
            key: 'password',
            label: t('order.byPassword'),
            children: <LookupByPassword id={prefill} />,
          },
          { key: 'code', label: t('order.byCode'), children: <LookupByCode onFound={setFound} /> },
        ]}
      />
      <MemberHint id="" />
    </Card>
  );
}

function LookupByCode({ onFound }: { onFound: (orders: GuestOrders['items']) => void }) {
  const { t } = useI18n();
  const [form] = Form.useForm<{ email: string; code: string }>();
  const email = Form.useWatch('email', form);
  const parsed = emailSchema.safeParse((email ?? '').trim());
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (v: { email: string; code: string }) => {
    setBusy(true);
    setError(null);
    try {
      const r = await api<GuestOrders>('POST', '/api/v1/orders/lookup/by-code', {
        email: v.email.trim(),
        code: v.code,
      });
      onFound(r.items);
    } catch (err) {
      setError(errorText(t, err));
      setBusy(false);
    }
  };
  return (
    <>
      <Typography.Paragraph type="secondary">{t('order.byCodeHint')}</Typography.Paragraph>
      <Form form={form} layout="vertical" requiredMark={false} onFinish={submit}>
        <Form.Item
          name="email"
          label={t('order.guestEmail')}
          rules={[{ required: true, type: 'email', message: t('validate.email') }]}
        >
          <Input maxLength={254} autoComplete="email" inputMode="email" data-testid="lookup-email" />
        </Form.Item>
        <Form.Item
          name="code"
          label={t('code.label')}
          rules={[{ required: true, pattern: /^\d{6}$/, message: t('validate.code') }]}
        >
          <CodeField
            purpose="order_lookup"
            target={parsed.success ? { email: parsed.data } : null}
            onError={setError}
          />
        </Form.Item>
        {error && <Alert type="error" showIcon role="alert" message={error} style={{ marginBottom: 16 }} />}
        <Button type="primary" htmlType="submit" block loading={busy}>
          {t('order.lookupSubmit')}
        </Button>
      </Form>
    </>
  );
}

function FoundOrders({ orders, onAgain }: { orders: GuestOrders['items']; onAgain: () => void }) {
  const { t } = useI18n();
  return (
    <Flex vertical gap={16}>
      <Flex
        justify="space-between"
        align="center"
        wrap
        gap={8}
        style={{ maxWidth: 720, margin: '0 auto', width: '100%' }}
      >
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('order.foundCount', { n: String(orders.length) })}
        </Typography.Title>
        <Button onClick={onAgain}>{t('order.lookupAgain')}</Button>
      </Flex>
      {orders.length === 0 ? (
        <Empty description={t('order.noneForEmail')} />
      ) : (
        orders.map((o) => (
          <div key={o.id} data-testid="found-order">
            <OrderView order={o} actions={null} />
          </div>
        ))
      )}
    </Flex>
  );
}
