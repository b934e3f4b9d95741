import {
  CHANNEL_IDS,
  type ChannelProviderDto,
  isChannelId,
  type reconciliationDifferenceSchema,
  type reconciliationReportSchema,
  type refundViewSchema,
} from '@kameng/contracts';
import { App, Button, Card, Form, Input, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import { useState } from 'react';
import type { z } from 'zod';
import { cstDate, formatCents, formatTime } from '../console/format.ts';
import { FormModal } from '../console/form-modal.tsx';
import { errorText } from '../console/i18n.ts';
import { ExportButtons } from '../console/export-buttons.tsx';
import { ErrorAlert, PageHeader } from '../console/layout.tsx';
import { useGet, useInvalidate, withParams } from '../console/query.ts';
import { FilterSelect, pager } from '../console/table.tsx';
import { useI18n } from '../i18n/index.ts';
import { api } from '../lib/api.ts';
import { channelLabel } from '../lib/payments.ts';
import { usePaymentsT } from './payments-messages.ts';

type Report = z.infer<typeof reconciliationReportSchema>;
type Difference = z.infer<typeof reconciliationDifferenceSchema>;
type Refund = z.infer<typeof refundViewSchema>;
type Provider = ChannelProviderDto;
type RefundStatus = Refund['status'];

const KIND_COLOR: Record<Difference['kind'], string> = {
  missing_ours: 'red',
  missing_theirs: 'orange',
  amount_mismatch: 'magenta',
  status_mismatch: 'gold',
};
const REFUND_COLOR: Record<RefundStatus, string> = { pending: 'blue', succeeded: 'green', failed: 'red' };
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Reconciliation reports (with a re-run of any day) and the refunds, failed ones first to act on. */
export default function Reconciliation() {
  const t = usePaymentsT();
  const [tab, setTab] = useState('reports');
  return (
    <>
      <PageHeader title={t('menu.reconciliation')} sub={t('rec.sub')} />
      <Tabs
        activeKey={tab}
        onChange={setTab}
        items={[
          { key: 'reports', label: t('rec.reports'), children: <Reports /> },
          { key: 'refunds', label: t('rec.refunds'), children: <Refunds /> },
        ]}
      />
    </>
  );
}

function Reports() {
  const t = usePaymentsT();
  const { locale } = useI18n();
  const { message } = App.useApp();
  const invalidate = useInvalidate();
  const [day, setDay] = useState('');
  const [provider, setProvider] = useState<Provider | undefined>();
  const [page, setPage] = useState(1);
  const [rerun, setRerun] = useState(false);
  const list = useGet<{ items: Report[]; total: number }>(
    withParams('/api/v1/admin/reconciliation/reports', {
      day: DAY.test(day) ? day : undefined,
      provider,
      page,
      pageSize: 20,
    }),
  );
  const providerOptions = CHANNEL_IDS.map((p) => ({ value: p, label: channelLabel(p, t.locale) }));
  return (
    <Card>
      <Space wrap style={{ marginBottom: 12 }}>
        <Input
          type="date"
          aria-label={t('rec.day')}
          value={day}
          onChange={(e) => {
            setDay(e.target.value);
            setPage(1);
          }}
          style={{ width: 170 }}
          allowClear
        />
        <FilterSelect<Provider>
          value={provider}
          onChange={(v) => {
            setProvider(v);
            setPage(1);
          }}
          options={providerOptions}
          allLabel={t('rec.anyProvider')}
          label={t('rec.provider')}
        />
        <ExportButtons
          path="/api/v1/admin/reconciliation/reports/export"
          params={{ day: DAY.test(day) ? day : undefined, provider }}
        />
        <Button onClick={() => list.refetch()}>{t('common.refresh')}</Button>
        <Button type="primary" onClick={() => setRerun(true)}>
          {t('rec.rerun')}
        </Button>
      </Space>
      <ErrorAlert error={list.error} onRetry={() => list.refetch()} />
      <Table<Report>
        rowKey="id"
        loading={list.isFetching}
        dataSource={list.data?.items ?? []}
        locale={{ emptyText: t('rec.none') }}
        pagination={pager(t, page, setPage, list.data?.total ?? 0)}
        scroll={{ x: 980 }}
        expandable={{
          rowExpandable: (r) => r.differences.length > 0,
          expandedRowRender: (r) => <Differences items={r.differences} />,
        }}
        columns={[
          {
            title: t('rec.day'),
            dataIndex: 'day',
            width: 120,
            render: (v: string) => <span style={{ whiteSpace: 'nowrap' }}>{v}</span>,
          },
          {
            title: t('rec.provider'),
            dataIndex: 'provider',
            width: 110,
            render: (p: string) => (isChannelId(p) ? channelLabel(p, t.locale) : p),
          },
          { title: t('rec.matched'), dataIndex: 'matched', width: 80 },
          { title: t('rec.missingOurs'), dataIndex: 'missingOurs', width: 110, render: count },
          { title: t('rec.missingTheirs'), dataIndex: 'missingTheirs', width: 120, render: count },
          { title: t('rec.amountMismatches'), dataIndex: 'amountMismatches', width: 110, render: count },
          { title: t('rec.repaired'), dataIndex: 'repaired', width: 100 },
          {
            title: t('common.status'),
            key: 'state',
            width: 120,
            render: (_, r) =>
              r.differences.length === 0 ? (
                <Tag color="green">{t('rec.clean')}</Tag>
              ) : (
                <Tag color="red">{t('rec.differences', { n: r.differences.length })}</Tag>
              ),
          },
          {
            title: t('rec.createdBy'),
            dataIndex: 'createdBy',
            width: 150,
            render: (v: string | null) => <span style={{ wordBreak: 'break-all' }}>{v ?? t('rec.scheduled')}</span>,
          },
          {
            title: t('common.createdAt'),
            dataIndex: 'createdAt',
            width: 170,
            render: (v: number) => formatTime(v, locale),
          },
        ]}
      />
      <FormModal<{ day: string; provider?: Provider }>
        open={rerun}
        title={t('rec.rerunTitle')}
        okText={t('rec.rerun')}
        initialValues={{ day: cstDate(-1) }}
        onClose={() => setRerun(false)}
        onSubmit={async (v) => {
          const r = await api<{ queued: unknown[] }>('POST', '/api/v1/admin/reconciliation/runs', {
            day: v.day,
            ...(v.provider ? { provider: v.provider } : {}),
          });
          message.success(t('rec.queued', { n: r.queued.length }));
          await invalidate('/api/v1/admin/reconciliation');
        }}
      >
        <Typography.Paragraph type="secondary">{t('rec.rerunHint')}</Typography.Paragraph>
        <Form.Item
          name="day"
          label={t('rec.day')}
          rules={[{ required: true, pattern: DAY, message: t('common.required') }]}
        >
          <Input type="date" style={{ width: 200 }} />
        </Form.Item>
        <Form.Item name="provider" label={t('rec.provider')}>
          <Select allowClear placeholder={t('rec.anyProvider')} options={providerOptions} style={{ width: 200 }} />
        </Form.Item>
      </FormModal>
    </Card>
  );
}

/** A count that is not zero stands out: it is a difference to look at. */
function count(n: number) {
  return n > 0 ? <Typography.Text type="danger">{n}</Typography.Text> : n;
}

function Differences({ items }: { items: Difference[] }) {
  const t = usePaymentsT();
  const cents = (v: number | null) => (v === null ? '—' : formatCents(v));
  return (
    <Table<Difference>
      size="small"
      rowKey={(d) => `${d.kind}:${d.paymentId}:${d.refundId ?? ''}`}
      pagination={false}
      dataSource={items}
      scroll={{ x: 900 }}
      columns={[
        {
          title: t('common.status'),
          dataIndex: 'kind',
          width: 120,
          render: (k: Difference['kind']) => <Tag color={KIND_COLOR[k]}>{t(`rec.kind.${k}`)}</Tag>,
        },
        {
          title: t('rec.payment'),
          dataIndex: 'paymentId',
          width: 200,
          render: (v: string, d) => (
            <span style={{ wordBreak: 'break-all' }}>
              {v}
              {d.refundId && (
                <Typography.Text type="secondary">
                  {' '}
                  · {t('rec.refund')} {d.refundId}
                </Typography.Text>
              )}
            </span>
          ),
        },
        {
          title: t('rec.tradeNo'),
          dataIndex: 'tradeNo',
          width: 200,
          render: (v: string | null) => <span style={{ wordBreak: 'break-all' }}>{v ?? '—'}</span>,
        },
        { title: t('rec.ours'), dataIndex: 'oursCents', width: 100, render: cents },
        { title: t('rec.theirs'), dataIndex: 'theirsCents', width: 100, render: cents },
        {
          title: t('rec.repaired'),
          dataIndex: 'repaired',
          width: 90,
          render: (v: boolean) => (v ? <Tag color="green">{t('rec.yes')}</Tag> : t('rec.no')),
        },
        { title: t('rec.note'), dataIndex: 'note', width: 220 },
      ]}
    />
  );
}

function Refunds() {
  const t = usePaymentsT();
  const { locale } = useI18n();
  const { message } = App.useApp();
  const invalidate = useInvalidate();
  const [status, setStatus] = useState<RefundStatus | undefined>();
  const [page, setPage] = useState(1);
  const [retrying, setRetrying] = useState<string | null>(null);
  const list = useGet<{ items: Refund[]; total: number }>(
    withParams('/api/v1/admin/refunds', { status, page, pageSize: 20 }),
  );
  const retry = async (r: Refund) => {
    setRetrying(r.id);
    try {
      const after = await api<Refund>('POST', `/api/v1/admin/refunds/${encodeURIComponent(r.id)}/retry`);
      if (after.status === 'failed') message.warning(after.lastError ?? t('rf.status.failed'));
      else message.success(t('rf.retried'));
      await invalidate('/api/v1/admin/refunds');
    } catch (err) {
      message.error(errorText(t, err));
    } finally {
      setRetrying(null);
    }
  };
  return (
    <Card>
      <Space wrap style={{ marginBottom: 12 }}>
        <FilterSelect<RefundStatus>
          value={status}
          onChange={(v) => {
            setStatus(v);
            setPage(1);
          }}
          options={(['failed', 'pending', 'succeeded'] as const).map((s) => ({ value: s, label: t(`rf.status.${s}`) }))}
          allLabel={t('common.all')}
          label={t('common.status')}
        />
        <Button onClick={() => list.refetch()}>{t('common.refresh')}</Button>
      </Space>
      <Typography.Paragraph type="secondary">{t('rf.failedHint')}</Typography.Paragraph>
      <ErrorAlert error={list.error} onRetry={() => list.refetch()} />
      <Table<Refund>
        rowKey="id"
        loading={list.isFetching}
        dataSource={list.data?.items ?? []}
        locale={{ emptyText: t('rf.none') }}
        pagination={pager(t, page, setPage, list.data?.total ?? 0)}
        scroll={{ x: 1200 }}
        columns={[
          {
            title: t('common.createdAt'),
            dataIndex: 'createdAt',
            width: 170,
            render: (v: number) => formatTime(v, locale),
          },
          {
            title: t('common.amount'),
            dataIndex: 'amountCents',
            width: 100,
            render: (c: number) => <Typography.Text strong>{formatCents(c)}</Typography.Text>,
          },
          // what an operator acts on comes first: the state and why it failed
          {
            title: t('common.status'),
            dataIndex: 'status',
            width: 100,
            render: (s: RefundStatus) => <Tag color={REFUND_COLOR[s]}>{t(`rf.status.${s}`)}</Tag>,
          },
          {
            title: t('rf.lastError'),
            dataIndex: 'lastError',
            width: 200,
            render: (v: string | null) => <span style={{ wordBreak: 'break-all' }}>{v ?? '—'}</span>,
          },
          { title: t('rf.attempts'), dataIndex: 'attempts', width: 90 },
          {
            title: t('rf.destination'),
            dataIndex: 'destination',
            width: 110,
            render: (d: Refund['destination']) => t(`rf.dest.${d}`),
          },
          {
            title: t('rf.order'),
            key: 'what',
            width: 200,
            render: (_, r) => <span style={{ wordBreak: 'break-all' }}>{r.orderId ?? r.paymentId}</span>,
          },
          {
            title: t('rec.refund'),
            dataIndex: 'id',
            width: 200,
            render: (v: string) => <span style={{ wordBreak: 'break-all' }}>{v}</span>,
          },
          {
            title: t('rf.reason'),
            dataIndex: 'reason',
            width: 160,
            render: (v: string) => <span style={{ wordBreak: 'break-all' }}>{v}</span>,
          },
          {
            title: t('common.actions'),
            key: 'a',
            width: 100,
            fixed: 'right',
            render: (_, r) =>
              r.status === 'failed' && r.destination === 'original' ? (
                <Button size="small" type="primary" loading={retrying === r.id} onClick={() => retry(r)}>
                  {t('rf.retry')}
                </Button>
              ) : null,
          },
        ]}
      />
    </Card>
  );
}
