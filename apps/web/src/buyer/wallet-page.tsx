import { randomUuid } from '../lib/uuid.ts';
import { type paymentViewSchema, type postingsPageSchema, topUpBodySchema } from '@kameng/contracts';
import { useMutation, useQuery } from '@tanstack/react-query';
import {
  Alert,
  Button,
  Card,
  DatePicker,
  Empty,
  Flex,
  Input,
  List,
  Pagination,
  Radio,
  Select,
  Skeleton,
  Statistic,
  Typography,
} from 'antd';
import dayjs from 'dayjs';
import { useRef, useState } from 'react';
import type { z } from 'zod';
import { errorText, type MessageKey, useI18n } from '../i18n/index.ts';
import { api } from '../lib/api.ts';
import { formatCents, parseYuan } from '../lib/money.ts';
import { methodLabel, usePaymentMethods } from '../lib/payments.ts';
import { navigate, withQuery } from '../lib/router.ts';
import { rememberTopUp } from '../storefront/order-memory.ts';
import { formatTime } from '../lib/time.ts';

type Payment = z.infer<typeof paymentViewSchema>;
type Postings = z.infer<typeof postingsPageSchema>;

const PAGE_SIZE = 10;
const QUICK_YUAN = [10, 50, 100, 500] as const;
const MIN_TOP_UP_CENTS = 100;
const MAX_TOP_UP_CENTS = 5_000_000;
const KINDS = ['top_up', 'sale_hold', 'hold_void', 'refund'] as const;

type Posting = Postings['items'][number];

/**
 * One purchase is one journal entry, but the ledger books it as two postings on the wallet (the supplier's
 * share and the platform's commission). The buyer paid one amount, so the list shows one line per entry.
 */
function byEntry(postings: Posting[]): Posting[] {
  const merged = new Map<string, Posting>();
  for (const p of postings) {
    const seen = merged.get(p.entryId);
    merged.set(p.entryId, seen ? { ...seen, amountCents: seen.amountCents + p.amountCents } : p);
  }
  return [...merged.values()];
}

function kindLabel(kind: string): MessageKey {
  return KINDS.find((k) => k === kind) ? (`postingKind.${kind}` as MessageKey) : 'postingKind.other';
}

export function WalletPage() {
  const { t } = useI18n();
  const wallet = useQuery({
    queryKey: ['wallet'],
    queryFn: () => api<{ balanceCents: number }>('GET', '/api/v1/wallet'),
  });
  return (
    <Flex vertical gap={12}>
      <Card size="small">
        {wallet.isError ? (
          <Alert type="error" showIcon message={errorText(t, wallet.error)} />
        ) : (
          <Statistic
            title={t('wallet.balance')}
            loading={wallet.isPending}
            value={wallet.data ? formatCents(wallet.data.balanceCents) : ''}
            valueStyle={{ color: '#e4393c' }}
            valueRender={() => (
              <span data-testid="wallet-balance">{wallet.data ? formatCents(wallet.data.balanceCents) : ''}</span>
            )}
          />
        )}
      </Card>
      <TopUp />
      <History />
    </Flex>
  );
}

type TopUpMethod = z.infer<typeof topUpBodySchema>['paymentMethod'];
const TOP_UP_METHODS: readonly TopUpMethod[] = topUpBodySchema.shape.paymentMethod.options;

/** A top-up is paid at the cashier like an order; the cashier comes back here once it is paid. */
function TopUp() {
  const { t } = useI18n();
  const available = usePaymentMethods();
  const methods = TOP_UP_METHODS.filter((m) => available.data?.some((a) => a.method === m));
  const [method, setMethod] = useState<TopUpMethod | null>(null);
  const [choice, setChoice] = useState<string>('50');
  const [custom, setCustom] = useState('');
  const [invalid, setInvalid] = useState(false);
  // one key per top-up: a retried or double-clicked request answers the same top-up
  const key = useRef(randomUuid());
  const start = useMutation({
    mutationFn: (v: { amountCents: number; paymentMethod: TopUpMethod }) =>
      api<{ payment: Payment }>('POST', '/api/v1/wallet/top-ups', v, { 'idempotency-key': key.current }),
    onSuccess: (r) => {
      key.current = randomUuid();
      rememberTopUp(r.payment);
      navigate(`/cashier/${encodeURIComponent(r.payment.id)}`);
    },
  });
  const chosen = method ?? methods[0] ?? null;

  if (available.isPending) return <Skeleton active />;
  if (!chosen) {
    return (
      <Card size="small" title={t('wallet.topUp')}>
        <Alert type="info" showIcon message={t('wallet.noChannel')} />
      </Card>
    );
  }
  const submit = () => {
    const cents = choice === 'custom' ? parseYuan(custom) : Number(choice) * 100;
    if (cents === null || cents < MIN_TOP_UP_CENTS || cents > MAX_TOP_UP_CENTS) {
      setInvalid(true);
      return;
    }
    setInvalid(false);
    start.mutate({ amountCents: cents, paymentMethod: chosen });
  };
  return (
    <Card size="small" title={t('wallet.topUp')}>
      <Flex vertical gap={10}>
        <Radio.Group value={choice} onChange={(e) => setChoice(e.target.value)} optionType="button" buttonStyle="solid">
          {QUICK_YUAN.map((y) => (
            <Radio.Button key={y} value={String(y)}>
              {formatCents(y * 100)}
            </Radio.Button>
          ))}
          <Radio.Button value="custom">{t('wallet.custom')}</Radio.Button>
        </Radio.Group>
        {choice === 'custom' && (
          <Input
            prefix="¥"
            inputMode="decimal"
            style={{ maxWidth: 200 }}
            value={custom}
            status={invalid ? 'error' : ''}
            aria-label={t('wallet.amount')}
            placeholder={t('wallet.amount')}
            onChange={(e) => setCustom(e.target.value)}
            onPressEnter={submit}
          />
        )}
        {invalid && (
          <Typography.Text type="danger">
            {t('wallet.amountRange', { min: formatCents(MIN_TOP_UP_CENTS), max: formatCents(MAX_TOP_UP_CENTS) })}
          </Typography.Text>
        )}
        <Radio.Group value={chosen} onChange={(e) => setMethod(e.target.value as TopUpMethod)}>
          <Flex vertical gap={6}>
            {methods.map((m) => (
              <Radio key={m} value={m}>
                {methodLabel(t, m)}
              </Radio>
            ))}
          </Flex>
        </Radio.Group>
        {start.isError && <Alert type="error" showIcon role="alert" message={errorText(t, start.error)} />}
        <Button type="primary" onClick={submit} loading={start.isPending} style={{ alignSelf: 'flex-start' }}>
          {t('wallet.topUpSubmit')}
        </Button>
      </Flex>
    </Card>
  );
}

function History() {
  const { t, locale } = useI18n();
  const [page, setPage] = useState(1);
  const [kind, setKind] = useState<string | undefined>();
  const [range, setRange] = useState<[number, number] | null>(null);
  const postings = useQuery({
    queryKey: ['postings', page, kind, range],
    queryFn: () =>
      api<Postings>(
        'GET',
        withQuery('/api/v1/wallet/postings', { page, pageSize: PAGE_SIZE, kind, from: range?.[0], to: range?.[1] }),
      ),
    staleTime: 0,
  });
  return (
    <Card size="small" title={t('wallet.history')}>
      <Flex wrap gap={8} style={{ marginBottom: 12 }}>
        <DatePicker.RangePicker
          value={range ? [dayjs(range[0]), dayjs(range[1] - 1)] : null}
          onChange={(r) => {
            setPage(1);
            setRange(r?.[0] && r[1] ? [r[0].startOf('day').valueOf(), r[1].endOf('day').valueOf() + 1] : null);
          }}
        />
        <Select<string>
          allowClear
          style={{ minWidth: 140 }}
          placeholder={t('wallet.kind')}
          value={kind}
          onChange={(k) => {
            setPage(1);
            setKind(k);
          }}
          options={KINDS.map((k) => ({ value: k, label: t(kindLabel(k)) }))}
        />
      </Flex>
      {postings.isPending ? (
        <Skeleton active />
      ) : postings.isError ? (
        <Alert type="error" showIcon message={errorText(t, postings.error)} />
      ) : postings.data.items.length === 0 ? (
        <Empty description={kind || range ? t('wallet.historyEmptyFiltered') : t('wallet.historyEmpty')} />
      ) : (
        <>
          <List
            size="small"
            dataSource={byEntry(postings.data.items)}
            renderItem={(p) => (
              <List.Item
                data-testid="posting"
                extra={
                  <Typography.Text strong type={p.amountCents < 0 ? undefined : 'success'}>
                    {p.amountCents > 0 ? '+' : ''}
                    {formatCents(p.amountCents)}
                  </Typography.Text>
                }
              >
                <List.Item.Meta title={t(kindLabel(p.kind))} description={formatTime(p.createdAt, locale)} />
              </List.Item>
            )}
          />
          <Pagination
            align="center"
            size="small"
            current={page}
            pageSize={PAGE_SIZE}
            total={postings.data.total}
            onChange={setPage}
            showSizeChanger={false}
          />
        </>
      )}
    </Card>
  );
}
