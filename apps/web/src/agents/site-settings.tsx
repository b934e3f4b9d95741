import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { App, Button, Card, Flex, Form, Input, InputNumber, Skeleton, Space, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { centsToYuanText, yuanToCents } from '../console/format.ts';
import { errorText } from '../console/i18n.ts';
import { ErrorAlert, PageHeader } from '../console/layout.tsx';
import { useGet, useInvalidate } from '../console/query.ts';
import { api } from '../lib/api.ts';
import { showFieldErrors } from '../lib/form-errors.ts';
import { useAgentsT } from './messages.ts';
import { type AgentSiteDto, pctToBps } from './types.ts';

interface SiteValues {
  siteName: string;
  logoUrl?: string;
  notice?: string;
  contact?: string;
  carousel?: { imageUrl: string; link?: string }[];
  markupPct?: number | null;
  markupYuan?: string;
}

/** An image or link the 分站 shows: an https:// address or a path on the site (nothing that could run). */
const SAFE_URL = /^(https?:\/\/[^\s"'<>]+|\/[^\s"'<>]*)$/;

const blank = (s: string | undefined) => (s?.trim() ? s.trim() : null);

/** /agent/site: his 分站's name, logo, notice, contact, carousel and default markup; and his own domain. */
export default function SiteSettings() {
  const t = useAgentsT();
  const { message } = App.useApp();
  const invalidate = useInvalidate();
  const site = useGet<AgentSiteDto>('/api/v1/agent/site');
  const [form] = Form.useForm<SiteValues>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const s = site.data;
  useEffect(() => {
    if (!s) return;
    form.setFieldsValue({
      siteName: s.siteName,
      logoUrl: s.logoUrl ?? '',
      notice: s.notice ?? '',
      contact: s.contact ?? '',
      carousel: s.carousel.map((c) => ({ imageUrl: c.imageUrl, link: c.link ?? '' })),
      markupPct: s.markupBps / 100,
      markupYuan: centsToYuanText(s.markupCents),
    });
  }, [s, form]);
  const save = async (v: SiteValues) => {
    setSaving(true);
    setError(null);
    try {
      await api('PUT', '/api/v1/agent/site', {
        siteName: v.siteName.trim(),
        logoUrl: blank(v.logoUrl),
        notice: blank(v.notice),
        contact: blank(v.contact),
        carousel: (v.carousel ?? []).map((c) => ({ imageUrl: c.imageUrl.trim(), link: blank(c.link) })),
        markupBps: pctToBps(v.markupPct),
        markupCents: yuanToCents(v.markupYuan?.trim() || '0') ?? 0,
      });
      message.success(t('site.saved'));
      await invalidate('/api/v1/agent/');
    } catch (err) {
      if (!showFieldErrors(form, err, errorText(t, err), { siteName: 'siteName', logoUrl: 'logoUrl' })) setError(err);
    } finally {
      setSaving(false);
    }
  };
  if (site.isPending) return <Skeleton active />;
  const url = { pattern: SAFE_URL, message: t('site.urlRule') };
  return (
    <>
      <PageHeader title={t('menu.site')} sub={t('site.sub')} />
      <ErrorAlert error={site.error} onRetry={() => site.refetch()} />
      <Flex vertical gap={16} style={{ maxWidth: 720 }}>
        <Card size="small">
          <Form<SiteValues> form={form} layout="vertical" requiredMark={false} onFinish={save}>
            <Form.Item
              name="siteName"
              label={t('site.siteName')}
              rules={[{ required: true, whitespace: true, min: 2, max: 40, message: t('common.required') }]}
            >
              <Input maxLength={40} />
            </Form.Item>
            <Form.Item name="logoUrl" label={t('site.logoUrl')} rules={[url]}>
              <Input maxLength={500} placeholder="https://" />
            </Form.Item>
            <Form.Item name="notice" label={t('site.notice')}>
              <Input.TextArea maxLength={2000} rows={3} showCount />
            </Form.Item>
            <Form.Item name="contact" label={t('site.contact')} extra={t('site.contactHint')}>
              <Input maxLength={200} />
            </Form.Item>
            <Typography.Text strong>{t('site.carousel')}</Typography.Text>
            <Form.List name="carousel">
              {(fields, { add, remove }) => (
                <Flex vertical gap={8} style={{ margin: '8px 0 16px' }}>
                  {fields.map((f) => (
                    <Flex key={f.key} gap={8} wrap align="start">
                      <Form.Item
                        name={[f.name, 'imageUrl']}
                        rules={[{ required: true, message: t('common.required') }, url]}
                        style={{ flex: '1 1 240px', margin: 0 }}
                      >
                        <Input
                          placeholder={t('site.carouselImage')}
                          aria-label={t('site.carouselImage')}
                          maxLength={500}
                        />
                      </Form.Item>
                      <Form.Item name={[f.name, 'link']} rules={[url]} style={{ flex: '1 1 200px', margin: 0 }}>
                        <Input
                          placeholder={t('site.carouselLink')}
                          aria-label={t('site.carouselLink')}
                          maxLength={500}
                        />
                      </Form.Item>
                      <Button
                        icon={<DeleteOutlined />}
                        aria-label={t('common.delete')}
                        onClick={() => remove(f.name)}
                      />
                    </Flex>
                  ))}
                  {fields.length < 8 && (
                    <div>
                      <Button icon={<PlusOutlined />} onClick={() => add({ imageUrl: '', link: '' })}>
                        {t('site.carouselAdd')}
                      </Button>
                    </div>
                  )}
                </Flex>
              )}
            </Form.List>
            <Typography.Text strong>{t('site.markupDefault')}</Typography.Text>
            <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
              {t('site.markupHint')}
            </Typography.Paragraph>
            <Space wrap style={{ marginTop: 8 }}>
              <Form.Item name="markupPct" label={t('site.markupPct')}>
                <InputNumber min={0} max={1000} precision={2} style={{ width: 140 }} />
              </Form.Item>
              <Form.Item
                name="markupYuan"
                label={t('site.markupYuan')}
                rules={[{ pattern: /^\d{1,7}(\.\d{1,2})?$/, message: t('common.yuanInvalid') }]}
              >
                <Input prefix="¥" inputMode="decimal" maxLength={10} style={{ width: 140 }} />
              </Form.Item>
            </Space>
            {error !== null && <ErrorAlert error={error} />}
            <Button type="primary" htmlType="submit" loading={saving}>
              {t('common.save')}
            </Button>
          </Form>
        </Card>
        {s && <DomainCard site={s} />}
      </Flex>
    </>
  );
}

function DomainCard({ site }: { site: AgentSiteDto }) {
  const t = useAgentsT();
  const { message } = App.useApp();
  const invalidate = useInvalidate();
  const [form] = Form.useForm<{ domain: string }>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const submit = async (v: { domain: string }) => {
    setBusy(true);
    setError(null);
    try {
      await api('POST', '/api/v1/agent/site/domain', { domain: v.domain.trim().toLowerCase() });
      message.success(t('site.domainSent'));
      form.resetFields();
      await invalidate('/api/v1/agent/site');
    } catch (err) {
      if (!showFieldErrors(form, err, errorText(t, err), { domain: 'domain' })) setError(err);
    } finally {
      setBusy(false);
    }
  };
  const color = { pending: 'orange', approved: 'green', rejected: 'red' } as const;
  return (
    <Card size="small" title={t('site.domain')}>
      <Typography.Paragraph type="secondary">{t('site.domainHint')}</Typography.Paragraph>
      {site.customDomain && site.customDomainStatus && (
        <Typography.Paragraph>
          {site.customDomain} <Tag color={color[site.customDomainStatus]}>{t(`domain.${site.customDomainStatus}`)}</Tag>
        </Typography.Paragraph>
      )}
      <Form form={form} layout="inline" onFinish={submit} style={{ rowGap: 8 }}>
        <Form.Item
          name="domain"
          label={t('site.domainField')}
          rules={[{ required: true, message: t('common.required') }]}
          style={{ flex: '1 1 240px' }}
        >
          <Input maxLength={253} placeholder="shop.example.com" autoCapitalize="off" spellCheck={false} />
        </Form.Item>
        <Button htmlType="submit" loading={busy}>
          {t('site.domainSubmit')}
        </Button>
      </Form>
      {error !== null && <ErrorAlert error={error} style={{ marginTop: 12, marginBottom: 0 }} />}
    </Card>
  );
}
