import type { disputeDossierSchema } from '@kameng/contracts';
import { useQuery } from '@tanstack/react-query';
import { Alert, Card, Flex, Table, Tag, Typography } from 'antd';
import type { z } from 'zod';
import { errorText, useLocale } from '../i18n/index.ts';
import { api } from '../lib/api.ts';
import { formatTime } from '../lib/time.ts';
import { OPEN } from './case-view.tsx';
import { useDisputesT } from './messages.ts';
import { CaseQueue } from './queue.tsx';
import { StepForm } from './step-form.tsx';

type Dossier = z.infer<typeof disputeDossierSchema>;

/** The 仲裁 console: escalated cases first; each with its key record, both sides' scores and a ruling form. */
export default function Arbitration() {
  const t = useDisputesT();
  return (
    <CaseQueue
      title={t('arbitration')}
      listPath="/api/v1/admin/disputes"
      awaiting="escalated"
      actions={(c) =>
        OPEN.includes(c.status) ? (
          <StepForm
            c={c}
            url={`/api/v1/admin/disputes/${encodeURIComponent(c.id)}/rule`}
            textField="ruling"
            title="rule"
            submit="rule"
            chooseRefundTo
          />
        ) : null
      }
      extra={(id) => <DossierCard id={id} />}
    />
  );
}

function DossierCard({ id }: { id: string }) {
  const t = useDisputesT();
  const { locale } = useLocale();
  const d = useQuery({
    queryKey: ['disputes', 'dossier', id],
    queryFn: () => api<Dossier>('GET', `/api/v1/admin/disputes/${encodeURIComponent(id)}/dossier`),
  });
  if (d.isError) return <Alert type="error" showIcon message={errorText(t, d.error)} />;
  const x = d.data;
  return (
    <Card size="small" title={t('dossier')} loading={d.isPending} style={{ marginTop: 12 }}>
      {x && (
        <Flex vertical gap={8}>
          <Table
            rowKey="keyId"
            size="small"
            pagination={false}
            scroll={{ x: 'max-content' }}
            dataSource={x.keys}
            columns={[
              {
                title: t('keys'),
                render: (_, k) => (
                  <>
                    <Typography.Text code>{k.masked}</Typography.Text>{' '}
                    {k.claimed && <Tag color="red">{t('dossier.claimed')}</Tag>}
                  </>
                ),
              },
              { title: t('dossier.batch'), render: (_, k) => `${k.batchId.slice(-8)} · ${k.batchSource}` },
              { title: t('dossier.imported'), render: (_, k) => formatTime(k.importedAt, locale) },
              {
                title: t('dossier.revealed'),
                render: (_, k) => (k.revealedAt === null ? t('dossier.never') : formatTime(k.revealedAt, locale)),
              },
              {
                title: t('dossier.elsewhere'),
                render: (_, k) =>
                  k.soldElsewhere > 0 ? (
                    <Tag color="volcano">{`${k.soldElsewhere} (${k.soldElsewhereBefore})`}</Tag>
                  ) : (
                    0
                  ),
              },
            ]}
          />
          <Typography.Text type="secondary">
            {t('dossier.supplierKeys', {
              sold: x.supplierKeys.soldKeys,
              voided: x.supplierKeys.voidedUnsold,
              replaced: x.supplierKeys.replacedAfterSale,
            })}
          </Typography.Text>
          <Typography.Text strong>{t('scores')}</Typography.Text>
          {(
            [
              ['buyerScore', x.buyer],
              ['supplierScore', x.supplier],
            ] as const
          ).map(([label, s]) => (
            <div key={label}>
              <Tag color={s.score >= 60 ? 'red' : s.score >= 40 ? 'orange' : 'green'}>
                {t(label, { score: s.score })}
              </Tag>
              {s.reasons.map((r) => (
                <Typography.Paragraph key={r} type="secondary" style={{ margin: 0 }}>
                  {r}
                </Typography.Paragraph>
              ))}
            </div>
          ))}
          {x.standings
            .filter((s) => s.liftedAt === null)
            .map((s) => (
              <Tag key={`${s.userId}:${s.action}`} color="magenta">
                {t('standing', { action: s.action })}
              </Tag>
            ))}
        </Flex>
      )}
    </Card>
  );
}
