import type { Role, UserContactDto, UserDto } from '@kameng/contracts';
import { App, Button, Card, Checkbox, Descriptions, Drawer, Input, Space, Tag } from 'antd';
import { useState } from 'react';
import { formatTime } from '../console/format.ts';
import { ErrorAlert, PageHeader } from '../console/layout.tsx';
import { useGet, useInvalidate, withParams } from '../console/query.ts';
import { RevealText } from '../console/reveal-text.tsx';
import { FilterSelect, ID_LINK, PagedTable, pageOf } from '../console/table.tsx';
import { ROLE_LIST } from '../console/types.ts';
import { useAction } from '../console/use-action.ts';
import { useI18n } from '../i18n/index.ts';
import { api } from '../lib/api.ts';
import { useSession } from '../lib/session.ts';
import { UserLevelCard } from '../members/user-level-card.tsx';
import { useT } from './messages.ts';
import { ReasonModal } from './reason-modal.tsx';

type Status = UserDto['status'];

export default function Users() {
  const t = useT();
  const { locale } = useI18n();
  const [q, setQ] = useState('');
  const [role, setRole] = useState<Role | undefined>();
  const [status, setStatus] = useState<Status | undefined>();
  const [page, setPage] = useState(1);
  const [openId, setOpenId] = useState<string | null>(null);
  const list = useGet<{ items: UserDto[]; total: number }>(
    withParams('/api/v1/admin/users', { q: q.trim(), role, status, page, pageSize: 20 }),
  );
  return (
    <>
      <PageHeader title={t('menu.users')} />
      <Card>
        <Space wrap style={{ marginBottom: 12 }}>
          <Input.Search
            allowClear
            placeholder={t('users.search')}
            onSearch={(v) => {
              setQ(v);
              setPage(1);
            }}
            style={{ width: 280 }}
            maxLength={254}
          />
          <FilterSelect<Role>
            value={role}
            onChange={(v) => {
              setRole(v);
              setPage(1);
            }}
            options={ROLE_LIST.map((r) => ({ value: r, label: t(`role.${r}`) }))}
            allLabel={t('users.anyRole')}
            label={t('users.roles')}
          />
          <FilterSelect<Status>
            value={status}
            onChange={(v) => {
              setStatus(v);
              setPage(1);
            }}
            options={(['active', 'frozen'] as const).map((s) => ({ value: s, label: t(`users.${s}`) }))}
            allLabel={t('common.all')}
            label={t('common.status')}
          />
        </Space>
        <ErrorAlert error={list.error} onRetry={() => list.refetch()} />
        <PagedTable<UserDto>
          {...pageOf(list, page, setPage)}
          scrollX={900}
          emptyText={t('users.none')}
          columns={[
            {
              title: t('users.account'),
              width: 240,
              key: 'account',
              render: (_, u) => (
                <Button type="link" style={ID_LINK} onClick={() => setOpenId(u.id)}>
                  {u.email ?? u.phone ?? u.id}
                </Button>
              ),
            },
            { title: t('common.id'), dataIndex: 'id', width: 220 },
            {
              title: t('users.roles'),
              width: 200,
              dataIndex: 'roles',
              render: (roles: Role[]) => roles.map((r) => <Tag key={r}>{t(`role.${r}`)}</Tag>),
            },
            {
              title: t('common.status'),
              dataIndex: 'status',
              width: 90,
              render: (s: Status) => <Tag color={s === 'active' ? 'green' : 'red'}>{t(`users.${s}`)}</Tag>,
            },
            {
              title: t('users.twoFa'),
              dataIndex: 'totpEnabled',
              width: 80,
              render: (v: boolean) => (v ? t('common.yes') : t('common.no')),
            },
            {
              title: t('users.registered'),
              dataIndex: 'createdAt',
              width: 170,
              render: (v: number) => formatTime(v, locale),
            },
          ]}
        />
      </Card>
      <UserDrawer id={openId} onClose={() => setOpenId(null)} />
    </>
  );
}

function UserDrawer(props: { id: string | null; onClose: () => void }) {
  const t = useT();
  const { locale } = useI18n();
  const { me } = useSession();
  const { message } = App.useApp();
  const invalidate = useInvalidate();
  const user = useGet<UserDto>(props.id ? `/api/v1/admin/users/${encodeURIComponent(props.id)}` : null);
  const [roles, setRoles] = useState<Role[] | null>(null);
  const [freezing, setFreezing] = useState(false);
  const { busy, error, run } = useAction();
  const u = user.data;
  const isAdmin = me?.roles.includes('admin') ?? false;
  const saveRoles = () =>
    run(async () => {
      if (!u || !roles) return;
      await api('PUT', `/api/v1/admin/users/${encodeURIComponent(u.id)}/roles`, { roles });
      message.success(t('users.rolesSaved'));
      setRoles(null);
      await invalidate('/api/v1/admin/users');
    });
  return (
    <Drawer
      open={props.id !== null}
      onClose={() => {
        setRoles(null);
        props.onClose();
      }}
      title={t('users.detail')}
      width={Math.min(520, window.innerWidth)}
    >
      <ErrorAlert error={user.error} onRetry={() => user.refetch()} />
      {u && (
        <>
          <Descriptions column={1} size="small" bordered>
            <Descriptions.Item label={t('common.id')}>{u.id}</Descriptions.Item>
            <Descriptions.Item label={t('users.email')}>
              {u.email ?? '—'}{' '}
              {u.email &&
                (u.emailVerified ? <Tag color="green">{t('users.verified')}</Tag> : <Tag>{t('users.unverified')}</Tag>)}
            </Descriptions.Item>
            <Descriptions.Item label={t('users.phone')}>
              {u.phone?.includes('*') ? (
                <RevealText
                  masked={u.phone}
                  testId="user-phone"
                  reveal={async () =>
                    (await api<UserContactDto>('POST', `/api/v1/admin/users/${encodeURIComponent(u.id)}/contact`)).phone
                  }
                />
              ) : (
                (u.phone ?? '—')
              )}{' '}
              {u.phone &&
                (u.phoneVerified ? <Tag color="green">{t('users.verified')}</Tag> : <Tag>{t('users.unverified')}</Tag>)}
            </Descriptions.Item>
            <Descriptions.Item label={t('users.twoFa')}>
              {u.totpEnabled ? t('common.yes') : t('common.no')}
            </Descriptions.Item>
            <Descriptions.Item label={t('common.status')}>
              <Tag color={u.status === 'active' ? 'green' : 'red'}>{t(`users.${u.status}`)}</Tag>
            </Descriptions.Item>
            <Descriptions.Item label={t('users.registered')}>{formatTime(u.createdAt, locale)}</Descriptions.Item>
          </Descriptions>
          <Card size="small" title={t('users.roles')} style={{ marginTop: 16 }}>
            <Checkbox.Group
              value={roles ?? u.roles}
              disabled={!isAdmin || u.id === me?.id}
              onChange={(v) => setRoles(v as Role[])}
              options={ROLE_LIST.map((r) => ({ value: r, label: t(`role.${r}`) }))}
            />
            <div style={{ marginTop: 12 }}>
              {isAdmin ? (
                <Button
                  type="primary"
                  size="small"
                  onClick={saveRoles}
                  loading={busy}
                  disabled={!roles || roles.length === 0}
                >
                  {t('users.saveRoles')}
                </Button>
              ) : (
                <span>{t('users.adminOnly')}</span>
              )}
            </div>
            <div style={{ marginTop: 8, color: '#888' }}>{t('users.rolesNote')}</div>
          </Card>
          <UserLevelCard userId={u.id} />
          <ErrorAlert error={error} style={{ marginTop: 12 }} />
          <Button
            style={{ marginTop: 16 }}
            danger={u.status === 'active'}
            disabled={u.id === me?.id}
            onClick={() => setFreezing(true)}
          >
            {u.status === 'active' ? t('users.freeze') : t('users.unfreeze')}
          </Button>
          <ReasonModal
            open={freezing}
            title={u.status === 'active' ? t('users.freezeTitle') : t('users.unfreezeTitle')}
            okText={t('common.confirm')}
            onClose={() => setFreezing(false)}
            onSubmit={async (reason) => {
              await api('PUT', `/api/v1/admin/users/${encodeURIComponent(u.id)}/status`, {
                status: u.status === 'active' ? 'frozen' : 'active',
                reason,
              });
              message.success(t('common.saved'));
              await invalidate('/api/v1/admin/users');
            }}
          />
        </>
      )}
    </Drawer>
  );
}
