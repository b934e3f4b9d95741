import type { WithdrawalDto } from '@kameng/contracts';
import { Popconfirm, App, Button, Card, Form, Input, Modal, Space, Tag, Tooltip, Typography } from 'antd';
import { useState } from 'react';
import { formatCents, formatTime } from '../console/format.ts';
import { Named } from '../console/named.tsx';
import { FormModal } from '../console/form-modal.tsx';
import { errorText } from '../console/i18n.ts';
import { ExportButtons } from '../console/export-buttons.tsx';
import { ErrorAlert, PageHeader } from '../console/layout.tsx';
import { useGet, useInvalidate, withParams } from '../console/query.ts';
import { FilterSelect, PagedTable, pageOf } from '../console/table.tsx';
import { WITHDRAWAL_STATUS_COLOR, type WithdrawalsPage } from '../console/types.ts';
import { useI18n } from '../i18n/index.ts';
import { api } from '../lib/api.ts';
import { useSession } from '../lib/session.ts';
import { useT } from './messages.ts';
import { ReasonModal } from './reason-modal.tsx';
import { RevealText } from '../console/reveal-text.tsx';

type Status = WithdrawalDto['status'];
type Revealed = { account: string; holderName: string; bankName: string | null; kind: 'alipay' | 'bank' };

export default function Withdrawals() {
  const t = useT();
  const { locale } = useI18n();
  const { me } = useSession();
  const { message } = App.useApp();
  const invalidate = useInvalidate();
  const [status, setStatus] = useState<Status | undefined>('pending');
  // one box: a supplier id (copied from a line) or part of a shop name
  const [search, setSearch] = useState('');
  const who = /^usr_\w+$/.test(search) ? { supplierId: search } : { shop: search };
  const [page, setPage] = useState(1);
  const [busy, setBusy] = useState<string | null>(null);
  const [rejecting, setRejecting] = useState<{ w: WithdrawalDto; kind: 'reject' | 'mark-failed' } | null>(null);
  const [paying, setPaying] = useState<WithdrawalDto | null>(null);
  const [revealed, setRevealed] = useState<Revealed | null>(null);
  const list = useGet<WithdrawalsPage>(withParams('/api/v1/admin/withdrawals', { status, ...who, page, pageSize: 20 }));
  const path = (w: WithdrawalDto, action: string) => `/api/v1/admin/withdrawals/${encodeURIComponent(w.id)}/${action}`;

  const approve = async (w: WithdrawalDto) => {
    setBusy(w.id);
    try {
      const after = await api<WithdrawalDto>('POST', path(w, 'approve'));
      message.success(
        after.status === 'approved'
          ? t('wd.approvedOk')
          : t('wd.firstApproval', { n: after.approvals.length, of: after.requiredApprovals }),
      );
      await invalidate('/api/v1/admin/withdrawals');
    } catch (err) {
      message.error(errorText(t, err));
    } finally {
      setBusy(null);
    }
  };
  const reveal = async (w: WithdrawalDto) => {
    try {
      setRevealed(await api<Revealed>('POST', path(w, 'payout-account')));
    } catch (err) {
      message.error(errorText(t, err));
    }
  };

  return (
    <>
      <PageHeader title={t('menu.withdrawals')} sub={t('wd.sub')} />
      <Card>
        <Space wrap style={{ marginBottom: 12 }}>
          <FilterSelect<Status>
            width={160}
            value={status}
            onChange={(v) => {
              setStatus(v);
              setPage(1);
            }}
            options={(['pending', 'approved', 'paid', 'rejected', 'failed'] as const).map((s) => ({
              value: s,
              label: t(`withdrawal.${s}`),
            }))}
            allLabel={t('common.all')}
            label={t('common.status')}
          />
          <Input.Search
            allowClear
            placeholder={t('wd.supplierSearch')}
            onSearch={(v) => {
              setSearch(v.trim());
              setPage(1);
            }}
            style={{ width: 260 }}
            maxLength={64}
          />
          <ExportButtons path="/api/v1/admin/withdrawals/export" params={{ status, ...who }} />
        </Space>
        <ErrorAlert error={list.error} onRetry={() => list.refetch()} />
        <PagedTable<WithdrawalDto>
          {...pageOf(list, page, setPage)}
          scrollX={1100}
          emptyText={status === 'pending' ? t('wd.nonePending') : t('wd.noneStatus')}
          columns={[
            {
              title: t('common.createdAt'),
              dataIndex: 'createdAt',
              width: 170,
              render: (v: number) => formatTime(v, locale),
            },
            {
              title: t('wd.supplier'),
              key: 'supplier',
              width: 200,
              render: (_: unknown, w: WithdrawalDto) => <Named name={w.shopName ?? '—'} id={w.supplierId} />,
            },
            {
              title: t('common.amount'),
              dataIndex: 'amountCents',
              width: 170,
              render: (c: number, w) => (
                <Space size={4} style={{ whiteSpace: 'nowrap' }}>
                  <Typography.Text strong>{formatCents(c)}</Typography.Text>
                  {w.requiredApprovals > 1 && <Tag color="orange">{t('wd.large')}</Tag>}
                </Space>
              ),
            },
            {
              title: t('wd.to'),
              width: 260,
              key: 'to',
              // the holder's name and the number come masked; 显示 asks for both whole, which is audited
              render: (_, w) => {
                const line = (account: string, holder: string) =>
                  `${t(`payout.${w.payoutAccount.kind}`)} ${w.payoutAccount.bankName ?? ''} ${account} · ${holder}`;
                return (
                  <RevealText
                    masked={line(w.payoutAccount.accountMasked, w.payoutAccount.holderName)}
                    reveal={async () => {
                      const r = await api<Revealed>('POST', path(w, 'payout-account'));
                      return line(r.account, r.holderName);
                    }}
                  />
                );
              },
            },
            {
              title: t('wd.approvals'),
              key: 'approvals',
              width: 110,
              render: (_, w) => t('wd.approvalCount', { n: w.approvals.length, of: w.requiredApprovals }),
            },
            {
              title: t('common.status'),
              dataIndex: 'status',
              width: 150,
              render: (s: Status, w) => (
                <Tooltip title={w.reason ?? (w.payoutRef ? t('wd.ref', { ref: w.payoutRef }) : undefined)}>
                  <Tag color={WITHDRAWAL_STATUS_COLOR[s]}>{t(`withdrawal.${s}`)}</Tag>
                </Tooltip>
              ),
            },
            {
              title: t('common.actions'),
              key: 'a',
              width: 260,
              fixed: 'right',
              render: (_, w) => {
                const mine = w.approvals.some((a) => a.operatorId === me?.id);
                if (w.status === 'pending') {
                  return (
                    <Space wrap>
                      <Tooltip title={mine ? t('wd.needOther') : undefined}>
                        {/* money leaves on this click's say-so: it asks first */}
                        <Popconfirm
                          title={t('wd.approveConfirm', { amount: formatCents(w.amountCents) })}
                          okText={t('common.confirm')}
                          disabled={mine}
                          onConfirm={() => approve(w)}
                        >
                          <Button size="small" type="primary" disabled={mine} loading={busy === w.id}>
                            {w.approvals.length > 0 ? t('wd.secondApprove') : t('wd.approve')}
                          </Button>
                        </Popconfirm>
                      </Tooltip>
                      <Button size="small" danger onClick={() => setRejecting({ w, kind: 'reject' })}>
                        {t('wd.reject')}
                      </Button>
                    </Space>
                  );
                }
                if (w.status === 'approved') {
                  return (
                    <Space wrap>
                      <Button size="small" onClick={() => reveal(w)}>
                        {t('wd.reveal')}
                      </Button>
                      <Button size="small" type="primary" onClick={() => setPaying(w)}>
                        {t('wd.markPaid')}
                      </Button>
                      <Button size="small" danger onClick={() => setRejecting({ w, kind: 'mark-failed' })}>
                        {t('wd.markFailed')}
                      </Button>
                    </Space>
                  );
                }
                return formatTime(w.paidAt ?? w.rejectedAt ?? w.failedAt, locale);
              },
            },
          ]}
        />
      </Card>
      <ReasonModal
        open={rejecting !== null}
        title={rejecting?.kind === 'mark-failed' ? t('wd.markFailed') : t('wd.reject')}
        okText={t('common.confirm')}
        onClose={() => setRejecting(null)}
        onSubmit={async (reason) => {
          if (!rejecting) return;
          await api('POST', path(rejecting.w, rejecting.kind), { reason });
          message.success(t('wd.returned'));
          await invalidate('/api/v1/admin/withdrawals');
        }}
      />
      <MarkPaidModal
        withdrawal={paying}
        onClose={() => setPaying(null)}
        onSubmit={async (payoutRef) => {
          if (!paying) return;
          await api('POST', path(paying, 'mark-paid'), payoutRef ? { payoutRef } : {});
          message.success(t('wd.paidOk'));
          await invalidate('/api/v1/admin/withdrawals');
        }}
      />
      <Modal
        open={revealed !== null}
        title={t('wd.revealTitle')}
        onCancel={() => setRevealed(null)}
        footer={<Button onClick={() => setRevealed(null)}>{t('common.close')}</Button>}
      >
        {revealed && (
          <>
            <Typography.Paragraph type="secondary">{t('wd.revealNote')}</Typography.Paragraph>
            <Typography.Paragraph>
              {t(`payout.${revealed.kind}`)} {revealed.bankName ?? ''} · {revealed.holderName}
            </Typography.Paragraph>
            <Typography.Paragraph copyable code>
              {revealed.account}
            </Typography.Paragraph>
          </>
        )}
      </Modal>
    </>
  );
}

function MarkPaidModal(props: {
  withdrawal: WithdrawalDto | null;
  onClose: () => void;
  onSubmit: (payoutRef: string) => Promise<void>;
}) {
  const t = useT();
  return (
    <FormModal<{ payoutRef?: string }>
      open={props.withdrawal !== null}
      title={t('wd.markPaidTitle', { amount: props.withdrawal ? formatCents(props.withdrawal.amountCents) : '' })}
      okText={t('wd.markPaid')}
      onClose={props.onClose}
      onSubmit={(v) => props.onSubmit(v.payoutRef?.trim() ?? '')}
    >
      <Form.Item name="payoutRef" label={t('wd.payoutRef')} extra={t('wd.payoutRefHint')}>
        <Input maxLength={128} />
      </Form.Item>
    </FormModal>
  );
}
