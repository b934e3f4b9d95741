import type { myIdentitiesSchema, OauthProvider } from '@kameng/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Flex, Form, Input, List, Modal, Popconfirm, Skeleton, Tag, Typography } from 'antd';
import { useState } from 'react';
import type { z } from 'zod';
import { oauthStartUrl, PROVIDER_ICON, useOauthProviders } from '../account/third-party.tsx';
import { errorText, useLocale } from '../i18n/index.ts';
import { ApiFailure, api } from '../lib/api.ts';
import { navigate, useSearch } from '../lib/router.ts';
import { useSession } from '../lib/session.ts';
import { formatTime } from '../lib/time.ts';
import { useBuyerT } from './messages.ts';

type Identities = z.infer<typeof myIdentitiesSchema>;

export function useMyIdentities() {
  return useQuery({ queryKey: ['me-oauth'], queryFn: () => api<Identities>('GET', '/api/v1/me/oauth') });
}

/** WeChat and QQ bound to this account: bind (through the provider) and unbind (never the last way in). */
export function ThirdPartyCard() {
  const t = useBuyerT();
  const { locale } = useLocale();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const justBound = useSearch().get('bound');
  const providers = useOauthProviders().data?.items ?? [];
  const mine = useMyIdentities();
  const unbind = useMutation({
    mutationFn: (p: OauthProvider) => api('DELETE', `/api/v1/me/oauth/${p}`),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['me-oauth'] });
      message.success(t('security.unbound'));
    },
    onError: (err) => message.error(errorText(t, err)),
  });
  if (providers.length === 0 && (mine.data?.items.length ?? 0) === 0) return null;
  const bound = new Map((mine.data?.items ?? []).map((i) => [i.provider, i]));
  const rows = (['wechat', 'qq'] as const).filter((p) => bound.has(p) || providers.some((x) => x.provider === p));
  return (
    <Card size="small" title={t('security.thirdParty')}>
      {justBound && <Alert type="success" showIcon message={t('security.justBound')} style={{ marginBottom: 12 }} />}
      {mine.isLoading ? (
        <Skeleton active paragraph={{ rows: 1 }} />
      ) : (
        <List
          size="small"
          dataSource={rows}
          renderItem={(p) => {
            const id = bound.get(p);
            const last = id && !mine.data?.hasPassword && bound.size <= 1;
            return (
              <List.Item>
                <Flex justify="space-between" align="center" gap={8} wrap style={{ width: '100%' }}>
                  <Typography.Text>
                    {PROVIDER_ICON[p]} {t(p === 'wechat' ? 'security.wechat' : 'security.qq')}{' '}
                    {id ? (
                      <Tag color="green">
                        {t('security.boundAs', { name: id.nickname ?? '—', time: formatTime(id.createdAt, locale) })}
                      </Tag>
                    ) : (
                      <Tag>{t('security.notBound')}</Tag>
                    )}
                  </Typography.Text>
                  {id ? (
                    <Popconfirm
                      title={t('security.unbindQuestion')}
                      onConfirm={() => unbind.mutate(p)}
                      disabled={!!last}
                    >
                      <Button size="small" danger disabled={!!last} title={last ? t('security.lastWay') : undefined}>
                        {t('security.unbind')}
                      </Button>
                    </Popconfirm>
                  ) : (
                    <Button size="small" href={oauthStartUrl(p, 'bind', '/account/security')}>
                      {t('security.bind')}
                    </Button>
                  )}
                </Flex>
              </List.Item>
            );
          }}
        />
      )}
    </Card>
  );
}

/** PIPL: a copy of my data, and closing the account. */
export function PrivacyCard() {
  const t = useBuyerT();
  const { signOut } = useSession();
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const download = async () => {
    const data = await api<unknown>('GET', '/api/v1/me/export');
    const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = 'kameng-my-data.json';
    a.click();
    URL.revokeObjectURL(url);
  };
  const close = async (v: { password?: string }) => {
    setBusy(true);
    setError(null);
    try {
      if (v.password) await api('POST', '/api/v1/auth/reauth', { password: v.password });
      await api('POST', '/api/v1/me/close', {});
      await signOut().catch(() => {});
      navigate('/');
    } catch (err) {
      setError(
        err instanceof ApiFailure && err.code === 'REAUTH_REQUIRED' ? t('security.closeReauth') : errorText(t, err),
      );
      setBusy(false);
    }
  };
  return (
    <Card size="small" title={t('security.privacy')}>
      <Flex gap={8} wrap>
        <Button onClick={() => void download()}>{t('security.export')}</Button>
        <Button danger onClick={() => setOpen(true)}>
          {t('security.close')}
        </Button>
      </Flex>
      <Modal open={open} title={t('security.close')} onCancel={() => setOpen(false)} footer={null} destroyOnHidden>
        <Typography.Paragraph>{t('security.closeHint')}</Typography.Paragraph>
        <Form<{ password?: string }> layout="vertical" onFinish={close} requiredMark={false}>
          <Form.Item name="password" label={t('security.currentPassword')}>
            <Input.Password autoComplete="current-password" maxLength={128} />
          </Form.Item>
          {error && <Alert type="error" showIcon message={error} role="alert" style={{ marginBottom: 16 }} />}
          <Button type="primary" danger htmlType="submit" block loading={busy}>
            {t('security.closeSubmit')}
          </Button>
        </Form>
      </Modal>
    </Card>
  );
}
