import type { DeadJobDto, DeadJobPageDto } from '@kameng/contracts';
import { App, Button, Card, Popconfirm, Space, Typography } from 'antd';
import { useState } from 'react';
import { formatTime } from '../console/format.ts';
import { ErrorAlert, PageHeader } from '../console/layout.tsx';
import { useGet, useInvalidate, withParams } from '../console/query.ts';
import { FilterSelect, PagedTable, pageOf } from '../console/table.tsx';
import { useAction } from '../console/use-action.ts';
import { api } from '../lib/api.ts';
import { useJobsT } from './jobs-messages.ts';

const PAGE_SIZE = 20;

/** GET /admin/jobs/dead, retry and discard (platform/jobs/dead-jobs.ts): both audited on the server. */
export default function DeadJobs() {
  const t = useJobsT();
  const { message } = App.useApp();
  const [type, setType] = useState<string | undefined>();
  const [page, setPage] = useState(1);
  const list = useGet<DeadJobPageDto>(withParams('/api/v1/admin/jobs/dead', { type, page, pageSize: PAGE_SIZE }));
  const invalidate = useInvalidate();
  const { busy, error, run } = useAction();
  const act = (job: DeadJobDto, how: 'retry' | 'discard') =>
    run(async () => {
      if (how === 'retry') await api('POST', `/api/v1/admin/jobs/${encodeURIComponent(job.id)}/retry`);
      else await api('DELETE', `/api/v1/admin/jobs/${encodeURIComponent(job.id)}`);
      message.success(t(how === 'retry' ? 'jobs.retried' : 'jobs.discarded'));
      await invalidate('/api/v1/admin/jobs/dead');
    });
  return (
    <>
      <PageHeader title={t('menu.deadJobs')} />
      <Card>
        <Typography.Paragraph type="secondary">{t('jobs.sub')}</Typography.Paragraph>
        <Space wrap style={{ marginBottom: 12 }}>
          <FilterSelect<string>
            value={type}
            label={t('jobs.kind')}
            allLabel={t('jobs.allKinds')}
            width={260}
            options={(list.data?.types ?? []).map((k) => ({ value: k.type, label: `${k.type} (${k.count})` }))}
            onChange={(v) => {
              setType(v);
              setPage(1);
            }}
          />
        </Space>
        <ErrorAlert error={list.error} onRetry={() => list.refetch()} />
        <ErrorAlert error={error} />
        <PagedTable<DeadJobDto>
          size="small"
          {...pageOf(list, page, setPage)}
          pageSize={PAGE_SIZE}
          scrollX={1100}
          emptyText={t('jobs.none')}
          columns={[
            {
              title: t('jobs.diedAt'),
              dataIndex: 'diedAt',
              width: 170,
              render: (v: number) => formatTime(v, t.locale),
            },
            {
              title: t('jobs.kind'),
              dataIndex: 'type',
              width: 220,
              render: (k: string) => <Typography.Text code>{k}</Typography.Text>,
            },
            {
              title: t('jobs.attempts'),
              key: 'attempts',
              width: 90,
              render: (_: unknown, j) => `${j.attempts} / ${j.maxAttempts}`,
            },
            {
              title: t('jobs.lastError'),
              dataIndex: 'lastError',
              render: (e: string | null) => (
                <Typography.Text type="danger" style={{ wordBreak: 'break-word' }}>
                  {e ?? '—'}
                </Typography.Text>
              ),
            },
            {
              title: t('jobs.createdAt'),
              dataIndex: 'createdAt',
              width: 170,
              render: (v: number) => formatTime(v, t.locale),
            },
            {
              title: '',
              key: 'actions',
              width: 170,
              fixed: 'right',
              render: (_: unknown, j) => (
                <Space>
                  <Button size="small" type="primary" disabled={busy} onClick={() => act(j, 'retry')}>
                    {t('jobs.retry')}
                  </Button>
                  <Popconfirm title={t('jobs.discardConfirm')} onConfirm={() => act(j, 'discard')}>
                    <Button size="small" danger disabled={busy}>
                      {t('jobs.discard')}
                    </Button>
                  </Popconfirm>
                </Space>
              ),
            },
          ]}
        />
      </Card>
    </>
  );
}
