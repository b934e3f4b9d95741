import type { AgentApplicationDto } from '@kameng/contracts';
import { App, Button, Card, Form, Input, InputNumber, Popconfirm, Space, Table, Tabs, Tag } from 'antd';
import { useEffect, useState } from 'react';
import { formatTime } from '../console/format.ts';
import { FormModal } from '../console/form-modal.tsx';
import { errorText } from '../console/i18n.ts';
import { ErrorAlert, PageHeader } from '../console/layout.tsx';
import { useGet, useInvalidate, withParams } from '../console/query.ts';
import { useI18n } from '../i18n/index.ts';
import { api } from '../lib/api.ts';
import { useAgentsT } from './messages.ts';
import { AGENT_STATUS_COLOR } from './status.ts';

interface AgentSettings {
  siteDomain: string;
  maxDepth: number;
}

type Tab = 'pending' | 'approved' | 'domains' | 'settings';

/** /admin/agents: 分站 applications to decide, the open 分站, custom domains to approve, and the settings. */
export default function AgentsAdmin() {
  const t = useAgentsT();
  const [tab, setTab] = useState<Tab>('pending');
  const settings = useGet<AgentSettings>('/api/v1/admin/agent-settings');
  const domain = settings.data?.siteDomain ?? '';
  return (
    <>
      <PageHeader title={t('menu.agents')} sub={t('admin.sub')} />
      <ErrorAlert error={settings.error} onRetry={() => settings.refetch()} />
      <Card size="small">
        <Tabs
          activeKey={tab}
          onChange={(k) => setTab(k as Tab)}
          items={[
            {
              key: 'pending',
              label: t('admin.applications'),
              children: <Applications status="pending" domain={domain} />,
            },
            { key: 'approved', label: t('admin.agents'), children: <Applications status="approved" domain={domain} /> },
            { key: 'domains', label: t('admin.domains'), children: <Domains /> },
            { key: 'settings', label: t('admin.settings'), children: <Settings current={settings.data} /> },
          ]}
        />
      </Card>
    </>
  );
}

function Applications({ status, domain }: { status: 'pending' | 'approved'; domain: string }) {
  const t = useAgentsT();
  const { locale } = useI18n();
  const { message } = App.useApp();
  const invalidate = useInvalidate();
  const list = useGet<{ items: AgentApplicationDto[] }>(withParams('/api/v1/admin/agent-applications', { status }));
  const [rejecting, setRejecting] = useState<AgentApplicationDto | null>(null);
  const sites = new Map((list.data?.items ?? []).map((a) => [a.userId, a.siteName]));
  const decide = async (a: AgentApplicationDto, d: 'approve' | 'reject', reason?: string) => {
    await api('POST', `/api/v1/admin/agent-applications/${encodeURIComponent(a.id)}/${d}`, reason ? { reason } : {});
    message.success(t('admin.done'));
    await invalidate('/api/v1/admin/agent-applications');
  };
  return (
    <>
      <ErrorAlert error={list.error} onRetry={() => list.refetch()} />
      <Table<AgentApplicationDto>
        size="small"
        rowKey="id"
        loading={list.isPending}
        dataSource={list.data?.items ?? []}
        pagination={{ pageSize: 20, showSizeChanger: false, hideOnSinglePage: true }}
        scroll={{ x: 960 }}
        locale={{ emptyText: status === 'pending' ? t('admin.none') : t('admin.noAgents') }}
        columns={[
          { title: t('admin.site'), dataIndex: 'siteName', width: 150 },
          {
            title: t('admin.host'),
            key: 'host',
            width: 220,
            render: (_, a) => (
              <>
                {`${a.subdomain}.${domain}`}
                {a.customDomain && a.customDomainStatus === 'approved' && <div>{a.customDomain}</div>}
              </>
            ),
          },
          { title: t('admin.user'), dataIndex: 'userId', width: 170 },
          {
            title: t('admin.parent'),
            key: 'parent',
            width: 130,
            render: (_, a) => (a.parentId ? (sites.get(a.parentId) ?? a.parentId) : t('admin.top')),
          },
          { title: t('admin.depth'), dataIndex: 'depth', width: 60 },
          {
            title: t('common.status'),
            dataIndex: 'status',
            width: 100,
            render: (s: AgentApplicationDto['status']) => <Tag color={AGENT_STATUS_COLOR[s]}>{t(`status.${s}`)}</Tag>,
          },
          {
            title: t('common.createdAt'),
            dataIndex: 'createdAt',
            width: 160,
            render: (v: number) => formatTime(v, locale),
          },
          ...(status === 'pending'
            ? [
                {
                  title: t('common.actions'),
                  key: 'a',
                  width: 150,
                  render: (_: unknown, a: AgentApplicationDto) => (
                    <Space>
                      <Popconfirm
                        title={t('admin.approveConfirm', { name: a.siteName, host: `${a.subdomain}.${domain}` })}
                        okText={t('common.confirm')}
                        cancelText={t('common.cancel')}
                        onConfirm={() => decide(a, 'approve').catch((err) => message.error(errorText(t, err)))}
                      >
                        <Button size="small" type="primary">
                          {t('admin.approve')}
                        </Button>
                      </Popconfirm>
                      <Button size="small" danger onClick={() => setRejecting(a)}>
                        {t('admin.reject')}
                      </Button>
                    </Space>
                  ),
                },
              ]
            : []),
        ]}
      />
      <FormModal<{ reason?: string }>
        open={rejecting !== null}
        title={t('admin.rejectTitle', { name: rejecting?.siteName ?? '' })}
        okText={t('admin.reject')}
        danger
        onClose={() => setRejecting(null)}
        onSubmit={async (v) => {
          if (rejecting) await decide(rejecting, 'reject', v.reason?.trim() || undefined);
        }}
      >
        <Form.Item name="reason" label={t('admin.reason')}>
          <Input.TextArea maxLength={500} rows={3} />
        </Form.Item>
      </FormModal>
    </>
  );
}

function Domains() {
  const t = useAgentsT();
  const { message } = App.useApp();
  const invalidate = useInvalidate();
  const list = useGet<{ items: AgentApplicationDto[] }>('/api/v1/admin/agent-domains');
  const decide = async (a: AgentApplicationDto, d: 'approve' | 'reject') => {
    try {
      await api('POST', `/api/v1/admin/agent-domains/${encodeURIComponent(a.id)}/${d}`);
      message.success(t('admin.done'));
      await invalidate('/api/v1/admin/agent-domains', '/api/v1/admin/agent-applications');
    } catch (err) {
      message.error(errorText(t, err));
    }
  };
  return (
    <>
      <ErrorAlert error={list.error} onRetry={() => list.refetch()} />
      <Table<AgentApplicationDto>
        size="small"
        rowKey="id"
        loading={list.isPending}
        dataSource={list.data?.items ?? []}
        pagination={false}
        scroll={{ x: 640 }}
        locale={{ emptyText: t('admin.noDomains') }}
        columns={[
          { title: t('admin.domain'), dataIndex: 'customDomain', width: 220 },
          { title: t('admin.site'), dataIndex: 'siteName', width: 160 },
          { title: t('admin.user'), dataIndex: 'userId', width: 170 },
          {
            title: t('common.actions'),
            key: 'a',
            width: 150,
            render: (_, a) => (
              <Space>
                <Popconfirm
                  title={t('admin.domainApproveConfirm', { domain: a.customDomain ?? '', name: a.siteName })}
                  okText={t('common.confirm')}
                  cancelText={t('common.cancel')}
                  onConfirm={() => decide(a, 'approve')}
                >
                  <Button size="small" type="primary">
                    {t('admin.approve')}
                  </Button>
                </Popconfirm>
                <Popconfirm
                  title={t('admin.domainRejectConfirm', { domain: a.customDomain ?? '' })}
                  okText={t('common.confirm')}
                  cancelText={t('common.cancel')}
                  okButtonProps={{ danger: true }}
                  onConfirm={() => decide(a, 'reject')}
                >
                  <Button size="small" danger>
                    {t('admin.reject')}
                  </Button>
                </Popconfirm>
              </Space>
            ),
          },
        ]}
      />
    </>
  );
}

function Settings({ current }: { current: AgentSettings | undefined }) {
  const t = useAgentsT();
  const { message } = App.useApp();
  const invalidate = useInvalidate();
  const [form] = Form.useForm<AgentSettings>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    if (current) form.setFieldsValue(current);
  }, [current, form]);
  const save = async (v: AgentSettings) => {
    setBusy(true);
    setError(null);
    try {
      await api('PUT', '/api/v1/admin/agent-settings', {
        siteDomain: v.siteDomain.trim().toLowerCase(),
        maxDepth: v.maxDepth,
      });
      message.success(t('admin.settingsSaved'));
      await invalidate('/api/v1/admin/agent-settings');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Form<AgentSettings> form={form} layout="vertical" requiredMark={false} onFinish={save} style={{ maxWidth: 480 }}>
      <Form.Item
        name="siteDomain"
        label={t('admin.siteDomain')}
        extra={t('admin.siteDomainHint')}
        rules={[{ required: true, message: t('common.required') }]}
      >
        <Input maxLength={253} autoCapitalize="off" spellCheck={false} />
      </Form.Item>
      <Form.Item
        name="maxDepth"
        label={t('admin.maxDepth')}
        extra={t('admin.maxDepthHint')}
        rules={[{ required: true, message: t('common.required') }]}
      >
        <InputNumber min={1} max={10} precision={0} style={{ width: 120 }} />
      </Form.Item>
      {error !== null && <ErrorAlert error={error} />}
      <Button type="primary" htmlType="submit" loading={busy}>
        {t('common.save')}
      </Button>
    </Form>
  );
}
