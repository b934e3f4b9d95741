import type { LoginBody } from '@kameng/contracts';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { errorText, useI18n } from '../i18n/index.ts';
import { ApiFailure, api } from '../lib/api.ts';
import { linkTo, navigate, navigationState, useSearch } from '../lib/router.ts';
import { type Me, useSession } from '../lib/session.ts';
import { OauthTotpStep, ThirdPartyButtons } from './third-party.tsx';

interface LoginValues {
  login: string;
  password: string;
  totp?: string;
}

/** Set by the register page so the new account lands here with its login filled in. */
export interface ArrivedFromRegister {
  registered: string;
  /** came from the password reset page rather than from registering */
  reset?: boolean;
}

function arrivedFromRegister(): ArrivedFromRegister | null {
  const s = navigationState();
  return typeof s === 'object' && s !== null && 'registered' in s && typeof s.registered === 'string'
    ? { registered: s.registered, reset: 'reset' in s && s.reset === true }
    : null;
}

/** Where to go after signing in: a path inside this site only, never another origin (`//evil.example`). */
export function safeNext(next: string | null): string {
  return next && /^\/(?![/\\])/.test(next) ? next : '/';
}

export function LoginPage() {
  const { t } = useI18n();
  const { signedIn } = useSession();
  const [arrived] = useState(arrivedFromRegister);
  const [needTotp, setNeedTotp] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const search = useSearch();
  const next = safeNext(search.get('next'));
  const oauthTicket = search.get('ticket');

  const submit = async (v: LoginValues) => {
    setBusy(true);
    setError(null);
    const body: LoginBody = { login: v.login.trim(), password: v.password };
    if (needTotp && v.totp?.trim()) body.totp = v.totp.trim();
    try {
      const res = await api<{ user: Me }>('POST', '/api/v1/auth/login', body);
      signedIn(res.user);
      navigate(next);
    } catch (err) {
      if (err instanceof ApiFailure && err.code === 'TOTP_REQUIRED') setNeedTotp(true);
      else setError(errorText(t, err));
      setBusy(false);
    }
  };

  if (oauthTicket) {
    return (
      <OauthTotpStep
        provider={search.get('oauth') ?? 'wechat'}
        ticket={oauthTicket}
        returnTo={safeNext(search.get('returnTo'))}
      />
    );
  }

  return (
    <Card title={t('login')}>
      {arrived && (
        <Alert
          type="success"
          showIcon
          message={t(arrived.reset ? 'reset.done' : 'registered')}
          style={{ marginBottom: 16 }}
        />
      )}
      <Form<LoginValues>
        layout="vertical"
        onFinish={submit}
        initialValues={{ login: arrived?.registered ?? '' }}
        requiredMark={false}
      >
        <Form.Item name="login" label={t('account')} rules={[{ required: true, message: t('validate.required') }]}>
          <Input autoComplete="username" maxLength={254} autoFocus={!arrived} />
        </Form.Item>
        <Form.Item name="password" label={t('password')} rules={[{ required: true, message: t('validate.required') }]}>
          <Input.Password autoComplete="current-password" maxLength={128} autoFocus={!!arrived} />
        </Form.Item>
        {needTotp && (
          <>
            <Alert type="info" showIcon message={t('totpPrompt')} style={{ marginBottom: 16 }} />
            <Form.Item name="totp" label={t('totp')} rules={[{ required: true, message: t('validate.required') }]}>
              <Input inputMode="numeric" autoComplete="one-time-code" maxLength={32} autoFocus />
            </Form.Item>
          </>
        )}
        {error && <Alert type="error" showIcon message={error} role="alert" style={{ marginBottom: 16 }} />}
        <Button type="primary" htmlType="submit" block loading={busy}>
          {t('signInSubmit')}
        </Button>
      </Form>
      <ThirdPartyButtons next={next} />
      <Typography.Paragraph style={{ marginTop: 16, marginBottom: 0, textAlign: 'center' }}>
        {t('noAccount')} <a {...linkTo('/register')}>{t('register')}</a>
        <span style={{ margin: '0 8px', color: '#ccc' }}>|</span>
        <a {...linkTo('/reset-password')}>{t('reset.forgot')}</a>
      </Typography.Paragraph>
    </Card>
  );
}
