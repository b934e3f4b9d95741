import type { CategoryNodeDto, QualificationDto, QualificationType } from '@kameng/contracts';
import { QUALIFICATION_TYPES } from '@kameng/contracts';
import { App, Button, Card, Descriptions, Flex, Select, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { formatTime } from '../console/format.ts';
import { errorText } from '../console/i18n.ts';
import { ErrorAlert, PageHeader } from '../console/layout.tsx';
import { useGet, useInvalidate, withParams } from '../console/query.ts';
import { FilterSelect, PagedTable, pageOf } from '../console/table.tsx';
import { useAction } from '../console/use-action.ts';
import { ReasonModal } from '../admin/reason-modal.tsx';
import { useI18n } from '../i18n/index.ts';
import { type ApiError, ApiFailure, api } from '../lib/api.ts';
import { useComplianceT } from './messages.ts';
import { STATUS_COLOR } from './status.ts';

type Status = QualificationDto['status'];

/** Opens a document through the operator's session: the server sends it as an attachment, audited. */
async function openDocument(q: QualificationDto) {
  const res = await fetch(`/api/v1/admin/qualifications/${encodeURIComponent(q.id)}/document`, {
    credentials: 'same-origin',
  });
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as { error?: ApiError } | null;
    throw new ApiFailure(
      res.status,
      body?.error ?? { code: `HTTP_${res.status}`, message: res.statusText, details: null },
    );
  }
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = q.document?.fileName ?? q.id;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export default function QualificationReview() {
  const t = useComplianceT();
  return (
    <>
      <PageHeader title={t('menu.qualifications')} />
      <Flex vertical gap={12}>
        <Card>
          <Queue />
        </Card>
        <Requirements />
      </Flex>
    </>
  );
}

function Queue() {
  const t = useComplianceT();
  const { locale } = useI18n();
  const { message, modal } = App.useApp();
  const invalidate = useInvalidate();
  const [status, setStatus] = useState<Status | undefined>('pending');
  const [page, setPage] = useState(1);
  const [rejecting, setRejecting] = useState<QualificationDto | null>(null);
  const [busyId, setBusyId] = useState<string | null>(null);
  const list = useGet<{ items: QualificationDto[]; total: number }>(
    withParams('/api/v1/admin/qualifications', { status, page, pageSize: 20 }),
  );
  const act = async (id: string, f: () => Promise<void>) => {
    setBusyId(id);
    try {
      await f();
    } catch (err) {
      message.error(errorText(t, err));
    } finally {
      setBusyId(null);
    }
  };
  const reveal = (q: QualificationDto) =>
    act(q.id, async () => {
      const r = await api<{ holderName: string; idNumber: string }>(
        'POST',
        `/api/v1/admin/qualifications/${encodeURIComponent(q.id)}/reveal`,
      );
      modal.info({
        title: t('q.revealTitle'),
        content: (
          <Descriptions column={1} size="small">
            <Descriptions.Item label={t('q.holderShort')}>{r.holderName}</Descriptions.Item>
            <Descriptions.Item label={t('q.idShort')}>{r.idNumber}</Descriptions.Item>
          </Descriptions>
        ),
      });
    });
  const approve = (q: QualificationDto) =>
    act(q.id, async () => {
      await api('POST', `/api/v1/admin/qualifications/${encodeURIComponent(q.id)}/approve`, {});
      message.success(t('q.approvedOk'));
      await invalidate('/api/v1/admin/qualifications');
    });
  return (
    <>
      <FilterSelect<Status>
        value={status}
        onChange={(v) => {
          setStatus(v);
          setPage(1);
        }}
        options={(['pending', 'approved', 'rejected', 'expired', 'awaiting_document'] as const).map((s) => ({
          value: s,
          label: t(`q.status.${s}`),
        }))}
        allLabel={t('common.all')}
        label={t('common.status')}
      />
      <ErrorAlert error={list.error} onRetry={() => list.refetch()} style={{ marginTop: 12 }} />
      <PagedTable<QualificationDto>
        style={{ marginTop: 12 }}
        {...pageOf(list, page, setPage)}
        scrollX={1100}
        emptyText={t('common.none')}
        expandable={{
          rowExpandable: (q) => !!q.note || !!q.reason,
          expandedRowRender: (q) => (
            <>
              {q.note && <Typography.Paragraph>{q.note}</Typography.Paragraph>}
              {q.reason && (
                <Typography.Paragraph type="secondary">{t('q.reason', { reason: q.reason })}</Typography.Paragraph>
              )}
            </>
          ),
        }}
        columns={[
          { title: t('q.type'), dataIndex: 'type', width: 150, render: (v: QualificationType) => t(`q.type.${v}`) },
          { title: t('q.supplier'), dataIndex: 'supplierId', width: 210 },
          { title: t('q.holderShort'), dataIndex: 'holderNameMasked', width: 120 },
          { title: t('q.idShort'), dataIndex: 'idNumberMasked', width: 190 },
          { title: t('q.expires'), dataIndex: 'expiresAt', width: 170, render: (v: number) => formatTime(v, locale) },
          {
            title: t('common.status'),
            dataIndex: 'status',
            width: 100,
            render: (s: Status) => <Tag color={STATUS_COLOR[s]}>{t(`q.status.${s}`)}</Tag>,
          },
          {
            title: t('common.actions'),
            key: 'a',
            width: 330,
            fixed: 'right',
            render: (_, q) => (
              <Space wrap>
                {q.document && (
                  <Button size="small" onClick={() => act(q.id, () => openDocument(q))}>
                    {t('q.open')}
                  </Button>
                )}
                <Button size="small" onClick={() => reveal(q)}>
                  {t('q.reveal')}
                </Button>
                {q.status === 'pending' && (
                  <>
                    <Button size="small" type="primary" loading={busyId === q.id} onClick={() => approve(q)}>
                      {t('q.approve')}
                    </Button>
                    <Button size="small" danger onClick={() => setRejecting(q)}>
                      {t('q.reject')}
                    </Button>
                  </>
                )}
              </Space>
            ),
          },
        ]}
      />
      <ReasonModal
        open={rejecting !== null}
        title={t('q.rejectTitle', { type: rejecting ? t(`q.type.${rejecting.type}`) : '' })}
        okText={t('q.reject')}
        onClose={() => setRejecting(null)}
        onSubmit={async (reason) => {
          if (!rejecting) return;
          await api('POST', `/api/v1/admin/qualifications/${encodeURIComponent(rejecting.id)}/reject`, { reason });
          message.success(t('q.rejectedOk'));
          await invalidate('/api/v1/admin/qualifications');
        }}
      />
    </>
  );
}

function flatten(nodes: readonly CategoryNodeDto[], prefix = ''): { value: string; label: string }[] {
  return nodes.flatMap((n) => [
    { value: n.id, label: `${prefix}${n.name}` },
    ...flatten(n.children, `${prefix}${n.name} / `),
  ]);
}

function Requirements() {
  const t = useComplianceT();
  const { message } = App.useApp();
  const invalidate = useInvalidate();
  const tree = useGet<{ items: CategoryNodeDto[] }>('/api/v1/categories');
  const reqs = useGet<{ items: { categoryId: string; categoryName: string; qualificationType: QualificationType }[] }>(
    '/api/v1/admin/category-requirements',
  );
  const [category, setCategory] = useState<string | undefined>();
  const [type, setType] = useState<QualificationType | 'none'>('authorisation_letter');
  const { busy, error, run } = useAction();
  const save = () =>
    run(async () => {
      if (!category) return;
      await api('PUT', `/api/v1/admin/categories/${encodeURIComponent(category)}/requirement`, {
        qualificationType: type === 'none' ? null : type,
      });
      message.success(t('q.requirementSaved'));
      await invalidate('/api/v1/admin/category-requirements');
    });
  return (
    <Card title={t('q.requirements')}>
      <Typography.Paragraph type="secondary">{t('q.requirementsHint')}</Typography.Paragraph>
      <ErrorAlert error={reqs.error ?? tree.error} />
      {(reqs.data?.items ?? []).length === 0 ? (
        <Typography.Paragraph type="secondary">{t('q.noRequirements')}</Typography.Paragraph>
      ) : (
        <Space wrap style={{ marginBottom: 12 }}>
          {reqs.data!.items.map((r) => (
            <Tag key={r.categoryId} color="blue">
              {r.categoryName}：{t(`q.type.${r.qualificationType}`)}
            </Tag>
          ))}
        </Space>
      )}
      <Flex wrap gap={8}>
        <Select
          aria-label={t('q.category')}
          placeholder={t('q.category')}
          style={{ minWidth: 220 }}
          showSearch
          optionFilterProp="label"
          value={category}
          onChange={setCategory}
          options={flatten(tree.data?.items ?? [])}
        />
        <Select<QualificationType | 'none'>
          aria-label={t('q.type')}
          style={{ minWidth: 200 }}
          value={type}
          onChange={setType}
          options={[
            ...QUALIFICATION_TYPES.map((v) => ({ value: v, label: t(`q.type.${v}`) })),
            { value: 'none' as const, label: t('q.requireNone') },
          ]}
        />
        <Button type="primary" loading={busy} disabled={!category} onClick={save}>
          {t('q.setRequirement')}
        </Button>
      </Flex>
      <ErrorAlert error={error} style={{ marginTop: 12 }} />
    </Card>
  );
}
