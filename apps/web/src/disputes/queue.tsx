import type { DisputeDto, DisputeSummaryDto } from '@kameng/contracts';
import { useQuery } from '@tanstack/react-query';
import { Drawer, Grid, Segmented, Table } from 'antd';
import { type ReactNode, useState } from 'react';
import { ErrorAlert, PageHeader } from '../console/layout.tsx';
import { withParams } from '../console/query.ts';
import { useLocale } from '../i18n/index.ts';
import { api } from '../lib/api.ts';
import { formatCents } from '../lib/money.ts';
import { formatTime } from '../lib/time.ts';
import { CaseView, Countdown, StatusTag } from './case-view.tsx';
import { useDisputesT } from './messages.ts';

/**
 * A console's list of cases, those awaiting this side first and the nearest deadline first (the server's
 * order), and the chosen case in a drawer with what this side may do to it.
 */
export function CaseQueue(props: {
  title: string;
  listPath: string;
  awaiting: DisputeDto['status'];
  actions: (c: DisputeDto) => ReactNode;
  extra?: (id: string) => ReactNode;
}) {
  const t = useDisputesT();
  const { locale } = useLocale();
  const screens = Grid.useBreakpoint();
  const [filter, setFilter] = useState<'awaiting' | 'all'>('awaiting');
  const [page, setPage] = useState(1);
  const [open, setOpen] = useState<string | null>(null);
  const path = withParams(props.listPath, {
    status: filter === 'awaiting' ? props.awaiting : undefined,
    page,
    pageSize: 20,
  });
  const list = useQuery({
    queryKey: ['disputes', path],
    queryFn: () => api<{ items: DisputeSummaryDto[]; total: number }>('GET', path),
    refetchInterval: 60_000,
  });
  return (
    <>
      <PageHeader
        title={props.title}
        extra={
          <Segmented
            value={filter}
            onChange={(v) => {
              setFilter(v as 'awaiting' | 'all');
              setPage(1);
            }}
            options={[
              { value: 'awaiting', label: t('awaiting') },
              { value: 'all', label: t('all') },
            ]}
          />
        }
      />
      <ErrorAlert error={list.error} onRetry={() => void list.refetch()} />
      <Table<DisputeSummaryDto>
        rowKey="id"
        size="small"
        loading={list.isPending}
        dataSource={list.data?.items ?? []}
        locale={{ emptyText: t('empty') }}
        scroll={{ x: 'max-content' }}
        pagination={{ current: page, pageSize: 20, total: list.data?.total ?? 0, onChange: setPage }}
        onRow={(c) => ({ onClick: () => setOpen(c.id), style: { cursor: 'pointer' } })}
        columns={[
          { title: t('item'), dataIndex: 'itemTitle' },
          { title: t('reason'), render: (_, c) => t(`reason.${c.reason}`) },
          { title: t('status'), render: (_, c) => <StatusTag status={c.status} /> },
          { title: t('deadline'), render: (_, c) => <Countdown at={c.deadlineAt} /> },
          { title: t('paid'), render: (_, c) => formatCents(c.paidCents) },
          { title: t('created'), render: (_, c) => formatTime(c.createdAt, locale) },
        ]}
      />
      <Drawer open={open !== null} onClose={() => setOpen(null)} width={screens.md ? 720 : '100%'} destroyOnHidden>
        {open && (
          <>
            <CaseView id={open} actions={props.actions} />
            {props.extra?.(open)}
          </>
        )}
      </Drawer>
    </>
  );
}
