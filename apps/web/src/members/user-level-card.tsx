import type { UserLevelDto } from '@kameng/contracts';
import { App, Button, Card, Descriptions, Flex, Select } from 'antd';
import { useState } from 'react';
import { formatCents } from '../console/format.ts';
import { ErrorAlert } from '../console/layout.tsx';
import { useGet, useInvalidate } from '../console/query.ts';
import { useAction } from '../console/use-action.ts';
import { api } from '../lib/api.ts';
import { useLevelsT } from './messages.ts';

/** A user's member level in the operator's user detail: what he is at, why, his spend; grant another (audited). */
export function UserLevelCard({ userId }: { userId: string }) {
  const t = useLevelsT();
  const { message } = App.useApp();
  const path = `/api/v1/admin/users/${encodeURIComponent(userId)}/level`;
  const level = useGet<UserLevelDto>(path);
  const invalidate = useInvalidate();
  const [grant, setGrant] = useState<string | null | undefined>(undefined);
  const { busy, error, run } = useAction();
  const d = level.data;
  const save = () =>
    run(async () => {
      await api('PUT', path, { levelId: grant ?? null });
      message.success(t('userLevel.saved'));
      setGrant(undefined);
      await invalidate(path);
    });
  return (
    <Card size="small" title={t('userLevel.title')} style={{ marginTop: 16 }} data-testid="user-level">
      <ErrorAlert error={level.error ?? error} onRetry={() => level.refetch()} />
      {d && (
        <Flex vertical gap={12}>
          <Descriptions column={1} size="small">
            <Descriptions.Item label={t('userLevel.current')}>
              {d.level ? `${d.level.name}（${t(`userLevel.source.${d.source ?? 'spend'}`)}）` : t('userLevel.none')}
            </Descriptions.Item>
            <Descriptions.Item label={t('userLevel.spend')}>{formatCents(d.spendCents)}</Descriptions.Item>
          </Descriptions>
          <Flex gap={8} wrap>
            <Select<string>
              style={{ minWidth: 200 }}
              aria-label={t('userLevel.grant')}
              value={(grant === undefined ? d.grantedLevelId : grant) ?? ''}
              onChange={(v) => setGrant(v === '' ? null : v)}
              options={[
                { value: '', label: t('userLevel.noGrant') },
                ...d.levels.map((l) => ({ value: l.id, label: l.name })),
              ]}
            />
            <Button type="primary" onClick={save} loading={busy} disabled={grant === undefined}>
              {t('userLevel.save')}
            </Button>
          </Flex>
        </Flex>
      )}
    </Card>
  );
}
