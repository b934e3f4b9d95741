import {
  App,
  Button,
  Card,
  Col,
  Form,
  Input,
  InputNumber,
  Popconfirm,
  Row,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useMemo, useState } from 'react';
import { centsToYuanText, formatBps, formatCents, formatTime, yuanRule, yuanToCents } from '../console/format.ts';
import { errorText } from '../console/i18n.ts';
import { ErrorAlert, PageHeader } from '../console/layout.tsx';
import { useGet, useInvalidate } from '../console/query.ts';
import type { CommissionRates } from '../console/types.ts';
import { useAction } from '../console/use-action.ts';
import { useI18n } from '../i18n/index.ts';
import { api } from '../lib/api.ts';
import { useSession } from '../lib/session.ts';
import { useT } from './messages.ts';

// GET/PATCH /admin/settings (modules/system/settings.routes.ts)
interface PlatformSettings {
  'orders.reservationMinutes': number;
  'orders.confirmationWindowHours': number;
  'orders.manualDeliveryHours': number;
  'payments.sandboxEnabled': boolean | null;
  'withdrawals.secondApprovalAboveCents': number;
  'accounts.stepUpMinutes': number;
}

interface SettingsValues {
  reservationMinutes: number;
  confirmationWindowHours: number;
  manualDeliveryHours: number;
  sandbox: 'env' | 'on' | 'off';
  secondApproval: string;
  stepUpMinutes: number;
}

export default function Settings() {
  const t = useT();
  return (
    <>
      <PageHeader title={t('menu.settings')} />
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={12}>
          <SettingsForm />
        </Col>
        <Col xs={24} xl={12}>
          <Commission />
        </Col>
      </Row>
    </>
  );
}

function SettingsForm() {
  const t = useT();
  const { me } = useSession();
  const { message } = App.useApp();
  const invalidate = useInvalidate();
  const settings = useGet<PlatformSettings>('/api/v1/admin/settings');
  const { busy, error, run } = useAction();
  const isAdmin = me?.roles.includes('admin') ?? false;
  const s = settings.data;
  const initial = useMemo<SettingsValues | null>(
    () =>
      s
        ? {
            reservationMinutes: s['orders.reservationMinutes'],
            confirmationWindowHours: s['orders.confirmationWindowHours'],
            manualDeliveryHours: s['orders.manualDeliveryHours'],
            sandbox: s['payments.sandboxEnabled'] === null ? 'env' : s['payments.sandboxEnabled'] ? 'on' : 'off',
            secondApproval: centsToYuanText(s['withdrawals.secondApprovalAboveCents']),
            stepUpMinutes: s['accounts.stepUpMinutes'],
          }
        : null,
    [s],
  );
  const save = (v: SettingsValues) =>
    run(async () => {
      await api('PATCH', '/api/v1/admin/settings', {
        'orders.reservationMinutes': v.reservationMinutes,
        'orders.confirmationWindowHours': v.confirmationWindowHours,
        'orders.manualDeliveryHours': v.manualDeliveryHours,
        'payments.sandboxEnabled': v.sandbox === 'env' ? null : v.sandbox === 'on',
        'withdrawals.secondApprovalAboveCents': yuanToCents(v.secondApproval) ?? 0,
        'accounts.stepUpMinutes': v.stepUpMinutes,
      });
      message.success(t('common.saved'));
      await invalidate('/api/v1/admin/settings', '/api/v1/platform/status');
    });
  return (
    <Card title={t('set.platform')}>
      <ErrorAlert error={settings.error} onRetry={() => settings.refetch()} />
      {!isAdmin && <Typography.Paragraph type="secondary">{t('set.adminOnly')}</Typography.Paragraph>}
      {initial && (
        <Form<SettingsValues>
          layout="vertical"
          initialValues={initial}
          onFinish={save}
          disabled={!isAdmin}
          requiredMark={false}
        >
          <Form.Item
            name="reservationMinutes"
            label={t('set.reservation')}
            extra={t('set.reservationHint')}
            rules={[{ required: true, message: t('common.required') }]}
          >
            <InputNumber min={1} max={1440} precision={0} addonAfter={t('set.minutes')} style={{ width: 220 }} />
          </Form.Item>
          <Form.Item
            name="confirmationWindowHours"
            label={t('set.confirmation')}
            extra={t('set.confirmationHint')}
            rules={[{ required: true, message: t('common.required') }]}
          >
            <InputNumber min={1} max={720} precision={0} addonAfter={t('set.hours')} style={{ width: 220 }} />
          </Form.Item>
          <Form.Item
            name="manualDeliveryHours"
            label={t('set.manual')}
            extra={t('set.manualHint')}
            rules={[{ required: true, message: t('common.required') }]}
          >
            <InputNumber min={1} max={720} precision={0} addonAfter={t('set.hours')} style={{ width: 220 }} />
          </Form.Item>
          <Form.Item name="sandbox" label={t('set.sandbox')} extra={t('set.sandboxHint')}>
            <Select
              style={{ width: 220 }}
              options={[
                { value: 'env', label: t('set.sandboxEnv') },
                { value: 'on', label: t('set.sandboxOn') },
                { value: 'off', label: t('set.sandboxOff') },
              ]}
            />
          </Form.Item>
          <Form.Item
            name="secondApproval"
            label={t('set.secondApproval')}
            extra={t('set.secondApprovalHint')}
            rules={[{ required: true, message: t('common.required') }, yuanRule(t('common.yuanInvalid'), 0)]}
          >
            <Input prefix="¥" inputMode="decimal" style={{ width: 220 }} maxLength={13} />
          </Form.Item>
          <Form.Item
            name="stepUpMinutes"
            label={t('set.stepUp')}
            extra={t('set.stepUpHint')}
            rules={[{ required: true, message: t('common.required') }]}
          >
            <InputNumber min={1} max={60} precision={0} addonAfter={t('set.minutes')} style={{ width: 220 }} />
          </Form.Item>
          <ErrorAlert error={error} />
          <Button type="primary" htmlType="submit" loading={busy}>
            {t('common.save')}
          </Button>
        </Form>
      )}
    </Card>
  );
}

interface RateValues {
  scope: 'platform' | 'category' | 'supplier';
  scopeId?: string;
  percent: string;
}

/** `5` or `5.25` (percent) → 500 / 525 bps, by string; null when it is not a percentage with ≤ 2 decimals. */
function percentToBps(s: string): number | null {
  const m = /^(\d{1,2})(?:\.(\d{1,2}))?$/.exec(s.trim());
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

function Commission() {
  const t = useT();
  const { locale } = useI18n();
  const { message } = App.useApp();
  const invalidate = useInvalidate();
  const rates = useGet<CommissionRates>('/api/v1/admin/commission-rates');
  const [form] = Form.useForm<RateValues>();
  const scope = Form.useWatch('scope', form) ?? 'platform';
  const { busy, error, run } = useAction();
  const [removing, setRemoving] = useState<string | null>(null);
  const save = (v: RateValues) =>
    run(async () => {
      await api('PUT', '/api/v1/admin/commission-rates', {
        scope: v.scope,
        rateBps: percentToBps(v.percent),
        ...(v.scope === 'platform' ? {} : { scopeId: v.scopeId?.trim() }),
      });
      message.success(t('common.saved'));
      form.resetFields(['scopeId', 'percent']);
      await invalidate('/api/v1/admin/commission-rates');
    });
  const remove = async (s: 'category' | 'supplier', id: string) => {
    setRemoving(`${s}:${id}`);
    try {
      await api('DELETE', `/api/v1/admin/commission-rates/${s}/${encodeURIComponent(id)}`);
      message.success(t('set.rateRemoved'));
      await invalidate('/api/v1/admin/commission-rates');
    } catch (err) {
      message.error(errorText(t, err));
    } finally {
      setRemoving(null);
    }
  };
  const platform = rates.data?.items.find((r) => r.scope === 'platform');
  return (
    <Card title={t('set.commission')}>
      <ErrorAlert error={rates.error} onRetry={() => rates.refetch()} />
      <Typography.Paragraph>
        {t('set.platformRate', {
          rate: formatBps(platform?.rateBps ?? rates.data?.defaultRateBps ?? 0),
        })}
        {!platform && rates.data && <Tag style={{ marginLeft: 8 }}>{t('set.default')}</Tag>}
      </Typography.Paragraph>
      <Table
        size="small"
        rowKey={(r) => `${r.scope}:${r.scopeId ?? ''}`}
        pagination={false}
        loading={rates.isFetching}
        dataSource={rates.data?.items.filter((r) => r.scope !== 'platform') ?? []}
        locale={{ emptyText: t('set.noOverrides') }}
        scroll={{ x: 520 }}
        columns={[
          { title: t('set.scope'), dataIndex: 'scope', render: (s: RateValues['scope']) => t(`set.scope.${s}`) },
          { title: t('set.scopeId'), dataIndex: 'scopeId' },
          { title: t('set.rate'), dataIndex: 'rateBps', render: (b: number) => formatBps(b) },
          { title: t('set.updated'), dataIndex: 'updatedAt', render: (v: number) => formatTime(v, locale) },
          {
            title: t('common.actions'),
            key: 'a',
            render: (_, r) =>
              r.scope !== 'platform' && r.scopeId ? (
                <Popconfirm
                  title={t('set.removeConfirm')}
                  okText={t('common.delete')}
                  cancelText={t('common.cancel')}
                  onConfirm={() => remove(r.scope as 'category' | 'supplier', r.scopeId as string)}
                >
                  <Button size="small" danger loading={removing === `${r.scope}:${r.scopeId}`}>
                    {t('common.delete')}
                  </Button>
                </Popconfirm>
              ) : null,
          },
        ]}
      />
      <Form<RateValues>
        form={form}
        layout="vertical"
        initialValues={{ scope: 'platform' }}
        onFinish={save}
        style={{ marginTop: 16 }}
        requiredMark={false}
      >
        <Space wrap align="start">
          <Form.Item name="scope" label={t('set.scope')}>
            <Select
              style={{ width: 140 }}
              options={(['platform', 'category', 'supplier'] as const).map((s) => ({
                value: s,
                label: t(`set.scope.${s}`),
              }))}
            />
          </Form.Item>
          {scope !== 'platform' && (
            <Form.Item
              name="scopeId"
              label={t('set.scopeId')}
              rules={[{ required: true, whitespace: true, message: t('common.required') }]}
            >
              <Input style={{ width: 200 }} maxLength={64} placeholder={scope === 'category' ? 'cat_…' : 'usr_…'} />
            </Form.Item>
          )}
          <Form.Item
            name="percent"
            label={t('set.ratePercent')}
            rules={[
              { required: true, message: t('common.required') },
              {
                validator: (_, v) => {
                  const bps = percentToBps(String(v ?? ''));
                  return bps !== null && bps <= 5000 ? Promise.resolve() : Promise.reject(new Error(t('set.rateRule')));
                },
              },
            ]}
          >
            <Input suffix="%" style={{ width: 120 }} inputMode="decimal" maxLength={5} />
          </Form.Item>
          <Form.Item label=" ">
            <Button type="primary" htmlType="submit" loading={busy}>
              {t('set.setRate')}
            </Button>
          </Form.Item>
        </Space>
      </Form>
      <ErrorAlert error={error} />
      <Typography.Text type="secondary">{t('set.rateNote', { example: formatCents(10000) })}</Typography.Text>
    </Card>
  );
}
