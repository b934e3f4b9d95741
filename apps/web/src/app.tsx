import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { Alert, App as AntApp, Button, ConfigProvider, Flex, Layout, Spin, Typography } from 'antd';
import enUSLocale from 'antd/locale/en_US';
import zhCNLocale from 'antd/locale/zh_CN';
import { lazy, type ReactNode, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import { initialLocale, type Locale, LocaleContext, saveLocale, useI18n } from './i18n/index.ts';
import { ApiFailure, api } from './lib/api.ts';
import { usePlatformStatus } from './lib/platform.ts';
import { linkTo, matchPath, navigate, usePath } from './lib/router.ts';
import { type Me, type Session, SessionContext } from './lib/session.ts';
import { HomePage } from './storefront/home-page.tsx';
import { SiteFooter } from './storefront/site-footer.tsx';
import { SiteHeader } from './storefront/site-header.tsx';

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
const OrderLookupPage = lazy(() =>
  import('./storefront/order-lookup.tsx').then((m) => ({ default: m.OrderLookupPage })),
);
const ShopPage = lazy(() => import('./storefront/shop-page.tsx').then((m) => ({ default: m.ShopPage })));
const BuyerCentre = lazy(() => import('./buyer/index.tsx'));
// The consoles are separate chunks: a buyer's first load never carries them.
const SupplierConsole = lazy(() => import('./supplier/index.tsx'));
const AdminConsole = lazy(() => import('./admin/index.tsx'));
const AgentConsole = lazy(() => import('./agents/index.tsx'));

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
  // a visitor is an answer, not an error: the probe never fails for want of a session
  useEffect(() => {
    api<{ user: Me | null }>('GET', '/api/v1/auth/session').then(
      (r) => setMe(r.user),
      () => setMe(null),
    );
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
  if (path === '/order-lookup')
    return (
      <Narrow>
        <OrderLookupPage />
      </Narrow>
    );
  const shop = matchPath('/shops/:id', path);
  if (shop?.id) return <ShopPage key={shop.id} id={shop.id} />;
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
  const { t } = useI18n();
  const path = usePath().replace(/(.)\/+$/, '$1');
  const consoleKind = /^\/supplier(\/|$)/.test(path)
    ? 'supplier'
    : /^\/admin(\/|$)/.test(path)
      ? 'admin'
      : /^\/agent(\/|$)/.test(path)
        ? 'agent'
        : null;
  if (consoleKind) {
    return (
      <Layout style={{ minHeight: '100vh' }}>
        <SandboxBanner />
        <SiteHeader phoneSearch={false} />
        <Suspense fallback={pageFallback}>
          {consoleKind === 'supplier' ? (
            <SupplierConsole path={path} />
          ) : consoleKind === 'agent' ? (
            <AgentConsole path={path} />
          ) : (
            <AdminConsole path={path} />
          )}
        </Suspense>
      </Layout>
    );
  }
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <SandboxBanner />
      <SiteHeader />
      <Layout.Content style={{ padding: '12px', maxWidth: 1200, width: '100%', margin: '0 auto' }}>
        <Suspense fallback={pageFallback}>{storefrontPage(path)}</Suspense>
      </Layout.Content>
      <Layout.Footer style={{ textAlign: 'center', padding: '16px' }}>
        <Flex vertical align="center" gap={8}>
          <a {...linkTo('/order-lookup')} data-testid="footer-order-lookup">
            {t('nav.lookup')}
          </a>
          <SiteFooter />
        </Flex>
      </Layout.Footer>
    </Layout>
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
