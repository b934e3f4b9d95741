import type { ProductManageDto, UserLevelDto } from '@kameng/contracts';
import { App, Button, Card, Col, Flex, Form, Input, Popconfirm, Row, Table, Typography } from 'antd';
import { useEffect } from 'react';
import { centsToYuanText, formatCents, formatTime, yuanRule, yuanToCents } from '../console/format.ts';
import { ErrorAlert, PageHeader } from '../console/layout.tsx';
import { useGet, useInvalidate } from '../console/query.ts';
import { useAction } from '../console/use-action.ts';
import { useI18n } from '../i18n/index.ts';
import { api } from '../lib/api.ts';
import { linkTo } from '../lib/router.ts';
import { useLevelsT } from './messages.ts';

interface LevelPrices {
  items: Array<{ levelId: string; levelName: string; priceCents: number }>;
}
interface UserPrices {
  items: Array<{ id: string; buyer: string; priceCents: number; createdAt: number }>;
}

/** A supplier's member-level prices and 密价 on one of his products (modules/members). */
export default function SupplierPrices({ productId }: { productId: string }) {
  const t = useLevelsT();
  const { locale } = useI18n();
  const { message } = App.useApp();
  const base = `/api/v1/supplier/products/${encodeURIComponent(productId)}`;
  const product = useGet<ProductManageDto>(base);
  const levels = useGet<UserLevelDto>('/api/v1/me/level');
  const prices = useGet<LevelPrices>(`${base}/level-prices`);
  const granted = useGet<UserPrices>(`${base}/user-prices`);
  const invalidate = useInvalidate();
  const [levelForm] = Form.useForm<Record<string, string>>();
  const [grantForm] = Form.useForm<{ buyer: string; price: string }>();
  const saving = useAction();
  const granting = useAction();
  useEffect(() => {
    if (prices.data) {
      levelForm.setFieldsValue(
        Object.fromEntries(prices.data.items.map((i) => [i.levelId, centsToYuanText(i.priceCents)])),
      );
    }
  }, [prices.data, levelForm]);
  const saveLevels = (v: Record<string, string>) =>
    saving.run(async () => {
      const items = Object.entries(v)
        .filter(([, y]) => y !== undefined && y !== '')
        .map(([levelId, y]) => ({ levelId, priceCents: yuanToCents(y) ?? 0 }));
      await api('PUT', `${base}/level-prices`, { items });
      message.success(t('prices.saved'));
      await invalidate(`${base}/level-prices`);
    });
  const grant = (v: { buyer: string; price: string }) =>
    granting.run(async () => {
      await api('POST', `${base}/user-prices`, { buyer: v.buyer.trim(), priceCents: yuanToCents(v.price) ?? 0 });
      message.success(t('prices.granted'));
      grantForm.resetFields();
      await invalidate(`${base}/user-prices`);
    });
  const remove = async (id: string) => {
    await api('DELETE', `${base}/user-prices/${encodeURIComponent(id)}`);
    await invalidate(`${base}/user-prices`);
  };
  const p = product.data;
  return (
    <>
      <PageHeader
        title={t('prices.title')}
        sub={p ? t('prices.product', { title: p.title, price: formatCents(p.priceCents) }) : undefined}
        extra={<Button {...linkTo('/supplier/products')}>{t('prices.back')}</Button>}
      />
      <ErrorAlert error={product.error ?? prices.error ?? granted.error} />
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={12}>
          <Card size="small" title={t('prices.levelPrices')} data-testid="level-prices">
            <Typography.Paragraph type="secondary">{t('prices.levelHint')}</Typography.Paragraph>
            {levels.data && levels.data.levels.length === 0 ? (
              <Typography.Text>{t('prices.noLevels')}</Typography.Text>
            ) : (
              <Form form={levelForm} layout="horizontal" onFinish={saveLevels} labelCol={{ span: 8 }}>
                {levels.data?.levels.map((l) => (
                  <Form.Item key={l.id} name={l.id} label={l.name} rules={[yuanRule(t('common.yuanInvalid'))]}>
                    <Input prefix="¥" inputMode="decimal" placeholder={t('prices.unset')} maxLength={13} />
                  </Form.Item>
                ))}
                <ErrorAlert error={saving.error} />
                <Button type="primary" htmlType="submit" loading={saving.busy}>
                  {t('prices.save')}
                </Button>
              </Form>
            )}
          </Card>
        </Col>
        <Col xs={24} xl={12}>
          <Card size="small" title={t('prices.userPrices')} data-testid="user-prices">
            <Typography.Paragraph type="secondary">{t('prices.userHint')}</Typography.Paragraph>
            <Form form={grantForm} layout="vertical" onFinish={grant} requiredMark={false}>
              <Flex gap={8} wrap align="end">
                <Form.Item
                  name="buyer"
                  label={t('prices.buyer')}
                  rules={[{ required: true, whitespace: true, message: t('common.required') }]}
                  style={{ flex: '1 1 200px', marginBottom: 8 }}
                >
                  <Input maxLength={254} />
                </Form.Item>
                <Form.Item
                  name="price"
                  label={t('prices.price')}
                  rules={[{ required: true, message: t('common.required') }, yuanRule(t('common.yuanInvalid'))]}
                  style={{ width: 140, marginBottom: 8 }}
                >
                  <Input prefix="¥" inputMode="decimal" maxLength={13} />
                </Form.Item>
                <Button type="primary" htmlType="submit" loading={granting.busy} style={{ marginBottom: 8 }}>
                  {t('prices.grant')}
                </Button>
              </Flex>
            </Form>
            <ErrorAlert error={granting.error} />
            <Table
              rowKey="id"
              size="small"
              pagination={false}
              dataSource={granted.data?.items ?? []}
              locale={{ emptyText: t('prices.none') }}
              scroll={{ x: 420 }}
              columns={[
                { title: t('prices.buyer'), dataIndex: 'buyer' },
                { title: t('prices.price'), key: 'p', width: 100, render: (_, r) => formatCents(r.priceCents) },
                { title: t('common.time'), key: 't', width: 150, render: (_, r) => formatTime(r.createdAt, locale) },
                {
                  title: t('common.actions'),
                  key: 'a',
                  width: 70,
                  render: (_, r) => (
                    <Popconfirm title={t('prices.remove')} onConfirm={() => remove(r.id)}>
                      <Button type="link" size="small" danger style={{ padding: 0 }}>
                        {t('prices.remove')}
                      </Button>
                    </Popconfirm>
                  ),
                },
              ]}
            />
          </Card>
        </Col>
      </Row>
    </>
  );
}
