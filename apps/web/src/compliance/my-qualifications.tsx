import type { QualificationDto, QualificationType } from '@kameng/contracts';
import { QUALIFICATION_TYPES } from '@kameng/contracts';
import { App, Button, Card, DatePicker, Flex, Form, Input, List, Select, Space, Tag, Typography, Upload } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { formatTime } from '../console/format.ts';
import { ErrorAlert, PageHeader } from '../console/layout.tsx';
import { useGet, useInvalidate } from '../console/query.ts';
import { postRaw } from '../console/upload.ts';
import { useAction } from '../console/use-action.ts';
import { useI18n } from '../i18n/index.ts';
import { api } from '../lib/api.ts';
import { useComplianceT } from './messages.ts';
import { STATUS_COLOR } from './status.ts';

const MAX_BYTES = 5 * 1024 * 1024;
const ACCEPT = 'application/pdf,image/png,image/jpeg';

function uploadDocument(id: string, file: File) {
  return postRaw<QualificationDto>(
    `/api/v1/supplier/qualifications/${encodeURIComponent(id)}/document?name=${encodeURIComponent(file.name)}`,
    file,
    file.type || 'application/octet-stream',
  );
}

interface Values {
  type: QualificationType;
  holderName: string;
  idNumber: string;
  expires: Dayjs;
  note?: string;
}

/** A supplier's qualifications (资质): submit one with its document, see the review, upload again when rejected. */
export default function MyQualifications() {
  const t = useComplianceT();
  const { locale } = useI18n();
  const { message } = App.useApp();
  const invalidate = useInvalidate();
  const mine = useGet<{ items: QualificationDto[] }>('/api/v1/supplier/qualifications');
  const [form] = Form.useForm<Values>();
  const [file, setFile] = useState<File | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const { busy, error, run } = useAction();
  const pick = (f: File) => {
    setFileError(f.size > MAX_BYTES ? t('q.fileTooLarge') : null);
    setFile(f.size > MAX_BYTES ? null : f);
    return false;
  };
  const submit = (v: Values) =>
    run(async () => {
      if (!file) {
        setFileError(t('q.fileNeeded'));
        return;
      }
      const created = await api<QualificationDto>('POST', '/api/v1/supplier/qualifications', {
        type: v.type,
        holderName: v.holderName.trim(),
        idNumber: v.idNumber.trim(),
        expiresAt: v.expires.endOf('day').valueOf(),
        ...(v.note?.trim() ? { note: v.note.trim() } : {}),
      });
      await uploadDocument(created.id, file);
      message.success(t('q.submitted'));
      form.resetFields();
      setFile(null);
      await invalidate('/api/v1/supplier/qualifications');
    });
  const reupload = (q: QualificationDto, f: File) => {
    if (f.size > MAX_BYTES) {
      message.error(t('q.fileTooLarge'));
      return false;
    }
    void run(async () => {
      await uploadDocument(q.id, f);
      message.success(t('q.reuploaded'));
      await invalidate('/api/v1/supplier/qualifications');
    });
    return false;
  };
  return (
    <>
      <PageHeader title={t('menu.myQualifications')} sub={t('q.sub')} />
      <Flex vertical gap={12}>
        <Card title={t('q.new')}>
          <Form<Values>
            form={form}
            layout="vertical"
            style={{ maxWidth: 520 }}
            initialValues={{ type: 'business_licence' }}
            onFinish={submit}
          >
            <Form.Item name="type" label={t('q.type')} rules={[{ required: true, message: t('common.required') }]}>
              <Select options={QUALIFICATION_TYPES.map((v) => ({ value: v, label: t(`q.type.${v}`) }))} />
            </Form.Item>
            <Form.Item
              name="holderName"
              label={t('q.holder')}
              rules={[{ required: true, whitespace: true, message: t('common.required') }]}
            >
              <Input maxLength={100} autoComplete="off" />
            </Form.Item>
            <Form.Item
              name="idNumber"
              label={t('q.idNumber')}
              rules={[
                { required: true, message: t('common.required') },
                { pattern: /^[0-9A-Za-z]{6,32}$/, message: t('q.idNumber') },
              ]}
            >
              <Input maxLength={32} autoComplete="off" />
            </Form.Item>
            <Form.Item
              name="expires"
              label={t('q.expires')}
              rules={[{ required: true, message: t('common.required') }]}
            >
              <DatePicker style={{ width: '100%' }} disabledDate={(d) => d.isBefore(new Date(), 'day')} />
            </Form.Item>
            <Form.Item name="note" label={t('q.note')}>
              <Input.TextArea maxLength={500} autoSize={{ minRows: 2, maxRows: 5 }} />
            </Form.Item>
            <Form.Item
              label={t('q.file')}
              required
              validateStatus={fileError ? 'error' : undefined}
              help={fileError ?? file?.name}
            >
              <Upload accept={ACCEPT} beforeUpload={pick} showUploadList={false} maxCount={1}>
                <Button>{t('q.pickFile')}</Button>
              </Upload>
            </Form.Item>
            <ErrorAlert error={error} style={{ marginBottom: 12 }} />
            <Button type="primary" htmlType="submit" loading={busy}>
              {t('q.new')}
            </Button>
          </Form>
        </Card>
        <Card>
          <ErrorAlert error={mine.error} onRetry={() => mine.refetch()} />
          <List<QualificationDto>
            loading={mine.isLoading}
            dataSource={mine.data?.items ?? []}
            locale={{ emptyText: t('q.none') }}
            renderItem={(q) => (
              <List.Item
                actions={
                  q.status === 'rejected' || q.status === 'awaiting_document'
                    ? [
                        <Upload key="up" accept={ACCEPT} beforeUpload={(f) => reupload(q, f)} showUploadList={false}>
                          <Button size="small">{t('q.reupload')}</Button>
                        </Upload>,
                      ]
                    : []
                }
              >
                <List.Item.Meta
                  title={
                    <Space wrap>
                      <span>{t(`q.type.${q.type}`)}</span>
                      <Tag color={STATUS_COLOR[q.status]}>{t(`q.status.${q.status}`)}</Tag>
                    </Space>
                  }
                  description={
                    <>
                      <Typography.Text type="secondary">
                        {q.holderNameMasked} · {q.idNumberMasked} · {t('q.expires')} {formatTime(q.expiresAt, locale)}
                      </Typography.Text>
                      {q.reason && (
                        <Typography.Paragraph
                          type={q.status === 'rejected' ? 'danger' : 'secondary'}
                          style={{ margin: 0 }}
                        >
                          {t('q.reason', { reason: q.reason })}
                        </Typography.Paragraph>
                      )}
                    </>
                  }
                />
              </List.Item>
            )}
          />
        </Card>
      </Flex>
    </>
  );
}
