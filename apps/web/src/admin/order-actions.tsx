import { App, Button, Form, Input, Popconfirm, Radio, Space, Typography } from 'antd';
import { useState } from 'react';
import { formatCents, yuanRule, yuanToCents } from '../console/format.ts';
import { FormModal } from '../console/form-modal.tsx';
import { ReauthModal } from '../console/reauth.tsx';
import { useInvalidate } from '../console/query.ts';
import { errorText } from '../i18n/index.ts';
import { api } from '../lib/api.ts';
import { useT } from './messages.ts';

export interface RefundableOrder {
  id: string;
  status: string;
  buyerId: string | null;
  paymentId: string | null;
  refundableCents: number;
}

const REFUNDABLE = ['paid', 'delivered', 'delivery_failed', 'disputed'];

interface RefundValues {
  amount: string;
  destination: 'wallet' | 'original';
  reason: string;
}

/**
 * What an operator does to one order: refund it (in full or in part, to the wallet or the channel), resend its
 * notice. Money leaves with a refund, so it goes out after the password (and TOTP) is confirmed, or within the
 * step-up window of the last confirmation.
 */
export function OrderActions({ order }: { order: RefundableOrder }) {
  const t = useT();
  const { message } = App.useApp();
  const invalidate = useInvalidate();
  const [refunding, setRefunding] = useState(false);
  const [pending, setPending] = useState<{ amountCents: number | null; destination: string; reason: string } | null>(
    null,
  );
  const sendRefund = async () => {
    if (!pending) return;
    await api('POST', `/api/v1/admin/payments/${encodeURIComponent(order.paymentId ?? '')}/refunds`, pending);
    message.success(t('orders.refunded'));
    await invalidate('/api/v1/admin/orders');
  };
  const canRefund = order.paymentId !== null && order.refundableCents > 0 && REFUNDABLE.includes(order.status);
  const canResend = order.status === 'delivered' || order.status === 'completed';
  const resend = async () => {
    try {
      await api('POST', `/api/v1/admin/orders/${encodeURIComponent(order.id)}/resend-delivery`);
      message.success(t('orders.resent'));
    } catch (err) {
      message.error(errorText(t, err));
    }
  };
  if (!canRefund && !canResend) return null;
  return (
    <>
      <Space wrap style={{ marginTop: 16 }}>
        {canRefund && (
          <Button danger onClick={() => setRefunding(true)}>
            {t('orders.refund')}
          </Button>
        )}
        {canResend && (
          <Popconfirm title={t('orders.resendConfirm')} okText={t('common.confirm')} onConfirm={resend}>
            <Button>{t('orders.resend')}</Button>
          </Popconfirm>
        )}
      </Space>
      <FormModal<RefundValues>
        open={refunding}
        danger
        title={t('orders.refundTitle', { id: order.id })}
        okText={t('orders.refund')}
        initialValues={{
          amount: (order.refundableCents / 100).toFixed(2),
          destination: order.buyerId ? 'wallet' : 'original',
        }}
        onClose={() => setRefunding(false)}
        onSubmit={async (v) => {
          setPending({ amountCents: yuanToCents(v.amount), destination: v.destination, reason: v.reason.trim() });
        }}
      >
        <Typography.Paragraph>
          {t('orders.refundLeft', { amount: formatCents(order.refundableCents) })}
        </Typography.Paragraph>
        <Form.Item
          name="amount"
          label={t('orders.refundAmount')}
          rules={[
            { required: true, message: t('common.required') },
            yuanRule(t('common.yuanInvalid')),
            {
              validator: async (_, value: string) => {
                const cents = yuanToCents(value ?? '');
                if (cents !== null && cents > order.refundableCents) throw new Error(t('orders.refundTooMuch'));
              },
            },
          ]}
        >
          <Input prefix="¥" inputMode="decimal" maxLength={13} />
        </Form.Item>
        <Form.Item name="destination" label={t('orders.refundTo')}>
          <Radio.Group
            options={[
              { value: 'wallet', label: t('orders.toWallet'), disabled: !order.buyerId },
              { value: 'original', label: t('orders.toOriginal') },
            ]}
          />
        </Form.Item>
        <Form.Item
          name="reason"
          label={t('orders.refundReason')}
          rules={[{ required: true, whitespace: true, message: t('common.required') }]}
        >
          <Input.TextArea autoSize={{ minRows: 2, maxRows: 5 }} maxLength={200} showCount />
        </Form.Item>
      </FormModal>
      <ReauthModal open={pending !== null} onClose={() => setPending(null)} action={sendRefund} />
    </>
  );
}
