import type { AgentApplicationDto } from '@kameng/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Flex, Form, Input, Skeleton, Tag, Typography } from 'antd';
import { useState } from 'react';
import { errorText } from '../console/i18n.ts';
import { useMyAgent } from '../lib/agent.ts';
import { api } from '../lib/api.ts';
import { showFieldErrors } from '../lib/form-errors.ts';
import { linkTo } from '../lib/router.ts';
import { useSession } from '../lib/session.ts';
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
        {a.status === 'awaiting_fee' && <Alert type="warning" showIcon message={t('apply.fee')} />}
        {a.status === 'rejected' && a.reason && (
          <Alert type="error" message={t('apply.reason', { reason: a.reason })} />
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
