import {
  AppstoreOutlined,
  CustomerServiceOutlined,
  DashboardOutlined,
  FileProtectOutlined,
  SendOutlined,
  ShoppingOutlined,
  WalletOutlined,
} from '@ant-design/icons';
import { lazy, Suspense } from 'react';
import { Spin } from 'antd';
import { linkTo } from '../lib/router.ts';
import { ConsoleLayout, type MenuEntry, NotFoundPage, RequireRole } from '../console/layout.tsx';
import { useDisputesT } from '../disputes/messages.ts';
import { useComplianceT } from '../compliance/messages.ts';
import { useT } from './messages.ts';

const Dashboard = lazy(() => import('./dashboard.tsx'));
const Products = lazy(() => import('./products.tsx'));
const ProductForm = lazy(() => import('./product-form.tsx'));
const CardKeys = lazy(() => import('./card-keys.tsx'));
const Orders = lazy(() => import('./orders.tsx'));
const Money = lazy(() => import('./money.tsx'));
const Disputes = lazy(() => import('../disputes/supplier-queue.tsx'));
const Qualifications = lazy(() => import('../compliance/my-qualifications.tsx'));
const Prices = lazy(() => import('../members/supplier-prices.tsx'));

/** Which page a /supplier/* path shows, and its parameter. */
function route(path: string): { page: keyof typeof pages; id?: string } | null {
  if (path === '/supplier') return { page: 'dashboard' };
  if (path === '/supplier/products') return { page: 'products' };
  if (path === '/supplier/products/new') return { page: 'productForm' };
  let m = /^\/supplier\/products\/([^/]+)\/keys$/.exec(path);
  if (m?.[1]) return { page: 'cardKeys', id: decodeURIComponent(m[1]) };
  m = /^\/supplier\/products\/([^/]+)\/prices$/.exec(path);
  if (m?.[1]) return { page: 'prices', id: decodeURIComponent(m[1]) };
  m = /^\/supplier\/products\/([^/]+)$/.exec(path);
  if (m?.[1]) return { page: 'productForm', id: decodeURIComponent(m[1]) };
  if (path === '/supplier/orders') return { page: 'orders' };
  if (path === '/supplier/delivery') return { page: 'delivery' };
  if (path === '/supplier/money') return { page: 'money' };
  if (path === '/supplier/qualifications') return { page: 'qualifications' };
  if (path === '/supplier/disputes' || path.startsWith('/supplier/disputes/')) return { page: 'disputes' };
  return null;
}

const pages = {
  dashboard: () => <Dashboard />,
  products: () => <Products />,
  productForm: (id?: string) => <ProductForm id={id} />,
  cardKeys: (id?: string) => <CardKeys productId={id ?? ''} />,
  prices: (id?: string) => <Prices productId={id ?? ''} />,
  orders: () => <Orders queue={false} />,
  delivery: () => <Orders queue />,
  money: () => <Money />,
  disputes: () => <Disputes />,
  qualifications: () => <Qualifications />,
};

/** The supplier console: every /supplier/* path; loaded on demand, never part of the storefront's first load. */
export default function SupplierConsole({ path }: { path: string }) {
  const t = useT();
  const td = useDisputesT();
  const tc = useComplianceT();
  const entries: MenuEntry[] = [
    { path: '/supplier', label: t('menu.dashboard'), icon: <DashboardOutlined /> },
    { path: '/supplier/products', label: t('menu.products'), icon: <AppstoreOutlined /> },
    { path: '/supplier/orders', label: t('menu.orders'), icon: <ShoppingOutlined /> },
    { path: '/supplier/delivery', label: t('menu.delivery'), icon: <SendOutlined /> },
    { path: '/supplier/money', label: t('menu.money'), icon: <WalletOutlined /> },
    { path: '/supplier/disputes', label: td('menu'), icon: <CustomerServiceOutlined /> },
    { path: '/supplier/qualifications', label: tc('menu.myQualifications'), icon: <FileProtectOutlined /> },
  ];
  const r = route(path);
  return (
    <RequireRole
      roles={['supplier']}
      forbiddenHint={
        <>
          {t('forbiddenHint')} <a {...linkTo('/account/apply')}>{t('applyLink')}</a>
        </>
      }
    >
      <ConsoleLayout title={t('title')} entries={entries} path={path}>
        <Suspense fallback={<Spin style={{ display: 'block', padding: 48 }} />}>
          {r ? pages[r.page](r.id) : <NotFoundPage />}
        </Suspense>
      </ConsoleLayout>
    </RequireRole>
  );
}
