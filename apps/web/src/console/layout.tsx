import { MenuFoldOutlined, MenuUnfoldOutlined } from '@ant-design/icons';
import type { Role } from '@kameng/contracts';
import { Alert, Button, Flex, Grid, Layout, Menu, Result, Spin, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useState } from 'react';
import { ApiFailure } from '../lib/api.ts';
import { useDateLocale } from '../lib/date-locale.ts';
import { linkTo, navigate } from '../lib/router.ts';
import { useSession } from '../lib/session.ts';
import { errorText, useCommonT } from './i18n.ts';

export interface MenuEntry {
  path: string;
  label: string;
  icon: ReactNode;
}

/** The entry whose path is the longest prefix of `path` (so /supplier/products/x keeps "Products" lit). */
export function activeEntry(entries: readonly MenuEntry[], path: string): MenuEntry | undefined {
  return entries
    .filter((e) => path === e.path || path.startsWith(`${e.path}/`))
    .sort((a, b) => b.path.length - a.path.length)[0];
}

/** A console page frame: a side menu (folded on a tablet) and the page. */
export function ConsoleLayout(props: {
  title: string;
  entries: readonly MenuEntry[];
  path: string;
  children: ReactNode;
}) {
  const screens = Grid.useBreakpoint();
  const narrow = !screens.lg;
  const [folded, setFolded] = useState<boolean | null>(null);
  const collapsed = folded ?? narrow;
  const active = activeEntry(props.entries, props.path);
  const t = useCommonT();
  useDateLocale();
  return (
    <Layout style={{ minHeight: 'calc(100vh - 64px)' }}>
      <Layout.Sider
        theme="light"
        width={200}
        collapsedWidth={56}
        collapsed={collapsed}
        style={{ borderRight: '1px solid #f0f0f0' }}
      >
        <Flex align="center" justify={collapsed ? 'center' : 'space-between'} style={{ padding: '12px 12px 4px' }}>
          {!collapsed && (
            <Typography.Text strong ellipsis>
              {props.title}
            </Typography.Text>
          )}
          <Button
            type="text"
            size="small"
            aria-label={t('console.menu')}
            icon={collapsed ? <MenuUnfoldOutlined /> : <MenuFoldOutlined />}
            onClick={() => setFolded(!collapsed)}
          />
        </Flex>
        <Menu
          mode="inline"
          selectedKeys={active ? [active.path] : []}
          items={props.entries.map((e) => ({
            key: e.path,
            icon: e.icon,
            label: (
              <a href={e.path} onClick={(ev) => ev.preventDefault()}>
                {e.label}
              </a>
            ),
          }))}
          onClick={({ key }) => navigate(key)}
          style={{ borderInlineEnd: 0 }}
        />
      </Layout.Sider>
      <Layout.Content style={{ padding: narrow ? 12 : 24, minWidth: 0 }}>{props.children}</Layout.Content>
    </Layout>
  );
}

/**
 * What a console shows instead of itself while two-step sign-in is off: the server answers every
 * supplier and operator route with TWO_FACTOR_REQUIRED until it is on (PROMISES #24).
 */
export function TwoFactorRequired() {
  const t = useCommonT();
  return (
    <Result
      status="warning"
      title={t('console.need2fa')}
      subTitle={t('console.need2faHint')}
      extra={
        <Button type="primary" {...linkTo('/account/security')}>
          {t('console.turnOn2fa')}
        </Button>
      }
    />
  );
}

const isTwoFactorRequired = (err: unknown) => err instanceof ApiFailure && err.code === 'TWO_FACTOR_REQUIRED';

/** Shows the console only to a signed-in account holding one of `roles`; explains what to do otherwise. */
export function RequireRole(props: { roles: readonly Role[]; forbiddenHint: ReactNode; children: ReactNode }) {
  const { me } = useSession();
  const t = useCommonT();
  if (me === undefined) return <Spin style={{ display: 'block', padding: 48 }} />;
  if (me === null) {
    return (
      <Result
        status="403"
        title={t('console.needLogin')}
        subTitle={t('console.needLoginHint')}
        extra={
          <Button type="primary" {...linkTo(`/login?next=${encodeURIComponent(location.pathname)}`)}>
            {t('console.signIn')}
          </Button>
        }
      />
    );
  }
  if (!props.roles.some((r) => me.roles.includes(r))) {
    return (
      <Result
        status="403"
        title={t('console.forbidden')}
        subTitle={props.forbiddenHint}
        extra={<Button {...linkTo('/')}>{t('console.backHome')}</Button>}
      />
    );
  }
  // every console role needs a second factor; the server refuses without one, so say so before asking it
  if (!me.totpEnabled) return <TwoFactorRequired />;
  return <>{props.children}</>;
}

/** A page title with actions on the right; wraps under the title on a narrow screen. */
export function PageHeader(props: { title: ReactNode; extra?: ReactNode; sub?: ReactNode }) {
  return (
    <Flex wrap gap={12} align="center" justify="space-between" style={{ marginBottom: 16 }}>
      <div>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {props.title}
        </Typography.Title>
        {props.sub && <Typography.Text type="secondary">{props.sub}</Typography.Text>}
      </div>
      {props.extra && (
        <Flex wrap gap={8}>
          {props.extra}
        </Flex>
      )}
    </Flex>
  );
}

/** An API failure, translated, where the thing that failed is; with a retry when there is one. */
export function ErrorAlert(props: { error: unknown; onRetry?: () => void; style?: React.CSSProperties }) {
  const t = useCommonT();
  if (!props.error) return null;
  // the session's 2FA changed under an open console (e.g. in another tab): explain, with the way out
  if (isTwoFactorRequired(props.error)) return <TwoFactorRequired />;
  return (
    <Alert
      type="error"
      showIcon
      role="alert"
      message={errorText(t, props.error)}
      style={{ marginBottom: 16, ...props.style }}
      action={
        props.onRetry && (
          <Button size="small" onClick={props.onRetry}>
            {t('common.retry')}
          </Button>
        )
      }
    />
  );
}

export function NotFoundPage() {
  const t = useCommonT();
  return <Result status="404" title={t('console.notFound')} subTitle={t('console.notFoundHint')} />;
}
