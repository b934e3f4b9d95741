import { Card, DatePicker, Input, Space, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { formatTime } from '../console/format.ts';
import { ErrorAlert, PageHeader } from '../console/layout.tsx';
import { useGet, withParams } from '../console/query.ts';
import { PagedTable, pageOf } from '../console/table.tsx';
import type { AuditEntry } from '../console/types.ts';
import { useI18n } from '../i18n/index.ts';
import { useT } from './messages.ts';

interface Filters {
  actorId: string;
  action: string;
  objectType: string;
  objectId: string;
}

export default function Audit() {
  const t = useT();
  const { locale } = useI18n();
  const [f, setF] = useState<Filters>({ actorId: '', action: '', objectType: '', objectId: '' });
  const [range, setRange] = useState<[Dayjs | null, Dayjs | null] | null>(null);
  const [page, setPage] = useState(1);
  const list = useGet<{ items: AuditEntry[]; total: number }>(
    withParams('/api/v1/admin/audit-log', {
      actorId: f.actorId.trim(),
      action: f.action.trim(),
      objectType: f.objectType.trim(),
      objectId: f.objectId.trim(),
      from: range?.[0]?.startOf('day').valueOf(),
      to: range?.[1]?.endOf('day').valueOf(),
      page,
      pageSize: 50,
    }),
  );
  const filter = (key: keyof Filters, placeholder: string) => (
    <Input.Search
      allowClear
      placeholder={placeholder}
      aria-label={placeholder}
      onSearch={(v) => {
        setF((old) => ({ ...old, [key]: v }));
        setPage(1);
      }}
      style={{ width: 200 }}
      maxLength={64}
    />
  );
  return (
    <>
      <PageHeader title={t('menu.audit')} />
      <Card>
        <Space wrap style={{ marginBottom: 12 }}>
          {filter('action', t('audit.action'))}
          {filter('actorId', t('audit.actor'))}
          {filter('objectType', t('audit.objectType'))}
          {filter('objectId', t('audit.objectId'))}
          <DatePicker.RangePicker
            value={range}
            allowEmpty={[true, true]}
            onChange={(v) => {
              setRange(v);
              setPage(1);
            }}
          />
        </Space>
        <Typography.Paragraph type="secondary">{t('audit.hint')}</Typography.Paragraph>
        <ErrorAlert error={list.error} onRetry={() => list.refetch()} />
        <PagedTable<AuditEntry>
          size="small"
          {...pageOf(list, page, setPage)}
          scrollX={1240}
          emptyText={t('audit.none')}
          pageSize={50}
          expandable={{
            rowExpandable: (e) => e.details !== null && e.details !== undefined,
            expandedRowRender: (e) => (
              <pre style={{ margin: 0, whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
                {JSON.stringify(e.details, null, 2)}
              </pre>
            ),
          }}
          columns={[
            {
              title: t('common.time'),
              dataIndex: 'createdAt',
              width: 170,
              render: (v: number) => formatTime(v, locale),
            },
            {
              title: t('audit.action'),
              dataIndex: 'action',
              width: 240,
              render: (a: string) => (
                <Typography.Text code style={{ whiteSpace: 'nowrap' }}>
                  {a}
                </Typography.Text>
              ),
            },
            {
              title: t('audit.actor'),
              dataIndex: 'actorId',
              width: 200,
              render: (a: string | null) => a ?? t('audit.system'),
            },
            {
              title: t('audit.objectType'),
              dataIndex: 'objectType',
              width: 120,
              render: (v: string | null) => v ?? '—',
            },
            { title: t('audit.objectId'), width: 240, dataIndex: 'objectId', render: (v: string | null) => v ?? '—' },
            { title: t('audit.ip'), dataIndex: 'ip', width: 140, render: (v: string | null) => v ?? '—' },
          ]}
        />
      </Card>
    </>
  );
}
