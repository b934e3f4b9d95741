import type { AgentApplicationDto } from '@kameng/contracts';
import { App, Button, Popconfirm, Space, Table, Tag } from 'antd';
import { formatTime } from '../console/format.ts';
import { ErrorAlert, PageHeader } from '../console/layout.tsx';
import { useGet, useInvalidate } from '../console/query.ts';
import { errorText } from '../console/i18n.ts';
import { useI18n } from '../i18n/index.ts';
import { api } from '../lib/api.ts';
import { useAgentsT } from './messages.ts';
import { AGENT_STATUS_COLOR } from './status.ts';

/** /agent/sub-agents: those who applied on his 分站; he approves or rejects the pending ones. */
export default function SubAgents() {
  const t = useAgentsT();
  const { locale } = useI18n();
  const { message } = App.useApp();
  const invalidate = useInvalidate();
  const list = useGet<{ items: AgentApplicationDto[] }>('/api/v1/agent/sub-agents');
  const decide = async (a: AgentApplicationDto, d: 'approve' | 'reject') => {
    try {
      await api('POST', `/api/v1/agent/sub-agents/${encodeURIComponent(a.id)}/${d}`);
      message.success(d === 'approve' ? t('sub.approved') : t('sub.rejected'));
      await invalidate('/api/v1/agent/sub-agents');
    } catch (err) {
      message.error(errorText(t, err));
    }
  };
  return (
    <>
      <PageHeader title={t('menu.subAgents')} sub={t('sub.sub')} />
      <ErrorAlert error={list.error} onRetry={() => list.refetch()} />
      <Table<AgentApplicationDto>
        size="small"
        rowKey="id"
        loading={list.isPending}
        dataSource={list.data?.items ?? []}
        pagination={false}
        scroll={{ x: 720 }}
        locale={{ emptyText: t('sub.none') }}
        columns={[
          { title: t('sub.site'), dataIndex: 'siteName', width: 160 },
          { title: t('apply.subdomain'), dataIndex: 'subdomain', width: 140 },
          { title: t('sub.user'), dataIndex: 'userId', width: 180 },
          {
            title: t('common.status'),
            dataIndex: 'status',
            width: 110,
            render: (s: AgentApplicationDto['status']) => <Tag color={AGENT_STATUS_COLOR[s]}>{t(`status.${s}`)}</Tag>,
          },
          {
            title: t('common.createdAt'),
            dataIndex: 'createdAt',
            width: 170,
            render: (v: number) => formatTime(v, locale),
          },
          {
            title: t('common.actions'),
            key: 'a',
            width: 150,
            render: (_, a) =>
              a.status === 'pending' ? (
                <Space>
                  <Popconfirm
                    title={t('sub.approveConfirm', { name: a.siteName })}
                    okText={t('common.confirm')}
                    cancelText={t('common.cancel')}
                    onConfirm={() => decide(a, 'approve')}
                  >
                    <Button size="small" type="primary">
                      {t('sub.approve')}
                    </Button>
                  </Popconfirm>
                  <Popconfirm
                    title={t('sub.rejectConfirm', { name: a.siteName })}
                    okText={t('common.confirm')}
                    cancelText={t('common.cancel')}
                    okButtonProps={{ danger: true }}
                    onConfirm={() => decide(a, 'reject')}
                  >
                    <Button size="small" danger>
                      {t('sub.reject')}
                    </Button>
                  </Popconfirm>
                </Space>
              ) : null,
          },
        ]}
      />
    </>
  );
}
