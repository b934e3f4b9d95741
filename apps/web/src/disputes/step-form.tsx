import type { DisputeDto } from '@kameng/contracts';
import { useMutation } from '@tanstack/react-query';
import { Alert, App, Button, Flex, Form, Input, Segmented, Select } from 'antd';
import { errorText } from '../i18n/index.ts';
import { api } from '../lib/api.ts';
import { formatCents, parseYuan } from '../lib/money.ts';
import { useRefreshCase } from './case-view.tsx';
import { type DisputesKey, useDisputesT } from './messages.ts';

type Action = 'refund' | 'replace' | 'reject';
interface Values {
  action: Action;
  amount?: string;
  text: string;
  refundTo: 'wallet' | 'original';
}

/**
 * Refund (an amount, or the claimed keys' price when left empty), replace or reject, with the written
 * reason: the supplier's answer (`text` is its message) and the arbitrator's ruling (`text` is the ruling,
 * and he may send the refund back through the original channel).
 */
export function StepForm(props: {
  c: DisputeDto;
  url: string;
  textField: 'message' | 'ruling';
  title: DisputesKey;
  submit: DisputesKey;
  chooseRefundTo?: boolean;
}) {
  const t = useDisputesT();
  const { message } = App.useApp();
  const refresh = useRefreshCase(props.c.id);
  const [form] = Form.useForm<Values>();
  const action = Form.useWatch('action', form) ?? 'refund';
  const send = useMutation({
    mutationFn: (v: Values) => {
      const amountCents = v.action === 'refund' && v.amount ? parseYuan(v.amount) : null;
      return api('POST', props.url, {
        action: v.action,
        [props.textField]: v.text,
        ...(props.chooseRefundTo && v.action === 'refund' ? { refundTo: v.refundTo } : {}),
        ...(amountCents ? { amountCents } : {}),
      });
    },
    onSuccess: async () => {
      message.success(t('done'));
      await refresh();
    },
  });
  const max = formatCents(props.c.paidCents - props.c.refundedCents);
  return (
    <Form<Values>
      form={form}
      layout="vertical"
      style={{ marginTop: 12 }}
      initialValues={{ action: 'refund', refundTo: 'wallet' }}
      onFinish={(v) => send.mutate(v)}
    >
      {send.isError && <Alert type="error" showIcon role="alert" message={errorText(t, send.error)} />}
      <Form.Item name="action" label={t(props.title)}>
        <Segmented
          options={(['refund', 'replace', 'reject'] as const).map((a) => ({ value: a, label: t(`action.${a}`) }))}
        />
      </Form.Item>
      {action === 'refund' && (
        <Flex gap={12} wrap>
          <Form.Item
            name="amount"
            label={t('amount')}
            extra={t('amountHint', { max })}
            rules={[
              {
                validator: async (_, v?: string) =>
                  v && parseYuan(v) === null ? Promise.reject(new Error(t('amount'))) : undefined,
              },
            ]}
          >
            <Input inputMode="decimal" />
          </Form.Item>
          {props.chooseRefundTo && (
            <Form.Item name="refundTo" label={t('refundTo')}>
              <Select
                style={{ minWidth: 160 }}
                options={(['wallet', 'original'] as const).map((d) => ({ value: d, label: t(`refundTo.${d}`) }))}
              />
            </Form.Item>
          )}
        </Flex>
      )}
      <Form.Item
        name="text"
        label={t(props.textField === 'ruling' ? 'ruling' : 'message')}
        rules={[{ required: true, whitespace: true, max: 4000 }]}
      >
        <Input.TextArea autoSize={{ minRows: 2, maxRows: 8 }} />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={send.isPending}>
        {t(props.submit)}
      </Button>
    </Form>
  );
}
