import {
  ApartmentOutlined,
  DashboardOutlined,
  PercentageOutlined,
  SettingOutlined,
  ShoppingOutlined,
  TeamOutlined,
  WalletOutlined,
} from '@ant-design/icons';
import { Button, Result, Spin } from 'antd';
import { lazy, Suspense } from 'react';
import { ConsoleLayout, ErrorAlert, type MenuEntry, NotFoundPage } from '../console/layout.tsx';
import { useMyAgent } from '../lib/agent.ts';
import { linkTo, withQuery } from '../lib/router.ts';
import { useSession } from '../lib/session.ts';
import { useAgentsT } from './messages.ts';

const Overview = lazy(() => import('./overview.tsx'));
const SiteSettings = lazy(() => import('./site-settings.tsx'));
const Markups = lazy(() => import('./markups.tsx'));
const Orders = lazy(() => import('./orders.tsx'));
const Customers = lazy(() => import('./customers.tsx'));
const SubAgents = lazy(() => import('./sub-agents.tsx'));
const Money = lazy(() => import('./money.tsx'));

const pages: Record<string, () => React.ReactNode> = {
  '/agent': () => <Overview />,
  '/agent/site': () => <SiteSettings />,
  '/agent/products': () => <Markups />,
  '/agent/orders': () => <Orders />,
  '/agent/customers': () => <Customers />,
  '/agent/sub-agents': () => <SubAgents />,
  '/agent/money': () => <Money />,
};

const spin = <Spin style={{ display: 'block', padding: 48 }} />;

/**
 * The agent's 分站 console: every /agent/* path, for a signed-in user whose application is approved (agents
 * hold no role; the server answers 404 to anyone else). Loaded on demand, never in the storefront's first load.
 */
export default function AgentConsole({ path }: { path: string }) {
  const t = useAgentsT();
  const { me } = useSession();
  const mine = useMyAgent(!!me);
  if (me === undefined || (me && mine.isPending)) return spin;
  if (me === null) {
    return (
      <Result
        status="403"
        title={t('gate.signIn')}
        extra={
          <Button type="primary" {...linkTo(withQuery('/login', { next: path }))}>
            {t('console.signIn')}
          </Button>
        }
      />
    );
  }
  if (mine.isError) return <ErrorAlert error={mine.error} onRetry={() => mine.refetch()} style={{ margin: 24 }} />;
  if (mine.data?.status !== 'approved') {
    return (
      <Result
        status="info"
        title={mine.data ? t('gate.pending') : t('gate.none')}
        extra={
          <Button type="primary" {...linkTo('/account/agent')}>
            {mine.data ? t('apply.mine') : t('gate.apply')}
          </Button>
        }
      />
    );
  }
  const entries: MenuEntry[] = [
    { path: '/agent', label: t('menu.overview'), icon: <DashboardOutlined /> },
    { path: '/agent/site', label: t('menu.site'), icon: <SettingOutlined /> },
    { path: '/agent/products', label: t('menu.products'), icon: <PercentageOutlined /> },
    { path: '/agent/orders', label: t('menu.orders'), icon: <ShoppingOutlined /> },
    { path: '/agent/customers', label: t('menu.customers'), icon: <TeamOutlined /> },
    { path: '/agent/sub-agents', label: t('menu.subAgents'), icon: <ApartmentOutlined /> },
    { path: '/agent/money', label: t('menu.money'), icon: <WalletOutlined /> },
  ];
  const page = pages[path];
  return (
    <ConsoleLayout title={mine.data.siteName} entries={entries} path={path}>
      <Suspense fallback={spin}>{page ? page() : <NotFoundPage />}</Suspense>
    </ConsoleLayout>
  );
}
