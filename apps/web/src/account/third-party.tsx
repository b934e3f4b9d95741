import { QqOutlined, WechatOutlined } from '@ant-design/icons';
import type { OauthProvider } from '@kameng/contracts';
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Checkbox, Divider, Flex, Form, Input, Modal, Tag, Typography } from 'antd';
import { useState } from 'react';
import { errorText, useI18n } from '../i18n/index.ts';
import { api } from '../lib/api.ts';
import { navigate, useSearch } from '../lib/router.ts';
import { type Me, useSession } from '../lib/session.ts';

// Signing in with WeChat or QQ (the server runs the OAuth exchange; the browser only follows redirects),
// the authenticator step after it, the sandbox's stand-in consent page, and the privacy consent at sign-up.

interface Available {
  items: { provider: OauthProvider; sandbox: boolean }[];
}

export const PROVIDER_ICON = { wechat: <WechatOutlined />, qq: <QqOutlined /> } as const;

export function useOauthProviders() {
  return useQuery({
    queryKey: ['oauth-providers'],
    queryFn: () => api<Available>('GET', '/api/v1/auth/oauth/providers'),
    staleTime: 60_000,
  });
}

/** The address that starts a sign-in (or a binding): a full page load, the server answers with a redirect. */
export function oauthStartUrl(provider: OauthProvider, mode: 'signin' | 'bind', returnTo: string): string {
  return `/api/v1/auth/oauth/${provider}/start?${new URLSearchParams({ mode, returnTo })}`;
}

/** "Sign in with WeChat / QQ" under the password form; nothing when the shop offers neither. */
export function ThirdPartyButtons({ next }: { next: string }) {
  const { t } = useI18n();
  const providers = useOauthProviders().data?.items ?? [];
  if (providers.length === 0) return null;
  return (
    <>
      <Divider plain style={{ fontSize: 13 }}>
        {t('oauth.or')}
      </Divider>
      <Flex gap={8} vertical>
        {providers.map((p) => (
          <Button
            key={p.provider}
            block
            icon={PROVIDER_ICON[p.provider]}
            href={oauthStartUrl(p.provider, 'signin', next)}
          >
            {t(p.provider === 'wechat' ? 'oauth.wechat' : 'oauth.qq')}
            {p.sandbox && (
              <Tag color="orange" style={{ marginInlineStart: 8 }}>
                {t('oauth.sandbox')}
              </Tag>
            )}
          </Button>
        ))}
      </Flex>
    </>
  );
}

/** After WeChat or QQ, an account with two-step sign-in still gives its authenticator code. */
export function OauthTotpStep({ provider, ticket, returnTo }: { provider: string; ticket: string; returnTo: string }) {
  const { t } = useI18n();
  const { signedIn } = useSession();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (v: { totp: string }) => {
    setBusy(true);
    setError(null);
    try {
      await api('POST', '/api/v1/auth/oauth/totp', { ticket, totp: v.totp.trim() });
      signedIn(await api<Me>('GET', '/api/v1/me'));
      navigate(returnTo);
    } catch (err) {
      setError(errorText(t, err));
      setBusy(false);
    }
  };
  return (
    <Card title={t(provider === 'qq' ? 'oauth.qq' : 'oauth.wechat')}>
      <Alert type="info" showIcon message={t('totpPrompt')} style={{ marginBottom: 16 }} />
      <Form<{ totp: string }> layout="vertical" onFinish={submit} requiredMark={false}>
        <Form.Item name="totp" label={t('totp')} rules={[{ required: true, message: t('validate.required') }]}>
          <Input inputMode="numeric" autoComplete="one-time-code" maxLength={32} autoFocus />
        </Form.Item>
        {error && <Alert type="error" showIcon message={error} role="alert" style={{ marginBottom: 16 }} />}
        <Button type="primary" htmlType="submit" block loading={busy}>
          {t('signInSubmit')}
        </Button>
      </Form>
    </Card>
  );
}

/**
 * The sandbox's consent page (KAMENG_SANDBOX=on, no app configured): it stands where WeChat's QR page or
 * QQ's authorisation page would, and signs in as whatever name the visitor types.
 */
export function SandboxOauthPage({ provider }: { provider: string }) {
  const { t } = useI18n();
  const state = useSearch().get('state') ?? '';
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const label = t(provider === 'qq' ? 'oauth.qq' : 'oauth.wechat');
  const approve = async (v: { name: string }) => {
    setBusy(true);
    setError(null);
    try {
      const r = await api<{ redirect: string }>('POST', `/api/v1/sandbox/oauth/${provider}/authorize`, {
        state,
        name: v.name.trim(),
      });
      window.location.assign(r.redirect);
    } catch (err) {
      setError(errorText(t, err));
      setBusy(false);
    }
  };
  return (
    <Card title={label}>
      <Alert type="warning" showIcon message={t('oauth.sandboxNote')} style={{ marginBottom: 16 }} />
      <Form<{ name: string }> layout="vertical" onFinish={approve} requiredMark={false} initialValues={{ name: '' }}>
        <Form.Item
          name="name"
          label={t('oauth.sandboxName')}
          rules={[{ required: true, whitespace: true, message: t('validate.required') }]}
        >
          <Input maxLength={32} autoFocus />
        </Form.Item>
        {error && <Alert type="error" showIcon message={error} role="alert" style={{ marginBottom: 16 }} />}
        <Button
          type="primary"
          htmlType="submit"
          block
          loading={busy}
          icon={provider === 'qq' ? <QqOutlined /> : <WechatOutlined />}
        >
          {t('oauth.sandboxApprove')}
        </Button>
      </Form>
    </Card>
  );
}

/** The privacy notice and the consent a new account gives to it (个人信息保护法 第十四条, 第十七条). */
export function PrivacyConsent() {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  return (
    <>
      <Form.Item
        name="consent"
        valuePropName="checked"
        rules={[
          {
            validator: (_r, v) => (v === true ? Promise.resolve() : Promise.reject(new Error(t('privacy.required')))),
          },
        ]}
      >
        <Checkbox>
          {t('privacy.agree')}{' '}
          <Button
            type="link"
            size="small"
            style={{ padding: 0, height: 'auto' }}
            onClick={(e) => {
              e.preventDefault();
              setOpen(true);
            }}
          >
            {t('privacy.title')}
          </Button>
        </Checkbox>
      </Form.Item>
      <Modal open={open} title={t('privacy.title')} onCancel={() => setOpen(false)} footer={null}>
        {(['privacy.what', 'privacy.why', 'privacy.keep', 'privacy.rights'] as const).map((k) => (
          <Typography.Paragraph key={k}>{t(k)}</Typography.Paragraph>
        ))}
      </Modal>
    </>
  );
}
