import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { CHANNEL_SCENES, type ChannelProviderDto, type ChannelViewDto } from '@kameng/contracts';
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Col,
  Descriptions,
  Flex,
  Form,
  Input,
  Modal,
  Row,
  Select,
  Space,
  Switch,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { formatBps, formatTime } from '../console/format.ts';
import { ErrorAlert, PageHeader } from '../console/layout.tsx';
import { useGet, useInvalidate } from '../console/query.ts';
import { ReauthModal } from '../console/reauth.tsx';
import { useAction } from '../console/use-action.ts';
import { useI18n } from '../i18n/index.ts';
import { ApiFailure, api } from '../lib/api.ts';
import { channelLabel } from '../lib/payments.ts';
import { linkTo } from '../lib/router.ts';
import {
  type ChannelValues,
  channelBody,
  type FieldSpec,
  feePercentToBps,
  fieldLabel,
  initialValues,
  missingOf,
  SECRET_FIELDS,
  SETTING_FIELDS,
} from './payment-channel-form.ts';
import { usePaymentsT } from './payments-messages.ts';

type T = ReturnType<typeof usePaymentsT>;

const sceneLabel = (t: T, s: string) => t(`ch.scene.${s}` as Parameters<T>[0]);
const providerLabel = (t: T, p: ChannelProviderDto) => channelLabel(p, t.locale);

/** Payment channels: each one's state at a glance, what it still needs, and a dialog to configure it. */
export default function PaymentChannels() {
  const t = usePaymentsT();
  const list = useGet<{ items: ChannelViewDto[] }>('/api/v1/admin/payment-channels');
  const status = useGet<{ sandbox: boolean }>('/api/v1/platform/status');
  const [editing, setEditing] = useState<ChannelViewDto | null>(null);
  const items = list.data?.items ?? [];
  const liveReal = items.some((c) => c.enabled);
  return (
    <>
      <PageHeader title={t('menu.channels')} sub={t('ch.sub')} />
      <ErrorAlert error={list.error} onRetry={() => list.refetch()} />
      {status.data?.sandbox && liveReal && (
        <Alert
          type="warning"
          showIcon
          role="alert"
          data-testid="sandbox-live-warning"
          style={{ marginBottom: 16 }}
          message={t('ch.sandboxLive')}
          description={
            // under the text rather than beside it: beside it squeezes the text to a column on a phone
            <Flex vertical align="start" gap={8}>
              {t('ch.sandboxLiveHint')}
              <Button size="small" {...linkTo('/admin/settings')}>
                {t('ch.toSettings')}
              </Button>
            </Flex>
          }
        />
      )}
      <Row gutter={[16, 16]}>
        {items.map((c) => (
          <Col key={c.provider} xs={24} xl={8}>
            <ChannelCard channel={c} onEdit={() => setEditing(c)} />
          </Col>
        ))}
      </Row>
      {editing && <ChannelModal key={editing.provider} channel={editing} onClose={() => setEditing(null)} />}
    </>
  );
}

function ChannelCard({ channel: c, onEdit }: { channel: ChannelViewDto; onEdit: () => void }) {
  const t = usePaymentsT();
  const { locale } = useI18n();
  // 易支付 V1 signs with the MD5 key, V2 with RSA keys: only the current version's secrets are listed
  const version = typeof c.settings.version === 'string' ? c.settings.version : 'v1';
  const secrets = SECRET_FIELDS[c.provider]
    .filter((f) => !f.version || f.version === version)
    .map((f) => [f.name, c.secrets[f.name] ?? null] as const);
  return (
    <Card
      data-testid={`channel-${c.provider}`}
      title={
        <Space wrap size={8}>
          {providerLabel(t, c.provider)}
          <Tag color={c.enabled ? 'green' : 'default'}>{c.enabled ? t('ch.enabled') : t('ch.disabled')}</Tag>
          {c.environment === 'sandbox' && <Tag color="gold">{t('ch.env.sandbox')}</Tag>}
        </Space>
      }
      extra={
        <Button type="primary" size="small" onClick={onEdit}>
          {t('ch.edit')}
        </Button>
      }
    >
      {c.missing.length > 0 ? (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 12 }}
          message={t('ch.missing', { fields: c.missing.map((m) => fieldLabel(t, m)).join('、') })}
        />
      ) : (
        <Alert type="success" showIcon style={{ marginBottom: 12 }} message={t('ch.complete')} />
      )}
      <Descriptions column={1} size="small" styles={{ label: { width: 96 } }}>
        <Descriptions.Item label={t('ch.methods')}>
          {c.methods.length ? (
            <Space wrap size={4}>
              {c.methods.map((m) => (
                <Tag key={m}>{sceneLabel(t, m)}</Tag>
              ))}
            </Space>
          ) : (
            t('ch.notSet')
          )}
        </Descriptions.Item>
        <Descriptions.Item label={t('ch.fee')}>{formatBps(c.feeBps)}</Descriptions.Item>
        <Descriptions.Item label={t('ch.siteUrl')}>
          <Typography.Text style={{ wordBreak: 'break-all' }}>{c.siteUrl ?? t('ch.notSet')}</Typography.Text>
        </Descriptions.Item>
        {c.siteUrl && (
          <Descriptions.Item label={t('ch.notifyUrl')}>
            <Typography.Text copyable style={{ wordBreak: 'break-all' }} data-testid="notify-url">
              {c.notifyUrl}
            </Typography.Text>
          </Descriptions.Item>
        )}
        <Descriptions.Item label={t('ch.credentials')}>
          <Flex vertical>
            {secrets.map(([name, masked]) => (
              <Typography.Text key={name} type={masked ? undefined : 'secondary'}>
                {fieldLabel(t, name)}：{masked ?? t('ch.notSet')}
              </Typography.Text>
            ))}
          </Flex>
        </Descriptions.Item>
      </Descriptions>
      <Typography.Text type="secondary">
        {c.updatedAt ? t('ch.updated', { time: formatTime(c.updatedAt, locale) }) : t('ch.never')}
      </Typography.Text>
    </Card>
  );
}

function ChannelModal({ channel: c, onClose }: { channel: ChannelViewDto; onClose: () => void }) {
  const t = usePaymentsT();
  const { message } = App.useApp();
  const invalidate = useInvalidate();
  const [form] = Form.useForm<ChannelValues>();
  const { busy, error, run, clearError } = useAction();
  const [reauthFor, setReauthFor] = useState<ReturnType<typeof channelBody> | null>(null);
  // what the server said is missing: from the stored channel, or from the refused save
  const [missing, setMissing] = useState<string[]>(c.missing);
  const version = Form.useWatch(['settings', 'version'], form) as string | undefined;
  const needed = new Set(missing);
  const send = async (body: ReturnType<typeof channelBody>) => {
    await api('PUT', `/api/v1/admin/payment-channels/${c.provider}`, body);
    message.success(t('ch.savedOk', { provider: providerLabel(t, c.provider) }));
    await invalidate('/api/v1/admin/payment-channels', '/api/v1/payments/methods');
    onClose();
  };
  const save = (values: ChannelValues) =>
    run(async () => {
      const body = channelBody(c, values);
      try {
        await send(body);
      } catch (err) {
        if (err instanceof ApiFailure && err.code === 'REAUTH_REQUIRED') {
          setReauthFor(body);
          return;
        }
        const m = err instanceof ApiFailure ? missingOf(err.error.details) : null;
        if (m) setMissing(m);
        throw err;
      }
    });
  const refused = error instanceof ApiFailure ? missingOf(error.error.details) : null;
  const show = (f: FieldSpec) => !f.version || (version ?? 'v1') === f.version;
  const mark = (path: string) =>
    needed.has(path) ? { extra: <Typography.Text type="warning">{t('ch.neededToEnable')}</Typography.Text> } : {};

  return (
    <Modal
      open
      width={640}
      title={t('ch.editTitle', { provider: providerLabel(t, c.provider) })}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      onOk={() => form.submit()}
      onCancel={() => {
        clearError();
        onClose();
      }}
      destroyOnHidden
    >
      <Form<ChannelValues>
        form={form}
        layout="vertical"
        requiredMark={false}
        initialValues={initialValues(c)}
        onFinish={save}
      >
        <Form.Item name="enabled" label={t('ch.enable')} valuePropName="checked">
          <Switch />
        </Form.Item>
        <Form.Item name="methods" label={t('ch.methods')} {...mark('methods')}>
          <Checkbox.Group options={CHANNEL_SCENES[c.provider].map((s) => ({ value: s, label: sceneLabel(t, s) }))} />
        </Form.Item>
        <Space wrap align="start">
          <Form.Item name="environment" label={t('ch.environment')} extra={t('ch.environmentHint')}>
            <Select
              style={{ width: 180 }}
              options={(['production', 'sandbox'] as const).map((e) => ({ value: e, label: t(`ch.env.${e}`) }))}
            />
          </Form.Item>
          <Form.Item
            name="feePercent"
            label={t('ch.feePercent')}
            extra={t('ch.feeHint')}
            rules={[
              { required: true, message: t('common.required') },
              {
                validator: (_, v) =>
                  feePercentToBps(String(v ?? '')) !== null
                    ? Promise.resolve()
                    : Promise.reject(new Error(t('ch.feeRule'))),
              },
            ]}
          >
            <Input suffix="%" inputMode="decimal" maxLength={5} style={{ width: 140 }} />
          </Form.Item>
        </Space>
        <Form.Item
          name="siteUrl"
          label={t('ch.siteUrl')}
          extra={needed.has('siteUrl') ? mark('siteUrl').extra : t('ch.siteUrlHint')}
          rules={[{ pattern: /^https?:\/\/\S+$/, message: t('ch.siteUrlHint') }]}
        >
          <Input maxLength={500} placeholder="https://shop.example.com" />
        </Form.Item>
        {SETTING_FIELDS[c.provider].filter(show).map((f) => (
          <SettingField key={f.name} provider={c.provider} field={f} mark={mark(`settings.${f.name}`)} />
        ))}
        {SECRET_FIELDS[c.provider].filter(show).map((f) => {
          const masked = c.secrets[f.name];
          const placeholder = masked ? t('ch.secretKept', { masked }) : t('ch.secretEmpty');
          return (
            <Form.Item
              key={f.name}
              name={['secrets', f.name]}
              label={fieldLabel(t, f.name)}
              {...mark(`secrets.${f.name}`)}
              rules={
                f.name === 'apiV3Key' ? [{ pattern: /^[\x21-\x7e]{32}$/, message: t('ch.f.apiV3KeyRule') }] : undefined
              }
            >
              {f.kind === 'pem' ? (
                <Input.TextArea
                  autoSize={{ minRows: 2, maxRows: 6 }}
                  placeholder={placeholder}
                  spellCheck={false}
                  autoComplete="off"
                  maxLength={10_000}
                />
              ) : (
                <Input.Password placeholder={placeholder} autoComplete="new-password" maxLength={128} />
              )}
            </Form.Item>
          );
        })}
      </Form>
      {refused ? (
        <Alert
          type="error"
          showIcon
          role="alert"
          message={t('ch.incomplete', { fields: refused.map((m) => fieldLabel(t, m)).join('、') })}
        />
      ) : (
        <ErrorAlert error={error} />
      )}
      <ReauthModal
        open={reauthFor !== null}
        title={t('ch.reauthTitle')}
        onClose={() => setReauthFor(null)}
        action={async () => {
          if (!reauthFor) return;
          try {
            await send(reauthFor);
          } catch (err) {
            const m = err instanceof ApiFailure ? missingOf(err.error.details) : null;
            if (m) {
              // the password was right; what is wrong is in the channel form, so show it there
              setMissing(m);
              message.error(t('ch.incomplete', { fields: m.map((x) => fieldLabel(t, x)).join('、') }));
              return;
            }
            throw err;
          }
        }}
      />
    </Modal>
  );
}

function SettingField(props: { provider: ChannelProviderDto; field: FieldSpec; mark: { extra?: React.ReactNode } }) {
  const t = usePaymentsT();
  const f = props.field;
  const name = ['settings', f.name];
  // a field may be worded for its channel (易支付's apiBase is its whole gateway): `label` names its messages
  const stem = f.label ?? f.name;
  const label = fieldLabel(t, stem);
  const hintKey = `ch.f.${stem}Hint` as Parameters<T>[0];
  const extra = props.mark.extra ?? (f.hint ? t(hintKey) : undefined);
  if (f.kind === 'keys') {
    return (
      <Form.Item label={label} extra={extra}>
        <Form.List name={name}>
          {(rows, { add, remove }) => (
            <Flex vertical gap={8}>
              {rows.map((row) => (
                <Flex key={row.key} gap={8} align="start">
                  <Flex vertical gap={4} style={{ flex: 1, minWidth: 0 }}>
                    <Form.Item name={[row.name, 'serial']} noStyle>
                      <Input placeholder={t('ch.f.serial')} maxLength={64} aria-label={t('ch.f.serial')} />
                    </Form.Item>
                    <Form.Item name={[row.name, 'publicKey']} noStyle>
                      <Input.TextArea
                        autoSize={{ minRows: 2, maxRows: 6 }}
                        placeholder={t('ch.f.publicKey')}
                        aria-label={t('ch.f.publicKey')}
                        spellCheck={false}
                        maxLength={10_000}
                      />
                    </Form.Item>
                  </Flex>
                  <Button
                    type="text"
                    aria-label={t('ch.f.removeKey')}
                    icon={<MinusCircleOutlined />}
                    onClick={() => remove(row.name)}
                  />
                </Flex>
              ))}
              <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ serial: '', publicKey: '' })}>
                {t('ch.f.addKey')}
              </Button>
            </Flex>
          )}
        </Form.List>
      </Form.Item>
    );
  }
  return (
    <Form.Item
      name={name}
      label={label}
      extra={extra}
      rules={f.kind === 'url' ? [{ pattern: /^https?:\/\/\S+$/, message: t('ch.siteUrlHint') }] : undefined}
    >
      {f.kind === 'version' ? (
        <Select
          style={{ width: 200 }}
          options={(['v1', 'v2'] as const).map((v) => ({ value: v, label: t(`ch.f.version.${v}`) }))}
        />
      ) : f.kind === 'pem' || f.kind === 'lines' ? (
        <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} spellCheck={false} maxLength={10_000} />
      ) : (
        <Input maxLength={f.kind === 'url' ? 500 : 64} spellCheck={false} />
      )}
    </Form.Item>
  );
}
