import type { BannedGoodsClass } from '@kameng/contracts';
import { App, Button, Card, Flex, Input, Space, Typography } from 'antd';
import { useState } from 'react';
import { ErrorAlert, PageHeader } from '../console/layout.tsx';
import { useGet, useInvalidate } from '../console/query.ts';
import { useAction } from '../console/use-action.ts';
import { api } from '../lib/api.ts';
import { useComplianceT } from './messages.ts';

interface Row {
  name: string;
  keywords: string;
}

const toRows = (classes: BannedGoodsClass[]): Row[] =>
  classes.map((c) => ({ name: c.name, keywords: c.keywords.join('\n') }));

/** Operators keep the classes of banned goods (盗版软件, 游戏外挂 …) and the keywords that give a listing away. */
export default function BannedGoods() {
  const t = useComplianceT();
  const { message } = App.useApp();
  const invalidate = useInvalidate();
  const current = useGet<{ classes: BannedGoodsClass[] }>('/api/v1/admin/banned-goods');
  const [rows, setRows] = useState<Row[] | null>(null);
  const { busy, error, run } = useAction();
  const shown = rows ?? toRows(current.data?.classes ?? []);
  const edit = (i: number, patch: Partial<Row>) => setRows(shown.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const save = () =>
    run(async () => {
      const classes = shown
        .map((r) => ({
          name: r.name.trim(),
          keywords: [
            ...new Set(
              r.keywords
                .split(/\r?\n|[,，]/)
                .map((k) => k.trim())
                .filter(Boolean),
            ),
          ],
        }))
        .filter((c) => c.name && c.keywords.length > 0);
      await api('PUT', '/api/v1/admin/banned-goods', { classes });
      message.success(t('b.saved'));
      setRows(null);
      await invalidate('/api/v1/admin/banned-goods');
    });
  return (
    <>
      <PageHeader title={t('menu.bannedGoods')} sub={t('b.sub')} />
      <ErrorAlert error={current.error} onRetry={() => current.refetch()} />
      <Flex vertical gap={12}>
        {shown.length === 0 && <Typography.Paragraph type="secondary">{t('b.empty')}</Typography.Paragraph>}
        {shown.map((r, i) => (
          <Card
            // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place and have no id until saved
            key={i}
            size="small"
            title={
              <Input
                aria-label={t('b.class')}
                placeholder={t('b.class')}
                value={r.name}
                maxLength={50}
                onChange={(e) => edit(i, { name: e.target.value })}
                style={{ maxWidth: 260 }}
              />
            }
            extra={
              <Button danger size="small" onClick={() => setRows(shown.filter((_, j) => j !== i))}>
                {t('b.remove')}
              </Button>
            }
          >
            <Input.TextArea
              aria-label={t('b.keywords')}
              placeholder={t('b.keywords')}
              value={r.keywords}
              autoSize={{ minRows: 3, maxRows: 10 }}
              onChange={(e) => edit(i, { keywords: e.target.value })}
            />
          </Card>
        ))}
        <ErrorAlert error={error} />
        <Space>
          <Button onClick={() => setRows([...shown, { name: '', keywords: '' }])}>{t('b.add')}</Button>
          <Button type="primary" loading={busy} disabled={rows === null} onClick={save}>
            {t('common.save')}
          </Button>
        </Space>
      </Flex>
    </>
  );
}
