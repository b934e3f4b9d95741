import { Alert, App as AntApp, Button, Card, ConfigProvider, Form, Input, Layout, Space, Tag, Typography } from 'antd';
import enUSLocale from 'antd/locale/en_US';
import zhCNLocale from 'antd/locale/zh_CN';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { I18nContext, initialLocale, type Locale, saveLocale, translate, useT } from './i18n/index.ts';
import type { Messages } from './i18n/zh-CN.ts';
import { ApiFailure, api, type Me } from './lib/api.ts';

type Page = 'home' | 'login' | 'register';

function pageFromPath(): Page {
  if (location.pathname === '/login') return 'login';
  if (location.pathname === '/register') return 'register';
  return 'home';
}

export function App() {
  const [locale, setLocale] = useState<Locale>(initialLocale);
  const [page, setPage] = useState<Page>(pageFromPath);
  const [me, setMe] = useState<Me | null>(null);
  const [healthy, setHealthy] = useState<boolean | null>(null);
  const [sandbox, setSandbox] = useState(false);
  const t = useCallback((k: keyof Messages, vars?: Record<string, string>) => translate(locale, k, vars), [locale]);
  const ctx = useMemo(() => ({ locale, t }), [locale, t]);

  const go = (p: Page) => {
    history.pushState(null, '', p === 'home' ? '/' : `/${p}`);
    setPage(p);
  };
  useEffect(() => {
    const onPop = () => setPage(pageFromPath());
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  useEffect(() => {
    api<{ status: string }>('GET', '/healthz').then(
      () => setHealthy(true),
      () => setHealthy(false),
    );
    api<{ sandbox: boolean }>('GET', '/api/v1/platform/status').then(
      (s) => setSandbox(s.sandbox),
      () => setSandbox(false),
    );
    api<Me>('GET', '/api/v1/me').then(setMe, () => setMe(null));
  }, []);
  const switchLocale = () => {
    const next = locale === 'zh-CN' ? 'en-US' : 'zh-CN';
    saveLocale(next);
    setLocale(next);
  };
  const logout = async () => {
    await api('POST', '/api/v1/auth/logout').catch(() => undefined);
    setMe(null);
    go('home');
  };

  return (
    <I18nContext.Provider value={ctx}>
      <ConfigProvider
        locale={locale === 'zh-CN' ? zhCNLocale : enUSLocale}
        theme={{ token: { colorPrimary: '#e4393c' } }}
      >
        <AntApp>
          <Layout style={{ minHeight: '100vh' }}>
            {sandbox && <Alert type="warning" banner message={t('sandboxBanner')} />}
            <Layout.Header style={{ display: 'flex', alignItems: 'center', gap: 12, padding: '0 16px' }}>
              <Typography.Link onClick={() => go('home')} style={{ color: '#fff', fontSize: 20, fontWeight: 600 }}>
                {t('brand')}
              </Typography.Link>
              <span style={{ flex: 1 }} />
              {me ? (
                <Button size="small" onClick={logout}>
                  {t('logout')}
                </Button>
              ) : (
                <Space>
                  <Button size="small" type="primary" onClick={() => go('login')}>
                    {t('login')}
                  </Button>
                  <Button size="small" onClick={() => go('register')}>
                    {t('register')}
                  </Button>
                </Space>
              )}
              <Button size="small" type="text" style={{ color: '#fff' }} onClick={switchLocale}>
                {t('language')}
              </Button>
            </Layout.Header>
            <Layout.Content style={{ padding: 16, maxWidth: 480, width: '100%', margin: '0 auto' }}>
              {page === 'login' && (
                <LoginForm
                  onDone={(u) => {
                    setMe(u);
                    go('home');
                  }}
                />
              )}
              {page === 'register' && <RegisterForm onDone={() => go('login')} />}
              {page === 'home' && (
                <Card>
                  <Typography.Title level={3}>{t('brand')}</Typography.Title>
                  <Typography.Paragraph>{t('tagline')}</Typography.Paragraph>
                  {me && <Alert type="success" message={t('welcome', { name: me.email ?? me.phone ?? me.id })} />}
                  <Typography.Paragraph type="secondary" style={{ marginTop: 12 }}>
                    {t('emptyHome')}
                  </Typography.Paragraph>
                </Card>
              )}
            </Layout.Content>
            <Layout.Footer style={{ textAlign: 'center' }}>
              {healthy === null ? null : (
                <Tag color={healthy ? 'green' : 'red'}>{healthy ? t('serverOk') : t('serverDown')}</Tag>
              )}
            </Layout.Footer>
          </Layout>
        </AntApp>
      </ConfigProvider>
    </I18nContext.Provider>
  );
}

function LoginForm({ onDone }: { onDone: (me: Me) => void }) {
  const { t } = useT();
  const [error, setError] = useState<string | null>(null);
  const [needTotp, setNeedTotp] = useState(false);
  const submit = async (v: { login: string; password: string; totp?: string }) => {
    setError(null);
    try {
      const r = await api<{ user: Me }>(
        'POST',
        '/api/v1/auth/login',
        v.totp ? v : { login: v.login, password: v.password },
      );
      onDone(r.user);
    } catch (e) {
      if (e instanceof ApiFailure && e.error.code === 'TOTP_REQUIRED') setNeedTotp(true);
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  return (
    <Card title={t('login')}>
      <Form layout="vertical" onFinish={submit}>
        <Form.Item name="login" label={t('account')} rules={[{ required: true, message: t('required') }]}>
          <Input autoComplete="username" />
        </Form.Item>
        <Form.Item name="password" label={t('password')} rules={[{ required: true, message: t('required') }]}>
          <Input.Password autoComplete="current-password" />
        </Form.Item>
        {needTotp && (
          <Form.Item name="totp" label={t('totp')} rules={[{ required: true, message: t('required') }]}>
            <Input inputMode="numeric" autoComplete="one-time-code" />
          </Form.Item>
        )}
        {error && <Alert type="error" message={error} style={{ marginBottom: 12 }} />}
        <Button type="primary" htmlType="submit" block>
          {t('submit')}
        </Button>
      </Form>
    </Card>
  );
}

function RegisterForm({ onDone }: { onDone: () => void }) {
  const { t } = useT();
  const [error, setError] = useState<string | null>(null);
  const submit = async (v: { email?: string; phone?: string; password: string }) => {
    setError(null);
    try {
      const body =
        v.phone && !v.email ? { phone: v.phone, password: v.password } : { email: v.email, password: v.password };
      await api('POST', '/api/v1/auth/register', body);
      onDone();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  return (
    <Card title={t('register')}>
      <Form layout="vertical" onFinish={submit}>
        <Form.Item name="email" label={t('email')}>
          <Input type="email" autoComplete="email" />
        </Form.Item>
        <Form.Item name="phone" label={t('phone')}>
          <Input inputMode="tel" autoComplete="tel" />
        </Form.Item>
        <Form.Item name="password" label={t('password')} rules={[{ required: true, message: t('required') }]}>
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        {error && <Alert type="error" message={error} style={{ marginBottom: 12 }} />}
        <Button type="primary" htmlType="submit" block>
          {t('submit')}
        </Button>
      </Form>
    </Card>
  );
}
