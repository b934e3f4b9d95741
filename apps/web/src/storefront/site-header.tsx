import { DashboardOutlined, FileSearchOutlined, ShoppingCartOutlined, UserOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Badge, Button, Flex, Grid, Layout } from 'antd';
import { useI18n } from '../i18n/index.ts';
import { api } from '../lib/api.ts';
import { linkTo } from '../lib/router.ts';
import { useIsAgent } from '../lib/agent.ts';
import { type Me, useLogout, useSession } from '../lib/session.ts';
import { useSite } from '../lib/site.ts';
import { SearchBox } from './search-box.tsx';

const light = { color: '#fff' } as const;

/** Where a person's console is: operators and admins run the platform at /admin, suppliers their shop at /supplier. */
export function consolesOf(
  me: Me | null | undefined,
  agent = false,
): { path: '/admin' | '/supplier' | '/agent'; key: 'nav.admin' | 'nav.supplier' | 'nav.agent' }[] {
  if (!me) return [];
  const out: { path: '/admin' | '/supplier' | '/agent'; key: 'nav.admin' | 'nav.supplier' | 'nav.agent' }[] = [];
  if (me.roles.includes('operator') || me.roles.includes('admin')) out.push({ path: '/admin', key: 'nav.admin' });
  if (me.roles.includes('supplier')) out.push({ path: '/supplier', key: 'nav.supplier' });
  // an agent's 分站 console: his application is approved (agents hold no role of their own)
  if (agent) out.push({ path: '/agent', key: 'nav.agent' });
  return out;
}

/** How many pieces the signed-in buyer's cart holds (the cart page and "add to cart" share its query). */
function useCartCount(signedIn: boolean): number {
  const cart = useQuery({
    queryKey: ['cart'],
    queryFn: () => api<{ items: { quantity: number }[] }>('GET', '/api/v1/cart'),
    enabled: signedIn,
  });
  return signedIn ? (cart.data?.items.reduce((n, i) => n + i.quantity, 0) ?? 0) : 0;
}

/**
 * The site's header on every page: the brand, search (a row of its own on a phone), 查询订单 for guests
 * finding an order again, the cart with its count, the consoles of staff and suppliers, and the account.
 */
export function SiteHeader({ phoneSearch = true }: { phoneSearch?: boolean }) {
  const { t, locale, setLocale } = useI18n();
  const { me } = useSession();
  const { logout, leaving } = useLogout();
  const screens = Grid.useBreakpoint();
  const cartCount = useCartCount(!!me);
  const agent = useIsAgent(!!me);
  const site = useSite().data;
  const branding = site?.agentSite ?? null;
  const wide = !!screens.md;
  // between a tablet and a desk the words make room for the search box: icons only below lg
  const roomy = !!screens.lg;
  return (
    <Layout.Header
      style={{
        height: 'auto',
        lineHeight: 'normal',
        padding: '0 12px',
        position: 'sticky',
        top: 0,
        zIndex: 10,
      }}
    >
      <Flex align="center" gap={8} style={{ minHeight: 56 }}>
        <a
          {...linkTo('/')}
          data-testid="site-brand"
          style={{
            color: '#fff',
            fontSize: 20,
            fontWeight: 600,
            whiteSpace: 'nowrap',
            display: 'flex',
            alignItems: 'center',
            gap: 6,
            // the platform's name never shrinks; an agent's long 分站 name gives way to the buttons
            flexShrink: branding ? 1 : 0,
            minWidth: branding ? 0 : undefined,
            maxWidth: branding ? (wide ? 280 : 150) : undefined,
            overflow: 'hidden',
          }}
        >
          {/* on an agent's 分站 his name and logo, as GET /site answers for this Host */}
          {branding?.logoUrl && <img src={branding.logoUrl} alt="" style={{ height: 28, maxWidth: 56 }} />}
          <span style={{ overflow: 'hidden', textOverflow: 'ellipsis' }}>{branding?.siteName ?? t('brand')}</span>
        </a>
        {wide ? (
          <div style={{ flex: 1, minWidth: 0, maxWidth: 480, margin: '0 16px' }}>
            <SearchBox />
          </div>
        ) : null}
        <span style={{ flex: 1 }} />
        <Button
          type="text"
          size="small"
          style={light}
          icon={<FileSearchOutlined />}
          data-testid="order-lookup-link"
          aria-label={t('nav.lookup')}
          {...linkTo('/order-lookup')}
        >
          {/* a phone has room for the words (search has its own row); a tablet gives it to the search box */}
          {!wide || roomy ? t('nav.lookup') : null}
        </Button>
        {consolesOf(me, agent).map((c) => (
          <Button
            key={c.path}
            type="text"
            size="small"
            style={light}
            icon={<DashboardOutlined />}
            aria-label={t(c.key)}
            {...linkTo(c.path)}
          >
            {screens.lg ? t(c.key) : null}
          </Button>
        ))}
        <Badge count={cartCount} size="small" offset={[-4, 4]}>
          <Button
            type="text"
            size="small"
            style={light}
            icon={<ShoppingCartOutlined />}
            aria-label={t('nav.cart')}
            {...linkTo('/cart')}
          >
            {roomy ? t('nav.cart') : null}
          </Button>
        </Badge>
        {me && (
          <Button
            type="text"
            size="small"
            style={light}
            icon={<UserOutlined />}
            aria-label={t('nav.account')}
            {...linkTo('/account/orders')}
          >
            {roomy ? t('nav.account') : null}
          </Button>
        )}
        {me && wide && (
          <Button size="small" onClick={logout} loading={leaving}>
            {t('logout')}
          </Button>
        )}
        {me === null && (
          <Flex gap={8}>
            <Button size="small" type="primary" {...linkTo('/login')}>
              {t('login')}
            </Button>
            {wide && (
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
          {wide ? t('language') : t('languageShort')}
        </Button>
      </Flex>
      {!wide && phoneSearch && (
        <div style={{ paddingBottom: 10 }} data-testid="phone-search">
          <SearchBox />
        </div>
      )}
    </Layout.Header>
  );
}
