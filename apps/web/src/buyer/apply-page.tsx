import type { SupplierApplicationDto } from '@kameng/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Flex, Form, Input, Result, Skeleton, Tag, Typography } from 'antd';
import { useState } from 'react';
import { errorText, useLocale } from '../i18n/index.ts';
import { useBuyerT } from './messages.ts';
import { api } from '../lib/api.ts';
import { showFieldErrors } from '../lib/form-errors.ts';
import { linkTo } from '../lib/router.ts';
import { useSession } from '../lib/session.ts';
import { formatTime } from '../lib/time.ts';

interface ApplyValues {
  shopName: string;
  contact: string;
  realName: string;
  note?: string;
}

const STATUS_COLOR = { pending: 'orange', approved: 'green', rejected: 'red' } as const;

export function ApplyPage() {
  const t = useBuyerT();
  const { locale } = useLocale();
  const { me } = useSession();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<ApplyValues>();
  const [error, setError] = useState<string | null>(null);
  const applications = useQuery({
    queryKey: ['supplier-applications'],
    queryFn: () =>
      api<{ items: SupplierApplicationDto[] }>('GET', '/api/v1/supplier/applications').then((r) => r.items),
  });
  const apply = useMutation({
    mutationFn: (v: ApplyValues) => api<SupplierApplicationDto>('POST', '/api/v1/supplier/applications', v),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['supplier-applications'] }),
    onError: (err) => {
      const text = errorText(t, err);
      if (
        !showFieldErrors(form, err, text, {
          shopName: 'shopName',
          contact: 'contact',
          realName: 'realName',
          note: 'note',
        })
      ) {
        setError(text);
      }
    },
  });
  if (me?.roles.includes('supplier')) {
    return (
      <Result
        status="success"
        title={t('apply.already')}
        extra={
          <Button type="primary" {...linkTo('/supplier')}>
            {t('apply.openConsole')}
          </Button>
        }
      />
    );
  }
  if (applications.isPending) return <Skeleton active />;
  if (applications.isError) return <Alert type="error" showIcon message={errorText(t, applications.error)} />;
  const pending = applications.data.find((a) => a.status === 'pending');
  return (
    <Flex vertical gap={12}>
      {applications.data.map((a) => (
        <Card key={a.id} size="small">
          <Flex justify="space-between" wrap gap={8}>
            <Typography.Text strong>{a.shopName}</Typography.Text>
            <Tag color={STATUS_COLOR[a.status]}>{t(`apply.status.${a.status}`)}</Tag>
          </Flex>
          <Typography.Text type="secondary">{formatTime(a.createdAt, locale)}</Typography.Text>
          {a.status === 'pending' && (
            <Typography.Paragraph style={{ margin: '8px 0 0' }}>{t('apply.pendingNote')}</Typography.Paragraph>
          )}
          {a.status === 'rejected' && a.reason && (
            <Alert type="error" style={{ marginTop: 8 }} message={t('apply.reason', { reason: a.reason })} />
          )}
        </Card>
      ))}
      {!pending && (
        <Card size="small" title={t('apply.title')}>
          <Typography.Paragraph type="secondary">{t('apply.intro')}</Typography.Paragraph>
          <Form<ApplyValues>
            form={form}
            layout="vertical"
            requiredMark={false}
            style={{ maxWidth: 480 }}
            onFinish={(v) => {
              setError(null);
              apply.mutate({ ...v, ...(v.note?.trim() ? { note: v.note.trim() } : { note: undefined }) });
            }}
          >
            <Form.Item
              name="shopName"
              label={t('apply.shopName')}
              rules={[{ required: true, whitespace: true, message: t('validate.required') }]}
            >
              <Input maxLength={64} />
            </Form.Item>
            <Form.Item
              name="realName"
              label={t('apply.realName')}
              rules={[{ required: true, whitespace: true, message: t('validate.required') }]}
            >
              <Input maxLength={64} autoComplete="name" />
            </Form.Item>
            <Form.Item
              name="contact"
              label={t('apply.contact')}
              rules={[{ required: true, whitespace: true, message: t('validate.required') }]}
            >
              <Input maxLength={128} placeholder={t('apply.contactPlaceholder')} />
            </Form.Item>
            <Form.Item name="note" label={t('apply.note')}>
              <Input.TextArea maxLength={2000} rows={3} showCount />
            </Form.Item>
            {error && <Alert type="error" showIcon role="alert" message={error} style={{ marginBottom: 16 }} />}
            <Button type="primary" htmlType="submit" loading={apply.isPending}>
              {t('apply.submit')}
            </Button>
          </Form>
        </Card>
      )}
    </Flex>
  );
}
