import type { AgentApplicationDto } from '@kameng/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Flex, Form, Input, Radio, Skeleton, Tag, Typography } from 'antd';
import { useRef, useState } from 'react';
import { errorText } from '../console/i18n.ts';
import { useI18n } from '../i18n/index.ts';
import { useMyAgent } from '../lib/agent.ts';
import { api } from '../lib/api.ts';
import { showFieldErrors } from '../lib/form-errors.ts';
import { formatCents } from '../lib/money.ts';
import { methodLabel, type PaymentView, usePaymentMethods } from '../lib/payments.ts';
import { linkTo, navigate } from '../lib/router.ts';
import { useSession } from '../lib/session.ts';
import { randomUuid } from '../lib/uuid.ts';
import { rememberAgentFee } from '../storefront/order-memory.ts';
import { AGENT_STATUS_COLOR } from './status.ts';
import { useAgentsT } from './messages.ts';

interface ApplyValues {
  siteName: string;
  subdomain: string;
}

/** 我的 › 开分站: apply for a 分站 (on an agent's 分站: to become his sub-agent) and follow the application. */
export default function AgentApplyPage() {
  const t = useAgentsT();
  const { me } = useSession();
  const client = useQueryClient();
  const [form] = Form.useForm<ApplyValues>();
  const [error, setError] = useState<string | null>(null);
  const mine = useMyAgent(!!me);
  const info = useQuery({
    queryKey: ['agent-apply-info'],
    queryFn: () => api<{ siteDomain: string; parentSiteName: string | null }>('GET', '/api/v1/agent/apply-info'),
  });
  const apply = useMutation({
    mutationFn: (v: ApplyValues) =>
      api<{ id: string }>('POST', '/api/v1/agent/applications', {
        siteName: v.siteName.trim(),
        subdomain: v.subdomain.trim().toLowerCase(),
      }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['my-agent'] }),
    onError: (err) => {
      const text = errorText(t, err);
      if (!showFieldErrors(form, err, text, { siteName: 'siteName', subdomain: 'subdomain' })) setError(text);
    },
  });
  if (mine.isPending || info.isPending) return <Skeleton active />;
  const failed = mine.error ?? info.error;
  if (failed) return <Alert type="error" showIcon message={errorText(t, failed)} />;
  const a = mine.data;
  const domain = info.data?.siteDomain ?? '';
  return (
    <Flex vertical gap={12}>
      {a && <MyApplication application={a} domain={domain} />}
      {(!a || a.status === 'rejected') && (
        <Card size="small" title={t('apply.title')}>
          <Typography.Paragraph type="secondary">{t('apply.intro')}</Typography.Paragraph>
          {info.data?.parentSiteName && (
            <Alert
              type="info"
              showIcon
              style={{ marginBottom: 12 }}
              message={t('apply.parent', { name: info.data.parentSiteName })}
            />
          )}
          {a?.status === 'rejected' && <Typography.Paragraph>{t('apply.again')}</Typography.Paragraph>}
          <Form<ApplyValues>
            form={form}
            layout="vertical"
            requiredMark={false}
            style={{ maxWidth: 480 }}
            onFinish={(v) => {
              setError(null);
              apply.mutate(v);
            }}
          >
            <Form.Item
              name="siteName"
              label={t('apply.siteName')}
              rules={[{ required: true, whitespace: true, min: 2, max: 40, message: t('common.required') }]}
            >
              <Input maxLength={40} />
            </Form.Item>
            <Form.Item
              name="subdomain"
              label={t('apply.subdomain')}
              extra={t('apply.subdomainHint')}
              rules={[
                { required: true, message: t('common.required') },
                { pattern: /^[a-z0-9](?:[a-z0-9-]{1,30}[a-z0-9])$/, message: t('apply.subdomainHint') },
              ]}
            >
              <Input maxLength={32} addonAfter={`.${domain}`} autoCapitalize="off" spellCheck={false} />
            </Form.Item>
            {error && <Alert type="error" showIcon role="alert" message={error} style={{ marginBottom: 16 }} />}
            <Button type="primary" htmlType="submit" loading={apply.isPending}>
              {t('apply.submit')}
            </Button>
          </Form>
        </Card>
      )}
    </Flex>
  );
}

function MyApplication({ application: a, domain }: { application: AgentApplicationDto; domain: string }) {
  const t = useAgentsT();
  return (
    <Card size="small" title={t('apply.mine')} data-testid="agent-application">
      <Flex vertical gap={6}>
        <Flex justify="space-between" wrap gap={8}>
          <Typography.Text strong>{a.siteName}</Typography.Text>
          <Tag color={AGENT_STATUS_COLOR[a.status]}>{t(`status.${a.status}`)}</Tag>
        </Flex>
        <Typography.Text type="secondary">{t('apply.address', { host: `${a.subdomain}.${domain}` })}</Typography.Text>
        {a.status === 'pending' && <Typography.Text>{t('apply.waiting')}</Typography.Text>}
        {a.status === 'awaiting_fee' && <OpeningFee feeCents={a.openingFeeCents ?? 0} />}
        {a.status === 'rejected' && a.reason && (
          <Alert type="error" message={t('apply.reason', { reason: a.reason })} />
        )}
        {a.status === 'approved' && a.openingPaymentId && (
          <Alert type="success" showIcon message={t('apply.feePaid')} data-testid="agent-fee-paid" />
        )}
        {a.status === 'approved' && (
          <div>
            <Button type="primary" {...linkTo('/agent')}>
              {t('apply.console')}
            </Button>
          </div>
        )}
      </Flex>
    </Card>
  );
}

/**
 * Pays the opening fee of an approved application: the wallet at once (the site opens), any other method at
 * the cashier, which comes back to this page. The server takes the fee the operators set, never this one.
 */
function OpeningFee({ feeCents }: { feeCents: number }) {
  const t = useAgentsT();
  const { t: ts } = useI18n();
  const { message } = App.useApp();
  const client = useQueryClient();
  const methods = usePaymentMethods();
  const [method, setMethod] = useState<string | null>(null);
  const key = useRef(randomUuid());
  const options = methods.data?.map((m) => m.method) ?? [];
  const chosen = method ?? options[0] ?? null;
  const pay = useMutation({
    mutationFn: (paymentMethod: string) =>
      api<{ payment: PaymentView }>(
        'POST',
        '/api/v1/agent/opening-fee',
        { paymentMethod },
        { 'idempotency-key': key.current },
      ),
    onSuccess: async (r) => {
      key.current = randomUuid();
      if (r.payment.status === 'paid') {
        message.success(t('apply.feePaid'));
        for (const k of ['my-agent', 'wallet']) await client.invalidateQueries({ queryKey: [k] });
        return;
      }
      rememberAgentFee(r.payment);
      navigate(`/cashier/${encodeURIComponent(r.payment.id)}`);
    },
  });
  return (
    <Flex vertical gap={8} data-testid="agent-opening-fee">
      <Alert type="warning" showIcon message={t('apply.fee')} />
      <Typography.Text strong>{t('apply.feeAmount', { amount: formatCents(feeCents) })}</Typography.Text>
      <Typography.Text type="secondary">{t('apply.payWith')}</Typography.Text>
      {methods.isError && <Alert type="error" showIcon message={errorText(t, methods.error)} />}
      <Radio.Group value={chosen} onChange={(e) => setMethod(e.target.value)}>
        <Flex vertical gap={6}>
          {options.map((m) => (
            <Radio key={m} value={m}>
              {methodLabel(ts, m)}
            </Radio>
          ))}
        </Flex>
      </Radio.Group>
      {pay.isError && <Alert type="error" showIcon role="alert" message={errorText(t, pay.error)} />}
      <div>
        <Button
          type="primary"
          disabled={!chosen}
          loading={pay.isPending || methods.isPending}
          onClick={() => chosen && pay.mutate(chosen)}
        >
          {t('apply.pay', { amount: formatCents(feeCents) })}
        </Button>
      </div>
    </Flex>
  );
}
