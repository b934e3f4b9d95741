import { Alert, App as AntApp, Button, ConfigProvider, Flex, Grid, Layout, Spin, Tag, Typography } from 'antd';
import enUSLocale from 'antd/locale/en_US';
import zhCNLocale from 'antd/locale/zh_CN';
import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import { LoginPage } from './account/login-page.tsx';
import { errorText, I18nContext, initialLocale, type Locale, saveLocale, translator, useI18n } from './i18n/index.ts';
import { ApiFailure, api } from './lib/api.ts';
import { linkTo, navigate, usePath } from './lib/router.ts';
import { displayName, type Me, type Session, SessionContext, useSession } from './lib/session.ts';
import { HomePage } from './storefront/home-page.tsx';

const antdLocales = { 'zh-CN': zhCNLocale, 'en-US': enUSLocale } as const;
const HEALTH_EVERY_MS = 30_000;

// The register form validates with the shared zod schemas; loading it on demand keeps zod off the first page.
const RegisterPage = lazy(() => import('./account/register-page.tsx').then((m) => ({ default: m.RegisterPage })));
// The consoles are separate chunks: a buyer's first load never carries them.
const SupplierConsole = lazy(() => import('./supplier/index.tsx'));
const AdminConsole = lazy(() => import('./admin/index.tsx'));

export function App() {
  const [locale, setLocaleState] = useState<Locale>(initialLocale);
  const i18n = useMemo(
    () => ({
      locale,
      t: translator(locale),
      setLocale: (next: Locale) => {
        saveLocale(next);
        setLocaleState(next);
      },
    }),
    [locale],
  );
  useEffect(() => {
    document.documentElement.lang = locale;
    document.title = locale === 'zh-CN' ? '卡盟 Kameng' : 'Kameng 卡盟';
  }, [locale]);

  const [me, setMe] = useState<Me | null | undefined>(undefined);
  useEffect(() => {
    api<Me>('GET', '/api/v1/me').then(setMe, () => setMe(null));
  }, []);
  const signOut = useCallback(async () => {
    try {
      await api('POST', '/api/v1/auth/logout');
    } catch (err) {
      // an ended session is already signed out; anything else keeps the user signed in and says why
      if (!(err instanceof ApiFailure && err.code === 'UNAUTHENTICATED')) throw err;
    }
    setMe(null);
    navigate('/');
  }, []);
  const session = useMemo<Session>(() => ({ me, signedIn: setMe, signOut }), [me, signOut]);

  return (
    <I18nContext.Provider value={i18n}>
      <ConfigProvider locale={antdLocales[locale]} theme={{ token: { colorPrimary: '#e4393c' } }}>
        <AntApp>
          <SessionContext.Provider value={session}>
            <Shell />
          </SessionContext.Provider>
        </AntApp>
      </ConfigProvider>
    </I18nContext.Provider>
  );
}

function Shell() {
  const path = usePath().replace(/(.)\/+$/, '$1');
  const consoleKind = /^\/supplier(\/|$)/.test(path) ? 'supplier' : /^\/admin(\/|$)/.test(path) ? 'admin' : null;
  if (consoleKind) {
    return (
      <Layout style={{ minHeight: '100vh' }}>
        <SandboxBanner />
        <Header />
        <Suspense fallback={<Spin style={{ display: 'block', padding: 48 }} />}>
          {consoleKind === 'supplier' ? <SupplierConsole path={path} /> : <AdminConsole path={path} />}
        </Suspense>
      </Layout>
    );
  }
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <SandboxBanner />
      <Header />
      <Layout.Content style={{ padding: 16, maxWidth: 480, width: '100%', margin: '0 auto' }}>
        {path === '/' ? (
          <HomePage />
        ) : path === '/login' ? (
          <LoginPage />
        ) : path === '/register' ? (
          <Suspense fallback={<Spin style={{ display: 'block', padding: 48 }} />}>
            <RegisterPage />
          </Suspense>
        ) : (
          <NotFound />
        )}
      </Layout.Content>
      <Layout.Footer style={{ textAlign: 'center', padding: '16px' }}>
        <HealthStatus />
      </Layout.Footer>
    </Layout>
  );
}

function Header() {
  const { t, locale, setLocale } = useI18n();
  const { me, signOut } = useSession();
  const { message } = AntApp.useApp();
  const screens = Grid.useBreakpoint();
  const [leaving, setLeaving] = useState(false);
  const logout = async () => {
    setLeaving(true);
    try {
      await signOut();
    } catch (err) {
      message.error(errorText(t, err));
    } finally {
      setLeaving(false);
    }
  };
  return (
    <Layout.Header
      style={{
        display: 'flex',
        alignItems: 'center',
        gap: 8,
        padding: '0 16px',
        position: 'sticky',
        top: 0,
        zIndex: 10,
      }}
    >
      <a {...linkTo('/')} style={{ color: '#fff', fontSize: 20, fontWeight: 600, whiteSpace: 'nowrap' }}>
        {t('brand')}
      </a>
      <span style={{ flex: 1 }} />
      {me && screens.sm && (
        <Typography.Text ellipsis style={{ color: 'rgba(255,255,255,0.85)', maxWidth: 220 }}>
          {t('signedInAs', { name: displayName(me) })}
        </Typography.Text>
      )}
      {me && (
        <Button size="small" onClick={logout} loading={leaving}>
          {t('logout')}
        </Button>
      )}
      {me === null && (
        <Flex gap={8}>
          <Button size="small" type="primary" {...linkTo('/login')}>
            {t('login')}
          </Button>
          <Button size="small" {...linkTo('/register')}>
            {t('register')}
          </Button>
        </Flex>
      )}
      <Button
        size="small"
        type="text"
        style={{ color: '#fff' }}
        aria-label={t('languageLabel')}
        lang={locale === 'zh-CN' ? 'en-US' : 'zh-CN'}
        onClick={() => setLocale(locale === 'zh-CN' ? 'en-US' : 'zh-CN')}
      >
        {t('language')}
      </Button>
    </Layout.Header>
  );
}

function SandboxBanner() {
  const { t } = useI18n();
  const [sandbox, setSandbox] = useState(false);
  useEffect(() => {
    api<{ sandbox: boolean }>('GET', '/api/v1/platform/status').then(
      (s) => setSandbox(s.sandbox),
      () => setSandbox(false),
    );
  }, []);
  return sandbox ? <Alert type="warning" banner message={t('sandboxBanner')} /> : null;
}

function HealthStatus() {
  const { t } = useI18n();
  const [health, setHealth] = useState<'checking' | 'ok' | 'down'>('checking');
  useEffect(() => {
    const check = () =>
      api<{ status?: string }>('GET', '/healthz').then(
        (h) => setHealth(h?.status === 'ok' ? 'ok' : 'down'),
        () => setHealth('down'),
      );
    void check();
    const timer = setInterval(check, HEALTH_EVERY_MS);
    return () => clearInterval(timer);
  }, []);
  const [color, key] =
    health === 'ok'
      ? (['green', 'serverOk'] as const)
      : health === 'down'
        ? (['red', 'serverDown'] as const)
        : (['default', 'serverChecking'] as const);
  return (
    <Tag color={color} role="status">
      {t(key)}
    </Tag>
  );
}

function NotFound() {
  const { t } = useI18n();
  return (
    <Flex vertical align="center" gap={16} style={{ padding: '48px 0' }}>
      <Typography.Title level={4} style={{ margin: 0 }}>
        {t('notFound')}
      </Typography.Title>
      <Button type="primary" {...linkTo('/')}>
        {t('backHome')}
      </Button>
    </Flex>
  );
}
