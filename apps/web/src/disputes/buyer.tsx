import type { DisputeDto, DisputeSummaryDto } from '@kameng/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Checkbox, Flex, Form, Input, List, Modal, Popconfirm, Select, Typography } from 'antd';
import { useState } from 'react';
import { errorText, useLocale } from '../i18n/index.ts';
import { api } from '../lib/api.ts';
import { linkTo, navigate } from '../lib/router.ts';
import { formatTime } from '../lib/time.ts';
import { CaseView, Countdown, caseUrl, StatusTag, useRefreshCase } from './case-view.tsx';
import { useDisputesT } from './messages.ts';

const REASONS = ['invalid_key', 'wrong_item', 'not_received', 'other'] as const;

/** 申请售后 on a delivered order: the reason, a message and (for card keys) which keys; then the case page. */
/** Keys never viewed go back without a case: the return page, under 售后 in the buyer centre. */
export function ReturnKeysButton({ orderId }: { orderId: string }) {
  const t = useDisputesT();
  return <Button {...linkTo(`/account/returns/${encodeURIComponent(orderId)}`)}>{t('return.entry')}</Button>;
}

export function OpenCaseButton({ orderId, keys }: { orderId: string; keys: readonly string[] }) {
  const t = useDisputesT();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<{ reason: (typeof REASONS)[number]; message: string; cardKeyIndexes?: number[] }>();
  const file = useMutation({
    mutationFn: (body: object) =>
      api<{ id: string }>('POST', `/api/v1/orders/${encodeURIComponent(orderId)}/disputes`, body),
    onSuccess: (r) => navigate(`/account/disputes/${encodeURIComponent(r.id)}`),
  });
  return (
    <>
      <Button onClick={() => setOpen(true)}>{t('open')}</Button>
      <Modal
        open={open}
        title={t('openTitle')}
        okText={t('submit')}
        confirmLoading={file.isPending}
        onCancel={() => setOpen(false)}
        onOk={() => form.submit()}
        destroyOnHidden
      >
        <Typography.Paragraph type="secondary">{t('openHint', { hours: 24 })}</Typography.Paragraph>
        {file.isError && <Alert type="error" showIcon role="alert" message={errorText(t, file.error)} />}
        <Form
          form={form}
          layout="vertical"
          initialValues={{ reason: 'invalid_key' }}
          onFinish={(v) =>
            file.mutate({ ...v, cardKeyIndexes: v.cardKeyIndexes?.length ? v.cardKeyIndexes : undefined })
          }
        >
          <Form.Item name="reason" label={t('reason')} rules={[{ required: true }]}>
            <Select options={REASONS.map((r) => ({ value: r, label: t(`reason.${r}`) }))} />
          </Form.Item>
          {keys.length > 0 && (
            <Form.Item name="cardKeyIndexes" label={t('keys')}>
              <Checkbox.Group
                options={keys.map((k, i) => ({ value: i, label: <Typography.Text code>{k}</Typography.Text> }))}
                style={{ display: 'flex', flexDirection: 'column' }}
              />
            </Form.Item>
          )}
          <Form.Item name="message" label={t('message')} rules={[{ required: true, whitespace: true, max: 4000 }]}>
            <Input.TextArea autoSize={{ minRows: 3, maxRows: 8 }} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

/** On a disputed order: the way to its case. */
export function MyCasesButton() {
  const t = useDisputesT();
  return <Button {...linkTo('/account/disputes')}>{t('menu')}</Button>;
}

/** The buyer centre's 售后 section: his cases, or one of them. */
export default function BuyerDisputes({ id }: { id?: string | undefined }) {
  if (id) return <BuyerCase id={id} />;
  return <BuyerCaseList />;
}

function BuyerCaseList() {
  const t = useDisputesT();
  const { locale } = useLocale();
  const list = useQuery({
    queryKey: ['disputes', 'mine'],
    queryFn: () => api<{ items: DisputeSummaryDto[]; total: number }>('GET', '/api/v1/disputes?pageSize=50'),
  });
  if (list.isError) return <Alert type="error" showIcon message={errorText(t, list.error)} />;
  return (
    <List
      loading={list.isPending}
      locale={{ emptyText: t('empty') }}
      dataSource={list.data?.items ?? []}
      renderItem={(c) => (
        <List.Item
          extra={<StatusTag status={c.status} />}
          style={{ cursor: 'pointer' }}
          onClick={() => navigate(`/account/disputes/${encodeURIComponent(c.id)}`)}
        >
          <List.Item.Meta
            title={<a {...linkTo(`/account/disputes/${encodeURIComponent(c.id)}`)}>{c.itemTitle}</a>}
            description={
              <>
                {t(`reason.${c.reason}`)} · {formatTime(c.createdAt, locale)} · <Countdown at={c.deadlineAt} />
              </>
            }
          />
        </List.Item>
      )}
    />
  );
}

function BuyerCase({ id }: { id: string }) {
  const t = useDisputesT();
  return (
    <Flex vertical gap={12}>
      <Button {...linkTo('/account/disputes')} style={{ alignSelf: 'flex-start' }}>
        {t('back')}
      </Button>
      <CaseView id={id} actions={(c) => <BuyerActions c={c} />} />
    </Flex>
  );
}

/** Once the supplier has answered: accept it, or take it to the platform with a reason. */
function BuyerActions({ c }: { c: DisputeDto }) {
  const t = useDisputesT();
  const { message } = App.useApp();
  const refresh = useRefreshCase(c.id);
  const client = useQueryClient();
  const [why, setWhy] = useState('');
  const step = useMutation({
    mutationFn: (s: 'accept' | 'escalate') =>
      api('POST', `${caseUrl(c.id)}/${s}`, s === 'escalate' ? { message: why } : undefined),
    onSuccess: async () => {
      message.success(t('done'));
      await refresh();
      await client.invalidateQueries({ queryKey: ['wallet'] });
    },
  });
  if (c.status !== 'supplier_answered') return null;
  return (
    <Flex vertical gap={8} style={{ marginTop: 12 }}>
      {step.isError && <Alert type="error" showIcon role="alert" message={errorText(t, step.error)} />}
      <Popconfirm title={t('acceptQuestion')} onConfirm={() => step.mutate('accept')}>
        <Button type="primary" loading={step.isPending} style={{ alignSelf: 'flex-start' }}>
          {t('accept')}
        </Button>
      </Popconfirm>
      <Typography.Text type="secondary">{t('escalateHint')}</Typography.Text>
      <Input.TextArea
        value={why}
        onChange={(e) => setWhy(e.target.value)}
        aria-label={t('escalate')}
        maxLength={4000}
      />
      <Button
        danger
        disabled={!why.trim()}
        loading={step.isPending}
        onClick={() => step.mutate('escalate')}
        style={{ alignSelf: 'flex-start' }}
      >
        {t('escalate')}
      </Button>
    </Flex>
  );
}
