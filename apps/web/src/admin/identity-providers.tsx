import { Alert, App, Button, Card, Flex, Form, Input, List, Switch, Tag, Typography } from 'antd';
import { useState } from 'react';
import { FormModal } from '../console/form-modal.tsx';
import { ErrorAlert, PageHeader } from '../console/layout.tsx';
import { useGet, useInvalidate } from '../console/query.ts';
import { ReauthModal } from '../console/reauth.tsx';
import { ApiFailure, api } from '../lib/api.ts';
import { useIdentityT } from './identity-messages.ts';

// SMS gateways (Aliyun, Tencent Cloud) and the WeChat/QQ sign-in apps: the same stored-credentials shape, so
// one list and one form serve both.

interface ProviderView {
  provider: string;
  enabled: boolean;
  settings: Record<string, string>;
  secrets: Record<string, string | null>;
  missing: string[];
  callbackUrl?: string | null;
}

type FieldKey = Parameters<ReturnType<typeof useIdentityT>>[0] & `id.f.${string}`;
type ProviderKey = Parameters<ReturnType<typeof useIdentityT>>[0] & `id.p.${string}`;

interface Kind {
  path: string;
  fields: Record<string, { settings: string[]; secrets: string[] }>;
}

const SMS: Kind = {
  path: '/api/v1/admin/sms-gateways',
  fields: {
    aliyun: { settings: ['accessKeyId', 'signName', 'verificationTemplate', 'endpoint'], secrets: ['accessKeySecret'] },
    tencent: {
      settings: ['secretId', 'sdkAppId', 'signName', 'verificationTemplate', 'region', 'endpoint'],
      secrets: ['secretKey'],
    },
  },
};
const OAUTH: Kind = {
  path: '/api/v1/admin/oauth-apps',
  fields: {
    wechat: { settings: ['appId', 'siteUrl', 'authorizeUrl', 'apiBase'], secrets: ['appSecret'] },
    qq: { settings: ['appId', 'siteUrl', 'authorizeUrl', 'apiBase'], secrets: ['appSecret'] },
  },
};

export default function IdentityProviders() {
  const t = useIdentityT();
  return (
    <>
      <PageHeader title={t('menu.identity')} sub={t('id.sub')} />
      <Flex vertical gap={12}>
        <ProviderList kind={SMS} title={t('id.sms')} hint={t('id.smsHint')} />
        <ProviderList kind={OAUTH} title={t('id.oauth')} hint={t('id.oauthHint')} />
      </Flex>
    </>
  );
}

function ProviderList({ kind, title, hint }: { kind: Kind; title: string; hint: string }) {
  const t = useIdentityT();
  const list = useGet<{ items: ProviderView[] }>(kind.path);
  const [editing, setEditing] = useState<ProviderView | null>(null);
  const label = (p: string) => t(`id.p.${p}` as ProviderKey);
  return (
    <Card size="small" title={title}>
      <Typography.Paragraph type="secondary">{hint}</Typography.Paragraph>
      <ErrorAlert error={list.error} onRetry={() => void list.refetch()} />
      <List
        loading={list.isLoading}
        dataSource={list.data?.items ?? []}
        renderItem={(p) => (
          <List.Item
            data-testid={`provider-${p.provider}`}
            actions={[
              <Button key="edit" size="small" onClick={() => setEditing(p)}>
                {t('id.edit')}
              </Button>,
            ]}
          >
            <List.Item.Meta
              title={
                <Flex gap={8} align="center" wrap>
                  {label(p.provider)}
                  <Tag color={p.enabled ? 'green' : undefined}>{t(p.enabled ? 'id.enabled' : 'id.disabled')}</Tag>
                </Flex>
              }
              description={
                <Flex vertical gap={2}>
                  {p.missing.length > 0 && (
                    <span>
                      {t('id.missing', { fields: p.missing.map((f) => t(`id.f.${f}` as FieldKey)).join('、') })}
                    </span>
                  )}
                  {p.callbackUrl && (
                    <Typography.Text copyable={{ text: p.callbackUrl }} style={{ wordBreak: 'break-all' }}>
                      {t('id.callback', { url: p.callbackUrl })}
                    </Typography.Text>
                  )}
                </Flex>
              }
            />
          </List.Item>
        )}
      />
      {editing && (
        <EditProvider kind={kind} view={editing} label={label(editing.provider)} onClose={() => setEditing(null)} />
      )}
    </Card>
  );
}

type Values = { enabled: boolean } & Record<string, string | boolean | undefined>;

function EditProvider(props: { kind: Kind; view: ProviderView; label: string; onClose: () => void }) {
  const t = useIdentityT();
  const { message } = App.useApp();
  const invalidate = useInvalidate();
  const [pending, setPending] = useState<Record<string, unknown> | null>(null);
  const fields = props.kind.fields[props.view.provider] ?? { settings: [], secrets: [] };
  const send = async (body: Record<string, unknown>) => {
    await api('PUT', `${props.kind.path}/${props.view.provider}`, body);
    message.success(t('id.savedOk', { provider: props.label }));
    await invalidate(props.kind.path, '/api/v1/auth/oauth/providers');
  };
  const bodyOf = (v: Values) => {
    // only what changed is sent: switching a provider on or off alone needs no fresh password
    const settings = Object.fromEntries(
      fields.settings
        .map((k) => [k, String(v[k] ?? '').trim()] as const)
        .filter(([k, val]) => val !== '' && val !== (props.view.settings[k] ?? '')),
    );
    const secrets = Object.fromEntries(
      fields.secrets.map((k) => [k, String(v[k] ?? '').trim()] as const).filter(([, val]) => val !== ''),
    );
    return {
      provider: props.view.provider,
      enabled: v.enabled,
      ...(Object.keys(settings).length > 0 ? { settings } : {}),
      ...(Object.keys(secrets).length > 0 ? { secrets } : {}),
    };
  };
  return (
    <>
      <FormModal<Values>
        open={pending === null}
        title={t('id.editTitle', { provider: props.label })}
        okText={t('common.save')}
        onClose={() => {
          if (pending === null) props.onClose();
        }}
        initialValues={{ enabled: props.view.enabled, ...props.view.settings }}
        onSubmit={async (v) => {
          const body = bodyOf(v);
          try {
            await send(body);
          } catch (err) {
            if (err instanceof ApiFailure && err.code === 'REAUTH_REQUIRED') {
              setPending(body);
              return;
            }
            throw err;
          }
        }}
      >
        <Form.Item name="enabled" label={t('id.enable')} valuePropName="checked">
          <Switch />
        </Form.Item>
        {fields.settings.map((k) => (
          <Form.Item key={k} name={k} label={t(`id.f.${k}` as FieldKey)}>
            <Input maxLength={300} />
          </Form.Item>
        ))}
        {fields.secrets.map((k) => {
          const masked = props.view.secrets[k];
          return (
            <Form.Item
              key={k}
              name={k}
              label={t(`id.f.${k}` as FieldKey)}
              extra={masked ? t('id.secretKept', { masked }) : undefined}
            >
              <Input.Password autoComplete="off" maxLength={128} />
            </Form.Item>
          );
        })}
        {props.view.missing.length > 0 && (
          <Alert
            type="info"
            showIcon
            message={t('id.missing', { fields: props.view.missing.map((f) => t(`id.f.${f}` as FieldKey)).join('、') })}
          />
        )}
      </FormModal>
      <ReauthModal
        open={pending !== null}
        title={t('id.reauthTitle')}
        onClose={() => {
          setPending(null);
          props.onClose();
        }}
        action={async () => {
          if (pending) await send(pending);
        }}
      />
    </>
  );
}
