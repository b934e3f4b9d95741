import type { DisputeDto } from '@kameng/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  Button,
  Card,
  Descriptions,
  Flex,
  Image,
  Input,
  Skeleton,
  Tag,
  Timeline,
  Typography,
  Upload,
} from 'antd';
import { type ReactNode, useEffect, useState } from 'react';
import { postRaw } from '../console/upload.ts';
import { errorText, useLocale } from '../i18n/index.ts';
import { api } from '../lib/api.ts';
import { formatCents } from '../lib/money.ts';
import { linkTo } from '../lib/router.ts';
import { formatTime } from '../lib/time.ts';
import { useDisputesT } from './messages.ts';

export const caseKey = (id: string) => ['dispute', id] as const;
export const caseUrl = (id: string) => `/api/v1/disputes/${encodeURIComponent(id)}`;

const STATUS_COLOR: Record<DisputeDto['status'], string> = {
  open: 'orange',
  supplier_answered: 'blue',
  escalated: 'purple',
  resolved_refund: 'green',
  resolved_replace: 'green',
  rejected: 'red',
  closed: 'default',
};

export const OPEN: DisputeDto['status'][] = ['open', 'supplier_answered', 'escalated'];

export function StatusTag({ status }: { status: DisputeDto['status'] }) {
  const t = useDisputesT();
  return <Tag color={STATUS_COLOR[status]}>{t(`status.${status}`)}</Tag>;
}

/** Time left to a deadline, counting down while the page is open. */
export function Countdown({ at }: { at: number | null }) {
  const t = useDisputesT();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, []);
  if (at === null) return <>—</>;
  const left = at - now;
  if (left <= 0) return <Typography.Text type="danger">{t('deadlinePassed')}</Typography.Text>;
  const hours = Math.floor(left / 3_600_000);
  const minutes = Math.floor((left % 3_600_000) / 60_000);
  return (
    <Typography.Text type={hours < 6 ? 'warning' : undefined}>
      {t('deadlineLeft', { time: `${hours}h ${minutes}m` })}
    </Typography.Text>
  );
}

export function useCase(id: string) {
  return useQuery({ queryKey: caseKey(id), queryFn: () => api<DisputeDto>('GET', caseUrl(id)) });
}

/** After a step: the case and every list showing it read again. */
export function useRefreshCase(id: string) {
  const client = useQueryClient();
  return async () => {
    await client.invalidateQueries({ queryKey: caseKey(id) });
    await client.invalidateQueries({ queryKey: ['disputes'] });
    await client.invalidateQueries({ predicate: (q) => String(q.queryKey[1] ?? '').includes('disputes') });
  };
}

/**
 * One case as its buyer, its supplier and staff see it: where it stands and until when, the thread, the
 * evidence, and a box to add a message or a screenshot while it is open. `actions` is what the reader may do.
 */
export function CaseView({ id, actions }: { id: string; actions?: (c: DisputeDto) => ReactNode }) {
  const t = useDisputesT();
  const { locale } = useLocale();
  const c = useCase(id);
  if (c.isPending) return <Skeleton active />;
  if (c.isError) return <Alert type="error" showIcon message={errorText(t, c.error)} />;
  const d = c.data;
  const open = OPEN.includes(d.status);
  return (
    <Flex vertical gap={12}>
      <Card size="small" title={d.itemTitle} extra={<StatusTag status={d.status} />}>
        <Descriptions size="small" column={{ xs: 1, sm: 2 }}>
          <Descriptions.Item label={t('order')}>
            <a {...linkTo(`/orders/${encodeURIComponent(d.orderId)}`)}>{d.orderId}</a>
          </Descriptions.Item>
          <Descriptions.Item label={t('reason')}>{t(`reason.${d.reason}`)}</Descriptions.Item>
          <Descriptions.Item label={t('deadline')}>
            {t(`level.${d.level}`)} · <Countdown at={d.deadlineAt} />
          </Descriptions.Item>
          <Descriptions.Item label={t('paid')}>{formatCents(d.paidCents)}</Descriptions.Item>
          <Descriptions.Item label={t('refunded')}>
            {formatCents(d.refundedCents)}
            {d.replacedKeys > 0 ? ` · ${t('replaced', { n: d.replacedKeys })}` : ''}
          </Descriptions.Item>
          <Descriptions.Item label={t('created')}>{formatTime(d.createdAt, locale)}</Descriptions.Item>
        </Descriptions>
        {actions?.(d)}
      </Card>
      <Card size="small" title={t('thread')}>
        <Timeline
          items={d.messages.map((m) => ({
            color:
              m.actor === 'platform'
                ? 'purple'
                : m.actor === 'supplier'
                  ? 'blue'
                  : m.actor === 'system'
                    ? 'gray'
                    : 'green',
            children: (
              <Flex vertical gap={2}>
                <Typography.Text type="secondary">
                  {t(`actor.${m.actor}`)} · {formatTime(m.createdAt, locale)}
                  {m.action ? ` · ${t(`action.${m.action}`)}` : ''}
                  {m.amountCents !== null ? ` ${formatCents(m.amountCents)}` : ''}
                </Typography.Text>
                <Typography.Paragraph style={{ margin: 0, whiteSpace: 'pre-wrap' }}>{m.body}</Typography.Paragraph>
                {m.evidenceId && (
                  <Image
                    width={120}
                    src={`${caseUrl(id)}/evidence/${encodeURIComponent(m.evidenceId)}`}
                    alt={t('evidence')}
                  />
                )}
              </Flex>
            ),
          }))}
        />
        {open && <Composer id={id} />}
      </Card>
    </Flex>
  );
}

function Composer({ id }: { id: string }) {
  const t = useDisputesT();
  const refresh = useRefreshCase(id);
  const [text, setText] = useState('');
  const send = useMutation({
    mutationFn: () => api('POST', `${caseUrl(id)}/messages`, { message: text }),
    onSuccess: async () => {
      setText('');
      await refresh();
    },
  });
  const upload = useMutation({
    mutationFn: (file: File) => postRaw(`${caseUrl(id)}/evidence`, file, file.type || 'application/octet-stream'),
    onSuccess: refresh,
  });
  const error = send.error ?? upload.error;
  return (
    <Flex vertical gap={8}>
      {error && <Alert type="error" showIcon role="alert" message={errorText(t, error)} />}
      <Input.TextArea
        value={text}
        onChange={(e) => setText(e.target.value)}
        placeholder={t('reply')}
        aria-label={t('reply')}
        autoSize={{ minRows: 2, maxRows: 6 }}
        maxLength={4000}
      />
      <Flex gap={8} wrap>
        <Button type="primary" disabled={!text.trim()} loading={send.isPending} onClick={() => send.mutate()}>
          {t('send')}
        </Button>
        <Upload
          accept="image/png,image/jpeg,image/webp"
          showUploadList={false}
          beforeUpload={(file) => {
            upload.mutate(file);
            return false;
          }}
        >
          <Button loading={upload.isPending}>{t('addEvidence')}</Button>
        </Upload>
        <Typography.Text type="secondary">{t('evidenceHint')}</Typography.Text>
      </Flex>
    </Flex>
  );
}
