import { Button, Card, Flex, Result, Skeleton, Tabs, Typography } from 'antd';
import { lazy, Suspense } from 'react';
import { useBuyerT } from './messages.ts';
import { useDateLocale } from '../lib/date-locale.ts';
import { linkTo, navigate, withQuery } from '../lib/router.ts';
import { displayName, useLogout, useSession } from '../lib/session.ts';
import BuyerDisputes from '../disputes/buyer.tsx';
import { KeyReturnPage } from '../disputes/key-return.tsx';
import { consolesOf } from '../storefront/site-header.tsx';
import { LevelPage } from '../members/level-page.tsx';
import { ApplyPage } from './apply-page.tsx';
import { useIsAgent } from '../lib/agent.ts';

const AgentApplyPage = lazy(() => import('../agents/apply-page.tsx'));
import { OrdersPage } from './orders-page.tsx';
import { SecurityPage } from './security-page.tsx';
import { WalletPage } from './wallet-page.tsx';

const SECTIONS = ['orders', 'disputes', 'wallet', 'level', 'security', 'apply', 'agent'] as const;
type Section = (typeof SECTIONS)[number];

/** The buyer centre: every /account/* path; its own chunk, loaded when a signed-in buyer opens it. */
export default function BuyerCentre({ path }: { path: string }) {
  const t = useBuyerT();
  const { me } = useSession();
  const { logout, leaving } = useLogout();
  const agent = useIsAgent(!!me);
  useDateLocale();
  const caseId = /^\/account\/disputes\/([^/]+)$/.exec(path)?.[1];
  // an order's unviewed keys go back from /account/returns/<order>, under 售后
  const returnOf = /^\/account\/returns\/([^/]+)$/.exec(path)?.[1];
  const section =
    SECTIONS.find((s) => path === `/account/${s}`) ??
    (path === '/account' ? 'orders' : caseId || returnOf ? 'disputes' : null);
  if (me === undefined) return <Skeleton active />;
  // a supplier or operator already has a console: 供货商入驻 is only for those who have not
  const consoles = consolesOf(me, agent);
  const sections = SECTIONS.filter((s) => s !== 'apply' || consolesOf(me).length === 0);
  if (me === null) {
    return (
      <Result
        status="info"
        title={t('buyer.signIn')}
        extra={
          <Button type="primary" {...linkTo(withQuery('/login', { next: path }))}>
            {t('login')}
          </Button>
        }
      />
    );
  }
  if (!section) {
    return (
      <Result
        status="404"
        title={t('notFound')}
        extra={<Button {...linkTo('/account/orders')}>{t('nav.account')}</Button>}
      />
    );
  }
  return (
    <Flex vertical gap={12}>
      <Card size="small" styles={{ body: { padding: '8px 12px 0' } }}>
        <Flex justify="space-between" align="center" gap={8}>
          <Typography.Text type="secondary" ellipsis style={{ minWidth: 0 }}>
            {t('signedInAs', { name: displayName(me, t('thirdPartyAccount')) })}
          </Typography.Text>
          <Flex gap={8} wrap justify="end">
            {consoles.map((c) => (
              <Button key={c.path} size="small" type="primary" {...linkTo(c.path)}>
                {t(c.key)}
              </Button>
            ))}
            <Button size="small" onClick={logout} loading={leaving}>
              {t('logout')}
            </Button>
          </Flex>
        </Flex>
        <Tabs
          activeKey={section}
          onChange={(key) => navigate(`/account/${key}`)}
          items={sections.map((s) => ({ key: s, label: t(`buyer.${s}`) }))}
          style={{ marginBottom: 0 }}
          tabBarStyle={{ marginBottom: 0 }}
        />
      </Card>
      {returnOf ? (
        <KeyReturnPage orderId={decodeURIComponent(returnOf)} />
      ) : (
        <SectionPage section={section} caseId={caseId ? decodeURIComponent(caseId) : undefined} />
      )}
    </Flex>
  );
}

function SectionPage({ section, caseId }: { section: Section; caseId?: string | undefined }) {
  if (section === 'orders') return <OrdersPage />;
  if (section === 'disputes') return <BuyerDisputes id={caseId} />;
  if (section === 'wallet') return <WalletPage />;
  if (section === 'level') return <LevelPage />;
  if (section === 'security') return <SecurityPage />;
  if (section === 'agent')
    return (
      <Suspense fallback={<Skeleton active />}>
        <AgentApplyPage />
      </Suspense>
    );
  return <ApplyPage />;
}
