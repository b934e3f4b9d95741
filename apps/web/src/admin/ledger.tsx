import type { TrialBalanceDto } from '@kameng/contracts';
import {
  Alert,
  Button,
  Card,
  Col,
  DatePicker,
  Descriptions,
  Empty,
  Input,
  Row,
  Space,
  Statistic,
  Table,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { cstDate, formatCents, formatSignedCents, formatTime } from '../console/format.ts';
import { ExportButtons } from '../console/export-buttons.tsx';
import { ErrorAlert, PageHeader } from '../console/layout.tsx';
import { PostingsTable } from '../console/postings-table.tsx';
import { pageOf } from '../console/table.tsx';
import { useGet, withParams } from '../console/query.ts';
import type { AccountPostings, DailySummary } from '../console/types.ts';
import { useI18n } from '../i18n/index.ts';
import { useT } from './messages.ts';

export default function Ledger() {
  const t = useT();
  return (
    <>
      <PageHeader title={t('menu.ledger')} />
      <Card>
        <Tabs
          items={[
            { key: 'trial', label: t('ledger.trial'), children: <TrialBalance /> },
            { key: 'daily', label: t('ledger.daily'), children: <Daily /> },
            { key: 'account', label: t('ledger.account'), children: <AccountView /> },
          ]}
        />
      </Card>
    </>
  );
}

function TrialBalance() {
  const t = useT();
  const { locale } = useI18n();
  const tb = useGet<TrialBalanceDto>('/api/v1/admin/ledger/trial-balance', { staleTime: 0 });
  const d = tb.data;
  return (
    <>
      <ErrorAlert error={tb.error} onRetry={() => tb.refetch()} />
      <Space style={{ marginBottom: 16 }} wrap>
        {d &&
          (d.balanced ? (
            <Tag color="green" data-testid="trial-balanced">
              {t('ledger.balanced')}
            </Tag>
          ) : (
            <Tag color="red">{t('ledger.unbalanced')}</Tag>
          ))}
        {d && (
          <Typography.Text type="secondary">
            {t('ledger.checkedAt', { time: formatTime(d.checkedAt, locale) })}
          </Typography.Text>
        )}
        <Button size="small" onClick={() => tb.refetch()} loading={tb.isFetching}>
          {t('ledger.recheck')}
        </Button>
      </Space>
      <Row gutter={[16, 16]}>
        <Col xs={12} md={6}>
          <Statistic title={t('ledger.debits')} value={d ? formatCents(d.debitsCents) : '—'} loading={tb.isPending} />
        </Col>
        <Col xs={12} md={6}>
          <Statistic title={t('ledger.credits')} value={d ? formatCents(d.creditsCents) : '—'} loading={tb.isPending} />
        </Col>
        <Col xs={12} md={6}>
          <Statistic
            title={t('ledger.sumPostings')}
            value={d ? formatCents(d.totalPostingsCents) : '—'}
            loading={tb.isPending}
          />
        </Col>
        <Col xs={12} md={6}>
          <Statistic
            title={t('ledger.sumBalances')}
            value={d ? formatCents(d.totalBalancesCents) : '—'}
            loading={tb.isPending}
          />
        </Col>
      </Row>
      {d && (
        <Typography.Paragraph type="secondary" style={{ marginTop: 12 }}>
          {t('ledger.checked', { accounts: d.accountsChecked, entries: d.entriesChecked })}
        </Typography.Paragraph>
      )}
      {d && (d.mismatches.length > 0 || d.unbalancedEntries.length > 0 || d.negativeAccounts.length > 0) && (
        <>
          <Alert type="error" showIcon message={t('ledger.problems')} style={{ margin: '12px 0' }} />
          <Table
            size="small"
            rowKey={(r) => r.id}
            pagination={false}
            dataSource={[
              ...d.mismatches.map((m) => ({
                id: `m:${m.accountId}`,
                what: t('ledger.mismatch'),
                ref: m.accountId,
                cents: m.balanceCents - m.postingsCents,
              })),
              ...d.unbalancedEntries.map((e) => ({
                id: `e:${e.entryId}`,
                what: t('ledger.unbalancedEntry'),
                ref: e.entryId,
                cents: e.sumCents,
              })),
              ...d.negativeAccounts.map((a) => ({
                id: `n:${a.accountId}`,
                what: t('ledger.negative'),
                ref: a.accountId,
                cents: a.balanceCents,
              })),
            ]}
            columns={[
              { title: t('ledger.problem'), dataIndex: 'what' },
              { title: t('ledger.ref'), dataIndex: 'ref' },
              { title: t('common.amount'), dataIndex: 'cents', render: (c: number) => formatSignedCents(c) },
            ]}
          />
        </>
      )}
    </>
  );
}

function Daily() {
  const t = useT();
  const [date, setDate] = useState(cstDate(0));
  const day = useGet<DailySummary>(withParams('/api/v1/admin/ledger/daily-summary', { date }));
  const d = day.data;
  const money = (c: number | undefined) => (c === undefined ? '—' : formatCents(c));
  return (
    <>
      <Space style={{ marginBottom: 16 }}>
        <DatePicker
          value={dayjs(date)}
          allowClear={false}
          onChange={(v) => v && setDate(v.format('YYYY-MM-DD'))}
          disabledDate={(v) => v.isAfter(dayjs(cstDate(0)), 'day')}
        />
        <Typography.Text type="secondary">{t('ledger.cst')}</Typography.Text>
      </Space>
      <ErrorAlert error={day.error} onRetry={() => day.refetch()} />
      <Descriptions bordered size="small" column={{ xs: 1, md: 2 }} title={t('ledger.booked', { n: d?.entries ?? 0 })}>
        <Descriptions.Item label={t('ledger.commission')}>{money(d?.commissionCents)}</Descriptions.Item>
        <Descriptions.Item label={t('ledger.held')}>{money(d?.heldCents)}</Descriptions.Item>
        <Descriptions.Item label={t('ledger.settled')}>{money(d?.settledCents)}</Descriptions.Item>
        <Descriptions.Item label={t('ledger.refunded')}>{money(d?.refundedFromEscrowCents)}</Descriptions.Item>
        <Descriptions.Item label={t('ledger.wdRequested')}>{money(d?.withdrawalsRequestedCents)}</Descriptions.Item>
        <Descriptions.Item label={t('ledger.withdrawn')}>{money(d?.withdrawnCents)}</Descriptions.Item>
        <Descriptions.Item label={t('ledger.topUps')}>{money(d?.topUpsCents)}</Descriptions.Item>
      </Descriptions>
      <Descriptions
        bordered
        size="small"
        column={{ xs: 1, md: 2 }}
        title={t('ledger.closing')}
        style={{ marginTop: 16 }}
      >
        <Descriptions.Item label={t('ledger.cHeld')}>{money(d?.closing.heldCents)}</Descriptions.Item>
        <Descriptions.Item label={t('ledger.cAvailable')}>{money(d?.closing.availableCents)}</Descriptions.Item>
        <Descriptions.Item label={t('ledger.cWithdrawing')}>{money(d?.closing.withdrawingCents)}</Descriptions.Item>
        <Descriptions.Item label={t('ledger.cWallets')}>{money(d?.closing.walletsCents)}</Descriptions.Item>
        <Descriptions.Item label={t('ledger.cCommission')}>{money(d?.closing.commissionCents)}</Descriptions.Item>
      </Descriptions>
    </>
  );
}

function AccountView() {
  const t = useT();
  const [id, setId] = useState('');
  const [page, setPage] = useState(1);
  const list = useGet<AccountPostings>(
    id ? withParams(`/api/v1/admin/ledger/accounts/${encodeURIComponent(id)}/postings`, { page, pageSize: 20 }) : null,
    { retry: false },
  );
  const a = list.data?.account;
  return (
    <>
      <Input.Search
        allowClear
        enterButton={t('common.search')}
        placeholder={t('ledger.accountHint')}
        onSearch={(v) => {
          setId(v.trim());
          setPage(1);
        }}
        style={{ maxWidth: 460, marginBottom: 12 }}
        maxLength={120}
      />
      <Typography.Paragraph type="secondary">{t('ledger.accountExamples')}</Typography.Paragraph>
      <ErrorAlert error={list.error} />
      {!id && <Empty description={t('ledger.accountEmpty')} />}
      {a && (
        <Descriptions bordered size="small" column={{ xs: 1, md: 3 }} style={{ marginBottom: 12 }}>
          <Descriptions.Item label={t('ledger.accountId')}>{a.id}</Descriptions.Item>
          <Descriptions.Item label={t('ledger.kind')}>{a.kind}</Descriptions.Item>
          <Descriptions.Item label={t('ledger.balance')}>{formatCents(a.balanceCents)}</Descriptions.Item>
        </Descriptions>
      )}
      {a && (
        <div style={{ marginBottom: 12 }}>
          <ExportButtons path="/api/v1/admin/ledger/postings/export" params={{ accountId: a.id }} />
        </div>
      )}
      {a && (
        <PostingsTable
          {...pageOf(list, page, setPage)}
          emptyText={t('ledger.noPostings')}
          scrollX={800}
          middle={[{ title: t('ledger.entry'), width: 260, dataIndex: 'entryId' }]}
        />
      )}
    </>
  );
}
