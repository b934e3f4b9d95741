import { ShoppingCartOutlined, UserOutlined } from '@ant-design/icons';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { Alert, App as AntApp, Button, ConfigProvider, Flex, Grid, Layout, Spin, Typography } from 'antd';
import enUSLocale from 'antd/locale/en_US';
import zhCNLocale from 'antd/locale/zh_CN';
import { lazy, type ReactNode, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import { initialLocale, type Locale, LocaleContext, saveLocale, useI18n } from './i18n/index.ts';
import { ApiFailure, api } from './lib/api.ts';
import { usePlatformStatus } from './lib/platform.ts';
import { linkTo, matchPath, navigate, usePath } from './lib/router.ts';
import { type Me, type Session, SessionContext, useLogout, useSession } from './lib/session.ts';
import { HomePage } from './storefront/home-page.tsx';
import { SearchBox } from './storefront/search-box.tsx';
import { SiteFooter } from './storefront/site-footer.tsx';

const antdLocales = { 'zh-CN': zhCNLocale, 'en-US': enUSLocale } as const;

// Only the home page is in the first load; every other page is its own chunk, fetched when it is opened.
// Forms (antd Form, its validator) and the shared zod schemas stay off the first page: the sign-in pages
// are chunks of their own too.
const LoginPage = lazy(() => import('./account/login-page.tsx').then((m) => ({ default: m.LoginPage })));
const RegisterPage = lazy(() => import('./account/register-page.tsx').then((m) => ({ default: m.RegisterPage })));
const ResetPage = lazy(() => import('./account/reset-page.tsx').then((m) => ({ default: m.ResetPage })));
const SandboxOauthPage = lazy(() => import('./account/third-party.tsx').then((m) => ({ default: m.SandboxOauthPage })));
const SearchPage = lazy(() => import('./storefront/search-page.tsx').then((m) => ({ default: m.SearchPage })));
const ProductPage = lazy(() => import('./storefront/product-page.tsx').then((m) => ({ default: m.ProductPage })));
const CartPage = lazy(() => import('./storefront/cart-page.tsx').then((m) => ({ default: m.CartPage })));
const CheckoutPage = lazy(() => import('./storefront/checkout-page.tsx').then((m) => ({ default: m.CheckoutPage })));
const CashierPage = lazy(() => import('./storefront/cashier-page.tsx').then((m) => ({ default: m.CashierPage })));
const OrderPage = lazy(() => import('./storefront/order-page.tsx').then((m) => ({ default: m.OrderPage })));
const SitePage = lazy(() => import('./storefront/site-page.tsx'));
const BuyerCentre = lazy(() => import('./buyer/index.tsx'));
// The consoles are separate chunks: a buyer's first load never carries them.
const SupplierConsole = lazy(() => import('./supplier/index.tsx'));
const AdminConsole = lazy(() => import('./admin/index.tsx'));

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 15_000,
      refetchOnWindowFocus: false,
      // a 4xx will not change by asking again; a network blip might
      retry: (count, err) => count < 2 && !(err instanceof ApiFailure && err.status >= 400 && err.status < 500),
    },
  },
});

export function App() {
  const [locale, setLocaleState] = useState<Locale>(initialLocale);
  const localeState = useMemo(
    () => ({
      locale,
      setLocale: (next: Locale) => {
        saveLocale(next);
        setLocaleState(next);
      },
    }),
    [locale],
  );
  useEffect(() => {
    // the title is the page's own, written into the HTML by the server (its pageHead): the app keeps it
    document.documentElement.lang = locale;
  }, [locale]);

  const [me, setMe] = useState<Me | null | undefined>(undefined);
  useEffect(() => {
    api<Me>('GET', '/api/v1/me').then(setMe, () => setMe(null));
  }, []);
  const signedIn = useCallback((next: Me) => {
    queryClient.clear();
    setMe(next);
  }, []);
  const signOut = useCallback(async () => {
    try {
      await api('POST', '/api/v1/auth/logout');
    } catch (err) {
      // an ended session is already signed out; anything else keeps the user signed in and says why
      if (!(err instanceof ApiFailure && err.code === 'UNAUTHENTICATED')) throw err;
    }
    queryClient.clear();
    setMe(null);
    navigate('/');
  }, []);
  const session = useMemo<Session>(() => ({ me, signedIn, signOut }), [me, signedIn, signOut]);

  return (
    <LocaleContext.Provider value={localeState}>
      <ConfigProvider
        locale={antdLocales[locale]}
        theme={{ token: { colorPrimary: '#e4393c' } }}
        button={{ autoInsertSpace: false }}
      >
        <AntApp>
          <QueryClientProvider client={queryClient}>
            <SessionContext.Provider value={session}>
              <Shell />
            </SessionContext.Provider>
          </QueryClientProvider>
        </AntApp>
      </ConfigProvider>
    </LocaleContext.Provider>
  );
}

const pageFallback = <Spin style={{ display: 'block', padding: 48 }} />;

/** Sign-in forms read best as one narrow column, also on a wide screen. */
function Narrow({ children }: { children: ReactNode }) {
  return <div style={{ maxWidth: 440, margin: '0 auto' }}>{children}</div>;
}

function storefrontPage(path: string): ReactNode {
  if (path === '/') return <HomePage />;
  if (path === '/login')
    return (
      <Narrow>
        <LoginPage />
      </Narrow>
    );
  if (path === '/register')
    return (
      <Narrow>
        <RegisterPage />
      </Narrow>
    );
  if (path === '/reset-password')
    return (
      <Narrow>
        <ResetPage />
      </Narrow>
    );
  const sandboxOauth = matchPath('/oauth-sandbox/:provider', path);
  if (sandboxOauth?.provider)
    return (
      <Narrow>
        <SandboxOauthPage provider={sandboxOauth.provider} />
      </Narrow>
    );
  if (path === '/search') return <SearchPage />;
  if (path === '/cart') return <CartPage />;
  if (path === '/checkout') return <CheckoutPage />;
  if (path === '/terms' || path === '/privacy')
    return <SitePage key={path} page={path === '/terms' ? 'terms' : 'privacy'} />;
  const product = matchPath('/products/:id', path);
  if (product?.id) return <ProductPage key={product.id} id={product.id} />;
  const cashier = matchPath('/cashier/:id', path);
  if (cashier?.id) return <CashierPage key={cashier.id} id={cashier.id} />;
  const order = matchPath('/orders/:id', path);
  if (order?.id) return <OrderPage key={order.id} id={order.id} />;
  if (/^\/account(\/|$)/.test(path)) return <BuyerCentre path={path} />;
  return <NotFound />;
}

function Shell() {
  const path = usePath().replace(/(.)\/+$/, '$1');
  const consoleKind = /^\/supplier(\/|$)/.test(path) ? 'supplier' : /^\/admin(\/|$)/.test(path) ? 'admin' : null;
  if (consoleKind) {
    return (
      <Layout style={{ minHeight: '100vh' }}>
        <SandboxBanner />
        <Header />
        <Suspense fallback={pageFallback}>
          {consoleKind === 'supplier' ? <SupplierConsole path={path} /> : <AdminConsole path={path} />}
        </Suspense>
      </Layout>
    );
  }
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <SandboxBanner />
      <Header />
      <Layout.Content style={{ padding: '12px', maxWidth: 1200, width: '100%', margin: '0 auto' }}>
        <Suspense fallback={pageFallback}>{storefrontPage(path)}</Suspense>
      </Layout.Content>
      <Layout.Footer style={{ textAlign: 'center', padding: '16px' }}>
        <SiteFooter />
      </Layout.Footer>
    </Layout>
  );
}

function Header() {
  const { t, locale, setLocale } = useI18n();
  const { me } = useSession();
  const { logout, leaving } = useLogout();
  const screens = Grid.useBreakpoint();
  const light = { color: '#fff' } as const;
  return (
    <Layout.Header
      style={{
        display: 'flex',
        alignItems: 'center',
        gap: 8,
        padding: '0 12px',
        position: 'sticky',
        top: 0,
        zIndex: 10,
      }}
    >
      <a {...linkTo('/')} style={{ color: '#fff', fontSize: 20, fontWeight: 600, whiteSpace: 'nowrap' }}>
        {t('brand')}
      </a>
      {screens.md ? (
        <div
          style={{
            flex: 1,
            maxWidth: 480,
            margin: '0 16px',
            lineHeight: 'normal',
            display: 'flex',
            alignItems: 'center',
          }}
        >
          <SearchBox />
        </div>
      ) : (
        <span style={{ flex: 1 }} />
      )}
      {screens.md && <span style={{ flex: 1 }} />}
      <Button
        type="text"
        size="small"
        style={light}
        icon={<ShoppingCartOutlined />}
        aria-label={t('nav.cart')}
        {...linkTo('/cart')}
      >
        {screens.sm ? t('nav.cart') : null}
      </Button>
      {me && (
        <Button
          type="text"
          size="small"
          style={light}
          icon={<UserOutlined />}
          aria-label={t('nav.account')}
          {...linkTo('/account/orders')}
        >
          {screens.sm ? t('nav.account') : null}
        </Button>
      )}
      {me && screens.sm && (
        <Button size="small" onClick={logout} loading={leaving}>
          {t('logout')}
        </Button>
      )}
      {me === null && (
        <Flex gap={8}>
          <Button size="small" type="primary" {...linkTo('/login')}>
            {t('login')}
          </Button>
          {screens.sm && (
            <Button size="small" {...linkTo('/register')}>
              {t('register')}
            </Button>
          )}
        </Flex>
      )}
      <Button
        size="small"
        type="text"
        style={light}
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
  const sandbox = usePlatformStatus().data?.sandbox === true;
  return sandbox ? <Alert type="warning" banner message={t('sandboxBanner')} /> : null;
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
