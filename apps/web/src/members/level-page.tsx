import { randomUuid } from '../lib/uuid.ts';
import type { LevelDto, UserLevelDto } from '@kameng/contracts';
import { CrownOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Flex, List, Modal, Progress, Radio, Skeleton, Tag, Typography } from 'antd';
import { useRef, useState } from 'react';
import { errorText, useI18n } from '../i18n/index.ts';
import { api } from '../lib/api.ts';
import { formatCents } from '../lib/money.ts';
import { methodLabel, type PaymentView, usePaymentMethods } from '../lib/payments.ts';
import { navigate } from '../lib/router.ts';
import { rememberLevelUpgrade } from '../storefront/order-memory.ts';
import { bpsToPct, useLevelsT } from './messages.ts';

/** 我的 › 会员: my level, my progress to the next, what each level gives, and buying an upgrade. */
export function LevelPage() {
  const t = useLevelsT();
  const { t: ts } = useI18n();
  const mine = useQuery({ queryKey: ['my-level'], queryFn: () => api<UserLevelDto>('GET', '/api/v1/me/level') });
  const [buying, setBuying] = useState<LevelDto | null>(null);
  if (mine.isPending) return <Skeleton active />;
  if (mine.isError) return <Alert type="error" showIcon message={errorText(ts, mine.error)} />;
  const d = mine.data;
  const next = d.next;
  const progress = next ? Math.floor((d.spendCents * 100) / (d.spendCents + next.remainingCents)) : 100;
  return (
    <Flex vertical gap={12}>
      <Card size="small" data-testid="my-level">
        <Flex vertical gap={8}>
          <Typography.Text type="secondary">{t('me.title')}</Typography.Text>
          <Flex align="center" gap={8} wrap>
            <CrownOutlined style={{ color: d.level ? '#d4a017' : '#bbb', fontSize: 22 }} />
            <Typography.Title level={4} style={{ margin: 0 }}>
              {d.level?.name ?? t('me.none')}
            </Typography.Title>
            {d.source && <Tag>{t(`me.source.${d.source}`)}</Tag>}
          </Flex>
          <Typography.Text>{t('me.spend', { amount: formatCents(d.spendCents) })}</Typography.Text>
          <Progress percent={progress} showInfo={false} strokeColor="#e4393c" />
          <Typography.Text type="secondary">
            {next ? t('me.next', { amount: formatCents(next.remainingCents), name: next.level.name }) : t('me.top')}
          </Typography.Text>
          {d.level?.serviceContact && (
            <Typography.Text strong>{t('me.contact', { contact: d.level.serviceContact })}</Typography.Text>
          )}
        </Flex>
      </Card>
      <Card size="small" title={t('me.levels')}>
        <List
          dataSource={d.levels}
          renderItem={(l) => {
            const current = d.level?.id === l.id;
            const above = !d.level || l.rank > d.level.rank;
            return (
              <List.Item
                data-testid="level-item"
                actions={
                  l.upgradePriceCents !== null && above
                    ? [
                        <Button key="up" type="primary" size="small" onClick={() => setBuying(l)}>
                          {t('me.upgrade', { price: formatCents(l.upgradePriceCents) })}
                        </Button>,
                      ]
                    : []
                }
              >
                <List.Item.Meta
                  title={
                    <Flex gap={6} align="center" wrap>
                      <span>{l.name}</span>
                      {current && <Tag color="red">{t('me.current')}</Tag>}
                    </Flex>
                  }
                  description={<Perks level={l} />}
                />
              </List.Item>
            );
          }}
        />
      </Card>
      <UpgradeModal level={buying} onClose={() => setBuying(null)} />
    </Flex>
  );
}

function Perks({ level: l }: { level: LevelDto }) {
  const t = useLevelsT();
  const lines = [
    l.discountBps > 0 ? t('me.discount', { pct: bpsToPct(l.discountBps) }) : null,
    l.feeDiscountBps > 0 ? t('me.feeDiscount', { pct: bpsToPct(l.feeDiscountBps) }) : null,
    l.serviceContact ? t('me.contact', { contact: l.serviceContact }) : null,
    l.spendThresholdCents !== null ? t('me.reachBy', { amount: formatCents(l.spendThresholdCents) }) : null,
  ].filter((x): x is string => x !== null);
  return (
    <Flex vertical>{lines.length ? lines.map((x) => <span key={x}>{x}</span>) : <span>{t('me.noPerks')}</span>}</Flex>
  );
}

/** Pays for a level: the wallet at once, any other method at the cashier, which comes back to this page. */
function UpgradeModal({ level, onClose }: { level: LevelDto | null; onClose: () => void }) {
  const t = useLevelsT();
  const { t: ts } = useI18n();
  const { message } = App.useApp();
  const client = useQueryClient();
  const methods = usePaymentMethods();
  const [method, setMethod] = useState<string | null>(null);
  const key = useRef(randomUuid());
  const options = methods.data?.map((m) => m.method) ?? [];
  const chosen = method ?? options[0] ?? null;
  const buy = useMutation({
    mutationFn: (v: { levelId: string; paymentMethod: string }) =>
      api<{ payment: PaymentView }>('POST', '/api/v1/me/level/upgrades', v, { 'idempotency-key': key.current }),
    onSuccess: async (r) => {
      key.current = randomUuid();
      if (r.payment.status === 'paid') {
        message.success(t('me.upgraded', { name: level?.name ?? '' }));
        for (const k of ['my-level', 'wallet']) await client.invalidateQueries({ queryKey: [k] });
        onClose();
        return;
      }
      rememberLevelUpgrade(r.payment);
      navigate(`/cashier/${encodeURIComponent(r.payment.id)}`);
    },
  });
  return (
    <Modal
      open={level !== null}
      title={level ? t('me.upgradeTitle', { name: level.name }) : ''}
      onCancel={onClose}
      okText={level?.upgradePriceCents ? t('me.pay', { price: formatCents(level.upgradePriceCents) }) : ''}
      okButtonProps={{ disabled: !chosen, loading: buy.isPending }}
      onOk={() => level && chosen && buy.mutate({ levelId: level.id, paymentMethod: chosen })}
      destroyOnHidden
    >
      <Flex vertical gap={8}>
        {level && <Perks level={level} />}
        <Typography.Text type="secondary">{t('me.payWith')}</Typography.Text>
        <Radio.Group value={chosen} onChange={(e) => setMethod(e.target.value)}>
          <Flex vertical gap={6}>
            {options.map((m) => (
              <Radio key={m} value={m}>
                {methodLabel(ts, m)}
              </Radio>
            ))}
          </Flex>
        </Radio.Group>
        {buy.isError && <Alert type="error" showIcon message={errorText(ts, buy.error)} />}
      </Flex>
    </Modal>
  );
}
