import type { SiteSettingsAdminDto, SiteSettingsInput } from '@kameng/contracts';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Checkbox, Col, Flex, Form, Input, Row, Typography } from 'antd';
import { formatTime } from '../console/format.ts';
import { showFieldErrors } from '../console/form-errors.ts';
import { ErrorAlert, PageHeader } from '../console/layout.tsx';
import { useGet, useInvalidate } from '../console/query.ts';
import { useAction } from '../console/use-action.ts';
import { api } from '../lib/api.ts';
import { useSiteT } from './site-messages.ts';

type Values = Required<Pick<SiteSettingsInput, 'name'>> &
  Omit<SiteSettingsAdminDto, 'psbCode' | 'hasTerms' | 'hasPrivacy' | 'updatedAt'>;

const FIELDS = ['name', 'description', 'logoUrl', 'icp', 'psbRecord', 'support', 'announcements', 'terms', 'privacy'];

/** GET/PUT /admin/site (modules/site): name, logo, record numbers, 客服, announcements, terms and privacy. */
export default function SiteSettings() {
  const t = useSiteT();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const site = useGet<SiteSettingsAdminDto>('/api/v1/admin/site');
  const invalidate = useInvalidate();
  const queryClient = useQueryClient();
  const { busy, error, run } = useAction();
  const save = (v: Values) =>
    run(
      async () => {
        // only what the form edits: the server refuses fields it does not know
        const body: SiteSettingsInput = {
          name: v.name,
          description: v.description,
          logoUrl: v.logoUrl,
          icp: v.icp,
          psbRecord: v.psbRecord,
          support: v.support,
          terms: v.terms ?? '',
          privacy: v.privacy ?? '',
          announcements: (v.announcements ?? []).map((a) => ({
            title: a.title,
            body: a.body ?? '',
            pinned: Boolean(a.pinned),
            ...(a.publishedAt ? { publishedAt: Number(a.publishedAt) } : {}),
          })),
        };
        await api('PUT', '/api/v1/admin/site', body);
        message.success(t('common.saved'));
        await invalidate('/api/v1/admin/site');
        // the storefront's footer and home page in this tab show the change at once
        await queryClient.invalidateQueries({ queryKey: ['site'] });
      },
      (err) => showFieldErrors(form, err, FIELDS, t('site.refused')),
    );
  const d = site.data;
  return (
    <>
      <PageHeader title={t('menu.site')} />
      <Typography.Paragraph type="secondary">{t('site.sub')}</Typography.Paragraph>
      <ErrorAlert error={site.error} onRetry={() => site.refetch()} />
      {d && (
        <Form<Values> form={form} layout="vertical" initialValues={d} onFinish={save} requiredMark={false}>
          <Row gutter={[16, 16]}>
            <Col xs={24} xl={12}>
              <Flex vertical gap={16}>
                <Card title={t('site.basics')} size="small">
                  <Form.Item
                    name="name"
                    label={t('site.name')}
                    rules={[{ required: true, message: t('common.required') }]}
                  >
                    <Input maxLength={40} />
                  </Form.Item>
                  <Form.Item name="description" label={t('site.description')} extra={t('site.descriptionHint')}>
                    <Input maxLength={200} />
                  </Form.Item>
                  <Form.Item name="logoUrl" label={t('site.logoUrl')} extra={t('site.logoHint')}>
                    <Input maxLength={500} inputMode="url" />
                  </Form.Item>
                </Card>
                <Card title={t('site.records')} size="small">
                  <Form.Item name="icp" label={t('site.icp')} extra={t('site.icpHint')}>
                    <Input maxLength={40} />
                  </Form.Item>
                  <Form.Item name="psbRecord" label={t('site.psb')} extra={t('site.psbHint')}>
                    <Input maxLength={60} />
                  </Form.Item>
                </Card>
                <Card title={t('site.support')} size="small">
                  <Row gutter={12}>
                    <Col xs={24} sm={12}>
                      <Form.Item name={['support', 'qq']} label={t('site.qq')}>
                        <Input maxLength={20} inputMode="numeric" />
                      </Form.Item>
                    </Col>
                    <Col xs={24} sm={12}>
                      <Form.Item name={['support', 'wechat']} label={t('site.wechat')}>
                        <Input maxLength={40} />
                      </Form.Item>
                    </Col>
                  </Row>
                  <Form.Item name={['support', 'url']} label={t('site.supportUrl')}>
                    <Input maxLength={500} inputMode="url" placeholder="https://" />
                  </Form.Item>
                  <Form.Item name={['support', 'hours']} label={t('site.hours')}>
                    <Input maxLength={60} placeholder={t('site.hoursPlaceholder')} />
                  </Form.Item>
                </Card>
              </Flex>
            </Col>
            <Col xs={24} xl={12}>
              <Flex vertical gap={16}>
                <Card title={t('site.announcements')} size="small" extra={t('site.announcementsHint')}>
                  <Form.List name="announcements">
                    {(fields, { add, remove }) => (
                      <Flex vertical gap={12}>
                        {fields.map((f) => (
                          <Card key={f.key} size="small" type="inner" data-testid="announcement-item">
                            <Form.Item name={[f.name, 'publishedAt']} hidden>
                              <Input />
                            </Form.Item>
                            <Flex gap={8} align="start">
                              <Form.Item
                                name={[f.name, 'title']}
                                label={t('site.annTitle')}
                                rules={[{ required: true, message: t('common.required') }]}
                                style={{ flex: 1, marginBottom: 8 }}
                              >
                                <Input maxLength={80} />
                              </Form.Item>
                              <Button
                                danger
                                type="text"
                                icon={<DeleteOutlined />}
                                aria-label={t('site.annRemove')}
                                onClick={() => remove(f.name)}
                                style={{ marginTop: 30 }}
                              />
                            </Flex>
                            <Form.Item name={[f.name, 'body']} label={t('site.annBody')} style={{ marginBottom: 8 }}>
                              <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} maxLength={2000} />
                            </Form.Item>
                            <Form.Item name={[f.name, 'pinned']} valuePropName="checked" style={{ marginBottom: 0 }}>
                              <Checkbox>{t('site.annPinned')}</Checkbox>
                            </Form.Item>
                          </Card>
                        ))}
                        {fields.length < 30 && (
                          <Button
                            icon={<PlusOutlined />}
                            onClick={() => add({ title: '', body: '', pinned: false }, 0)}
                          >
                            {t('site.annAdd')}
                          </Button>
                        )}
                      </Flex>
                    )}
                  </Form.List>
                </Card>
                <Card title={t('site.pages')} size="small" extra={t('site.pagesHint')}>
                  <Form.Item name="terms" label={t('site.terms')}>
                    <Input.TextArea autoSize={{ minRows: 3, maxRows: 12 }} maxLength={20_000} />
                  </Form.Item>
                  <Form.Item name="privacy" label={t('site.privacy')}>
                    <Input.TextArea autoSize={{ minRows: 3, maxRows: 12 }} maxLength={20_000} />
                  </Form.Item>
                </Card>
              </Flex>
            </Col>
          </Row>
          <Flex gap={12} align="center" style={{ marginTop: 16 }} wrap>
            <Button type="primary" htmlType="submit" loading={busy}>
              {t('common.save')}
            </Button>
            {d.updatedAt && (
              <Typography.Text type="secondary">
                {t('site.updatedAt', { time: formatTime(d.updatedAt, t.locale) })}
              </Typography.Text>
            )}
          </Flex>
          <ErrorAlert error={error} />
        </Form>
      )}
    </>
  );
}
