import { randomUuid } from '../lib/uuid.ts';
import { PlusOutlined } from '@ant-design/icons';
import type { CreatePayoutAccountBody, PayoutAccountDto, WithdrawalDto } from '@kameng/contracts';
import {
  Alert,
  App,
  Button,
  Card,
  Form,
  Input,
  Modal,
  Radio,
  Row,
  Select,
  Space,
  Table,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import { useRef, useState } from 'react';
import { formatCents, formatTime, yuanRule, yuanToCents } from '../console/format.ts';
import { ExportButtons } from '../console/export-buttons.tsx';
import { ErrorAlert, PageHeader } from '../console/layout.tsx';
import { useGet, useInvalidate, withParams } from '../console/query.ts';
import { PostingsTable } from '../console/postings-table.tsx';
import { StatCard } from '../console/stat-card.tsx';
import { FilterSelect, PagedTable, pageOf } from '../console/table.tsx';
import { ReauthModal } from '../console/reauth.tsx';
import { type Balance, type PostingsPage, WITHDRAWAL_STATUS_COLOR, type WithdrawalsPage } from '../console/types.ts';
import { useI18n } from '../i18n/index.ts';
import { api } from '../lib/api.ts';
import { useSession } from '../lib/session.ts';
import { useT } from './messages.ts';
import { Named } from '../console/named.tsx';

/** What a posting refers to, in words (the id follows as a small line). */
function refTypeName(t: ReturnType<typeof useT>, refType: string | null | undefined): string {
  return refType === 'order' || refType === 'payment' || refType === 'withdrawal'
    ? t(`ref.${refType}`)
    : (refType ?? '—');
}

type Account = 'held' | 'available' | 'withdrawing';
const THIRD = { xs: 24, md: 8 };

export default function Money() {
  const t = useT();
  const balance = useGet<Balance>('/api/v1/supplier/balance');
  const b = balance.data;
  return (
    <>
      <PageHeader
        title={t('menu.money')}
        extra={<Button onClick={() => balance.refetch()}>{t('common.refresh')}</Button>}
      />
      <ErrorAlert error={balance.error} onRetry={() => balance.refetch()} />
      <Row gutter={[16, 16]} style={{ marginBottom: 16 }}>
        <StatCard
          cols={THIRD}
          title={t('money.held')}
          value={b?.heldCents}
          money
          loading={balance.isPending}
          hint={
            b && b.frozenCents > 0 ? t('money.frozen', { amount: formatCents(b.frozenCents) }) : t('money.heldHint')
          }
        />
        <StatCard
          cols={THIRD}
          title={t('money.available')}
          value={b?.availableCents}
          money
          loading={balance.isPending}
          valueStyle={{ color: '#3f8600' }}
          hint={t('money.availableHint')}
        />
        <StatCard
          cols={THIRD}
          title={t('money.withdrawing')}
          value={b?.withdrawingCents}
          money
          loading={balance.isPending}
          hint={t('money.withdrawingHint')}
        />
      </Row>
      <Card>
        <Tabs
          items={[
            { key: 'postings', label: t('money.postings'), children: <Postings /> },
            {
              key: 'withdrawals',
              label: t('money.withdrawals'),
              children: <Withdrawals available={b?.availableCents ?? 0} />,
            },
            { key: 'accounts', label: t('money.payoutAccounts'), children: <PayoutAccounts /> },
          ]}
        />
      </Card>
    </>
  );
}

function Postings() {
  const t = useT();
  const [account, setAccount] = useState<Account | undefined>();
  const [page, setPage] = useState(1);
  const list = useGet<PostingsPage>(withParams('/api/v1/supplier/postings', { account, page, pageSize: 20 }));
  return (
    <>
      <Space wrap style={{ marginBottom: 12 }}>
        <FilterSelect<Account>
          width={160}
          value={account}
          onChange={(v) => {
            setAccount(v);
            setPage(1);
          }}
          options={(['held', 'available', 'withdrawing'] as const).map((a) => ({ value: a, label: t(`money.${a}`) }))}
          allLabel={t('money.allAccounts')}
          label={t('money.account')}
        />
        <ExportButtons path="/api/v1/supplier/postings/export" params={{ account }} />
      </Space>
      <ErrorAlert error={list.error} onRetry={() => list.refetch()} />
      <PostingsTable
        {...pageOf(list, page, setPage)}
        emptyText={t('money.noPostings')}
        scrollX={760}
        middle={[
          { title: t('money.account'), dataIndex: 'accountId', width: 130, render: (a: string) => accountName(t, a) },
        ]}
        after={[
          {
            title: t('money.ref'),
            width: 220,
            key: 'ref',
            render: (_, p) => (p.refId ? <Named name={refTypeName(t, p.refType)} id={p.refId} /> : (p.memo ?? '—')),
          },
        ]}
      />
    </>
  );
}

function accountName(t: ReturnType<typeof useT>, id: string): string {
  if (id.startsWith('supplier_held:')) return t('money.held');
  if (id.startsWith('supplier_available:')) return t('money.available');
  if (id.startsWith('supplier_withdrawing:')) return t('money.withdrawing');
  return id;
}

/** Where a payee's money routes live: a supplier's, or an agent's (分站) margins. */
export type PayeeBase = '/api/v1/supplier' | '/api/v1/agent';

/** A payee's payout accounts: the supplier's routes answer `{items}`, the agent's a plain list. */
function accountsOf(d: { items: PayoutAccountDto[] } | PayoutAccountDto[] | undefined): PayoutAccountDto[] {
  return d === undefined ? [] : Array.isArray(d) ? d : d.items;
}

export function Withdrawals({ available, base = '/api/v1/supplier' }: { available: number; base?: PayeeBase }) {
  const t = useT();
  const { locale } = useI18n();
  const { me } = useSession();
  const [page, setPage] = useState(1);
  const [open, setOpen] = useState(false);
  const list = useGet<WithdrawalsPage>(withParams(`${base}/withdrawals`, { page, pageSize: 20 }));
  return (
    <>
      <Space wrap style={{ marginBottom: 12 }}>
        <Button type="primary" onClick={() => setOpen(true)} disabled={!me?.totpEnabled || available <= 0}>
          {t('money.withdraw')}
        </Button>
        <Typography.Text type="secondary">
          {t('money.availableNow', { amount: formatCents(available) })}
        </Typography.Text>
        {base === '/api/v1/supplier' && <ExportButtons path="/api/v1/supplier/withdrawals/export" />}
      </Space>
      <ErrorAlert error={list.error} onRetry={() => list.refetch()} />
      <PagedTable<WithdrawalDto>
        size="small"
        {...pageOf(list, page, setPage)}
        scrollX={860}
        emptyText={t('money.noWithdrawals')}
        columns={[
          {
            title: t('common.createdAt'),
            dataIndex: 'createdAt',
            width: 170,
            render: (v: number) => formatTime(v, locale),
          },
          { title: t('common.amount'), dataIndex: 'amountCents', width: 120, render: (c: number) => formatCents(c) },
          {
            title: t('money.to'),
            width: 240,
            key: 'to',
            render: (_, w) =>
              `${t(`payout.${w.payoutAccount.kind}`)} ${w.payoutAccount.bankName ?? ''} ${w.payoutAccount.accountMasked}`,
          },
          {
            title: t('common.status'),
            dataIndex: 'status',
            width: 150,
            render: (s: WithdrawalDto['status']) => (
              <Tag color={WITHDRAWAL_STATUS_COLOR[s]}>{t(`withdrawal.${s}`)}</Tag>
            ),
          },
          {
            title: t('money.note'),
            width: 200,
            key: 'note',
            render: (_, w) => w.reason ?? (w.payoutRef ? t('money.payoutRef', { ref: w.payoutRef }) : '—'),
          },
        ]}
      />
      <WithdrawModal open={open} onClose={() => setOpen(false)} available={available} base={base} />
    </>
  );
}

interface WithdrawValues {
  amount: string;
  payoutAccountId: string;
}

function WithdrawModal(props: { open: boolean; onClose: () => void; available: number; base: PayeeBase }) {
  const t = useT();
  const { message } = App.useApp();
  const invalidate = useInvalidate();
  const accounts = useGet<{ items: PayoutAccountDto[] } | PayoutAccountDto[]>(
    props.open ? `${props.base}/payout-accounts` : null,
  );
  const accountList = accountsOf(accounts.data);
  const [form] = Form.useForm<WithdrawValues>();
  const [pending, setPending] = useState<WithdrawValues | null>(null);
  // one key per withdrawal: a request sent again (after a password check, a lost answer) withdraws once
  const key = useRef(randomUuid());
  const send = async () => {
    if (!pending) return;
    const body = { amountCents: yuanToCents(pending.amount), payoutAccountId: pending.payoutAccountId };
    await api('POST', `${props.base}/withdrawals`, body, { 'idempotency-key': key.current });
    key.current = randomUuid();
    message.success(t('money.requested'));
    form.resetFields();
    props.onClose();
    await invalidate(`${props.base}/`);
  };
  return (
    <>
      <Modal
        open={props.open && pending === null}
        title={t('money.withdraw')}
        okText={t('money.next')}
        cancelText={t('common.cancel')}
        onOk={() => form.submit()}
        onCancel={props.onClose}
      >
        <ErrorAlert error={accounts.error} />
        {accounts.data && accountList.length === 0 && (
          <Alert type="info" showIcon message={t('money.addAccountFirst')} style={{ marginBottom: 12 }} />
        )}
        <Form form={form} layout="vertical" requiredMark={false} onFinish={(v) => setPending(v)}>
          <Form.Item
            name="amount"
            label={t('money.amountYuan')}
            extra={t('money.availableNow', { amount: formatCents(props.available) })}
            rules={[
              { required: true, message: t('common.required') },
              yuanRule(t('common.yuanInvalid')),
              {
                validator: (_, v) =>
                  (yuanToCents(String(v ?? '')) ?? 0) <= props.available
                    ? Promise.resolve()
                    : Promise.reject(new Error(t('money.overAvailable'))),
              },
            ]}
          >
            <Input prefix="¥" inputMode="decimal" maxLength={13} />
          </Form.Item>
          <Form.Item
            name="payoutAccountId"
            label={t('money.to')}
            rules={[{ required: true, message: t('common.required') }]}
          >
            <Select
              loading={accounts.isPending}
              options={accountList.map((a) => ({
                value: a.id,
                label: `${t(`payout.${a.kind}`)} ${a.bankName ?? ''} ${a.accountMasked} · ${a.holderName}`,
              }))}
            />
          </Form.Item>
        </Form>
      </Modal>
      <ReauthModal
        open={pending !== null}
        title={t('money.confirmWithdraw', { amount: pending ? formatCents(yuanToCents(pending.amount) ?? 0) : '' })}
        onClose={() => setPending(null)}
        action={send}
      />
    </>
  );
}

interface AccountValues {
  kind: 'alipay' | 'bank';
  holderName: string;
  bankName?: string;
  account: string;
}

export function PayoutAccounts({ base = '/api/v1/supplier' }: { base?: PayeeBase }) {
  const t = useT();
  const { locale } = useI18n();
  const { message } = App.useApp();
  const invalidate = useInvalidate();
  const list = useGet<{ items: PayoutAccountDto[] } | PayoutAccountDto[]>(`${base}/payout-accounts`);
  const [adding, setAdding] = useState(false);
  const [pending, setPending] = useState<CreatePayoutAccountBody | null>(null);
  const [form] = Form.useForm<AccountValues>();
  const kind = Form.useWatch('kind', form) ?? 'alipay';
  const send = async () => {
    if (!pending) return;
    await api('POST', `${base}/payout-accounts`, pending);
    message.success(t('money.accountAdded'));
    form.resetFields();
    setAdding(false);
    await invalidate(`${base}/payout-accounts`);
  };
  const toBody = (v: AccountValues): CreatePayoutAccountBody =>
    v.kind === 'bank'
      ? {
          kind: 'bank',
          holderName: v.holderName.trim(),
          bankName: (v.bankName ?? '').trim(),
          account: v.account.trim(),
        }
      : { kind: 'alipay', holderName: v.holderName.trim(), account: v.account.trim() };
  return (
    <>
      <Button icon={<PlusOutlined />} onClick={() => setAdding(true)} style={{ marginBottom: 12 }}>
        {t('money.addAccount')}
      </Button>
      <ErrorAlert error={list.error} onRetry={() => list.refetch()} />
      <Table<PayoutAccountDto>
        size="small"
        rowKey="id"
        loading={list.isFetching}
        dataSource={accountsOf(list.data)}
        pagination={false}
        scroll={{ x: 600 }}
        locale={{ emptyText: t('money.noAccounts') }}
        columns={[
          { title: t('money.accountKind'), dataIndex: 'kind', render: (k: 'alipay' | 'bank') => t(`payout.${k}`) },
          { title: t('money.holder'), dataIndex: 'holderName' },
          { title: t('money.bank'), dataIndex: 'bankName', render: (b: string | null) => b ?? '—' },
          { title: t('money.accountNo'), dataIndex: 'accountMasked' },
          { title: t('common.createdAt'), dataIndex: 'createdAt', render: (v: number) => formatTime(v, locale) },
        ]}
      />
      <Modal
        open={adding && pending === null}
        title={t('money.addAccount')}
        okText={t('money.next')}
        cancelText={t('common.cancel')}
        onOk={() => form.submit()}
        onCancel={() => setAdding(false)}
      >
        <Form<AccountValues>
          form={form}
          layout="vertical"
          requiredMark={false}
          initialValues={{ kind: 'alipay' }}
          onFinish={(v) => setPending(toBody(v))}
        >
          <Form.Item name="kind" label={t('money.accountKind')}>
            <Radio.Group
              optionType="button"
              options={[
                { value: 'alipay', label: t('payout.alipay') },
                { value: 'bank', label: t('payout.bank') },
              ]}
            />
          </Form.Item>
          <Form.Item
            name="holderName"
            label={t('money.holder')}
            rules={[{ required: true, whitespace: true, message: t('common.required') }]}
          >
            <Input maxLength={64} />
          </Form.Item>
          {kind === 'bank' && (
            <Form.Item
              name="bankName"
              label={t('money.bank')}
              rules={[{ required: true, whitespace: true, message: t('common.required') }]}
            >
              <Input maxLength={64} />
            </Form.Item>
          )}
          <Form.Item
            name="account"
            label={kind === 'bank' ? t('money.cardNo') : t('money.alipayAccount')}
            rules={[
              { required: true, message: t('common.required') },
              kind === 'bank'
                ? { pattern: /^[\d\s-]{12,25}$/, message: t('money.cardNoRule') }
                : { pattern: /^(1[3-9]\d{9}|[^\s@]+@[^\s@]+\.[^\s@]+)$/, message: t('money.alipayRule') },
            ]}
          >
            <Input maxLength={100} autoComplete="off" />
          </Form.Item>
        </Form>
      </Modal>
      <ReauthModal open={pending !== null} onClose={() => setPending(null)} action={send} />
    </>
  );
}
