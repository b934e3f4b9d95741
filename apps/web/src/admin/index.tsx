import {
  ApartmentOutlined,
  AuditOutlined,
  BookOutlined,
  CheckSquareOutlined,
  CreditCardOutlined,
  DashboardOutlined,
  ExceptionOutlined,
  FileProtectOutlined,
  GlobalOutlined,
  IdcardOutlined,
  MoneyCollectOutlined,
  ReconciliationOutlined,
  SafetyOutlined,
  SettingOutlined,
  ShoppingOutlined,
  StopOutlined,
  CrownOutlined,
  TeamOutlined,
} from '@ant-design/icons';
import { Spin } from 'antd';
import { lazy, Suspense } from 'react';
import { ConsoleLayout, type MenuEntry, NotFoundPage, RequireRole } from '../console/layout.tsx';
import { useDisputesT } from '../disputes/messages.ts';
import { useSession } from '../lib/session.ts';
import { useIdentityT } from './identity-messages.ts';
import { useT } from './messages.ts';
import { useJobsT } from './jobs-messages.ts';
import { useLevelsT } from '../members/messages.ts';
import { useAgentsT } from '../agents/messages.ts';
import { usePaymentsT } from './payments-messages.ts';
import { useSiteT } from './site-messages.ts';
import { useComplianceT } from '../compliance/messages.ts';

const Dashboard = lazy(() => import('./dashboard.tsx'));
const Reviews = lazy(() => import('./reviews.tsx'));
const Withdrawals = lazy(() => import('./withdrawals.tsx'));
const Catalog = lazy(() => import('./catalog.tsx'));
const Users = lazy(() => import('./users.tsx'));
const Orders = lazy(() => import('./orders.tsx'));
const Ledger = lazy(() => import('./ledger.tsx'));
const Settings = lazy(() => import('./settings.tsx'));
const Audit = lazy(() => import('./audit.tsx'));
const PaymentChannels = lazy(() => import('./payment-channels.tsx'));
const Reconciliation = lazy(() => import('./reconciliation.tsx'));
const Arbitration = lazy(() => import('../disputes/arbitration.tsx'));
const SiteSettings = lazy(() => import('./site.tsx'));
const DeadJobs = lazy(() => import('./jobs.tsx'));
const IdentityProviders = lazy(() => import('./identity-providers.tsx'));
const QualificationReview = lazy(() => import('../compliance/qualification-review.tsx'));
const BannedGoods = lazy(() => import('../compliance/banned-goods.tsx'));
const Levels = lazy(() => import('./levels.tsx'));
const Agents = lazy(() => import('../agents/admin.tsx'));

const pages: Record<string, () => React.ReactNode> = {
  '/admin': () => <Dashboard />,
  '/admin/reviews': () => <Reviews />,
  '/admin/withdrawals': () => <Withdrawals />,
  '/admin/catalog': () => <Catalog />,
  '/admin/users': () => <Users />,
  '/admin/orders': () => <Orders />,
  '/admin/ledger': () => <Ledger />,
  '/admin/settings': () => <Settings />,
  '/admin/site': () => <SiteSettings />,
  '/admin/jobs': () => <DeadJobs />,
  '/admin/audit': () => <Audit />,
  '/admin/payment-channels': () => <PaymentChannels />,
  '/admin/reconciliation': () => <Reconciliation />,
  '/admin/disputes': () => <Arbitration />,
  '/admin/identity': () => <IdentityProviders />,
  '/admin/qualifications': () => <QualificationReview />,
  '/admin/banned-goods': () => <BannedGoods />,
  '/admin/levels': () => <Levels />,
  '/admin/agents': () => <Agents />,
};

/** The operator console: every /admin/* path; loaded on demand, never part of the storefront's first load. */
export default function AdminConsole({ path }: { path: string }) {
  const t = useT();
  const tp = usePaymentsT();
  const ts = useSiteT();
  const tj = useJobsT();
  const ti = useIdentityT();
  const tc = useComplianceT();
  const tl = useLevelsT();
  const ta = useAgentsT();
  // payment channels hold the keys that move money: the server serves them to admins only
  const roles = useSession().me?.roles ?? [];
  const isAdmin = roles.includes('admin');
  const td = useDisputesT();
  const arbitration: MenuEntry = { path: '/admin/disputes', label: td('arbitration'), icon: <SafetyOutlined /> };
  const all: MenuEntry[] = [
    { path: '/admin', label: t('menu.dashboard'), icon: <DashboardOutlined /> },
    { path: '/admin/reviews', label: t('menu.reviews'), icon: <CheckSquareOutlined /> },
    { path: '/admin/withdrawals', label: t('menu.withdrawals'), icon: <MoneyCollectOutlined /> },
    { path: '/admin/qualifications', label: tc('menu.qualifications'), icon: <FileProtectOutlined /> },
    { path: '/admin/catalog', label: t('menu.catalog'), icon: <BookOutlined /> },
    { path: '/admin/banned-goods', label: tc('menu.bannedGoods'), icon: <StopOutlined /> },
    { path: '/admin/users', label: t('menu.users'), icon: <TeamOutlined /> },
    { path: '/admin/levels', label: tl('menu.levels'), icon: <CrownOutlined /> },
    { path: '/admin/agents', label: ta('menu.agents'), icon: <ApartmentOutlined /> },
    { path: '/admin/orders', label: t('menu.orders'), icon: <ShoppingOutlined /> },
    { path: '/admin/ledger', label: t('menu.ledger'), icon: <MoneyCollectOutlined /> },
    ...(isAdmin ? [{ path: '/admin/payment-channels', label: tp('menu.channels'), icon: <CreditCardOutlined /> }] : []),
    ...(isAdmin ? [{ path: '/admin/identity', label: ti('menu.identity'), icon: <IdcardOutlined /> }] : []),
    { path: '/admin/reconciliation', label: tp('menu.reconciliation'), icon: <ReconciliationOutlined /> },
    { path: '/admin/site', label: ts('menu.site'), icon: <GlobalOutlined /> },
    { path: '/admin/jobs', label: tj('menu.deadJobs'), icon: <ExceptionOutlined /> },
    { path: '/admin/settings', label: t('menu.settings'), icon: <SettingOutlined /> },
    { path: '/admin/audit', label: t('menu.audit'), icon: <AuditOutlined /> },
    arbitration,
  ];
  // an arbitrator who is not an operator sees the arbitration console only
  const entries = isAdmin || roles.includes('operator') ? all : [arbitration];
  const page = entries === all ? pages[path] : pages['/admin/disputes'];
  return (
    <RequireRole roles={['operator', 'arbitrator', 'admin']} forbiddenHint={t('forbiddenHint')}>
      <ConsoleLayout title={t('title')} entries={entries} path={path}>
        <Suspense fallback={<Spin style={{ display: 'block', padding: 48 }} />}>
          {page ? page() : <NotFoundPage />}
        </Suspense>
      </ConsoleLayout>
    </RequireRole>
  );
}
