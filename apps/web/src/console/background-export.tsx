import { CloudDownloadOutlined } from '@ant-design/icons';
import type { ExportJob } from '@kameng/contracts';
import { Button, Dropdown, Progress, Space, Typography } from 'antd';
import { useState } from 'react';
import { api } from '../lib/api.ts';
import { useCommonT } from './i18n.ts';
import { ErrorAlert } from './layout.tsx';
import { useGet } from './query.ts';
import { useAction } from './use-action.ts';

const running = (s: ExportJob['status'] | undefined) => s === undefined || s === 'queued' || s === 'running';

/**
 * 后台导出 for a list too large to wait for: starts an export job with the list's filters (`path`, POST), follows
 * its progress every second, then offers its download link (the session's own; it lasts 24 hours).
 */
export function BackgroundExport(props: { path: string; filters: Record<string, unknown> }) {
  const t = useCommonT();
  const [jobId, setJobId] = useState<string | null>(null);
  const action = useAction();
  const job = useGet<ExportJob>(jobId ? `/api/v1/exports/${jobId}` : null, {
    refetchInterval: (q) => (running(q.state.data?.status) ? 1000 : false),
  });
  const start = (format: 'csv' | 'xlsx') =>
    action.run(async () => {
      const body = Object.fromEntries(Object.entries(props.filters).filter(([, v]) => v !== undefined && v !== ''));
      const created = await api<ExportJob>('POST', props.path, { ...body, format });
      setJobId(created.id);
    });
  const j = job.data;
  return (
    <Space wrap>
      <Dropdown
        trigger={['click']}
        menu={{
          items: [
            { key: 'csv', label: 'CSV' },
            { key: 'xlsx', label: 'Excel' },
          ],
          onClick: ({ key }) => start(key as 'csv' | 'xlsx'),
        }}
      >
        <Button
          icon={<CloudDownloadOutlined />}
          loading={action.busy || (jobId !== null && running(j?.status))}
          data-testid="export-job"
        >
          {t('common.exportJob')}
        </Button>
      </Dropdown>
      {j && running(j.status) && (
        <Space size={6} data-testid="export-job-progress">
          <Progress
            type="circle"
            size={20}
            percent={j.rowsTotal ? Math.floor((j.rowsDone / j.rowsTotal) * 100) : 0}
            showInfo={false}
          />
          <Typography.Text type="secondary">
            {t('common.exportJobRunning', { done: j.rowsDone, total: j.rowsTotal ?? '…' })}
          </Typography.Text>
        </Space>
      )}
      {j?.status === 'done' && j.downloadUrl && (
        <Button type="link" href={j.downloadUrl} download data-testid="export-job-download">
          {t('common.exportJobReady', { n: j.rowsDone })}
        </Button>
      )}
      {j?.status === 'failed' && <Typography.Text type="danger">{t('common.exportJobFailed')}</Typography.Text>}
      {j?.status === 'expired' && <Typography.Text type="secondary">{t('common.exportJobExpired')}</Typography.Text>}
      <ErrorAlert error={action.error ?? job.error} />
    </Space>
  );
}
