import type { ProductManageDto, SupplierApplicationDto } from '@kameng/contracts';
import { App, Button, Card, Descriptions, Drawer, Space, Tabs, Tag, Typography } from 'antd';
import { useState } from 'react';
import { formatCents, formatTime } from '../console/format.ts';
import { errorText } from '../console/i18n.ts';
import { ErrorAlert, PageHeader } from '../console/layout.tsx';
import { useGet, useInvalidate, withParams } from '../console/query.ts';
import { FilterSelect, ID_LINK, PagedTable, pageOf, ProductStatusFilter } from '../console/table.tsx';
import { PRODUCT_STATUS_COLOR } from '../console/types.ts';
import { useI18n } from '../i18n/index.ts';
import { api } from '../lib/api.ts';
import { useT } from './messages.ts';
import { ReasonModal } from './reason-modal.tsx';
import { Named } from '../console/named.tsx';
import { useComplianceT } from '../compliance/messages.ts';

type AppStatus = SupplierApplicationDto['status'];
type ProductStatus = ProductManageDto['status'];

export default function Reviews() {
  const t = useT();
  return (
    <>
      <PageHeader title={t('menu.reviews')} />
      <Card>
        <Tabs
          items={[
            { key: 'products', label: t('reviews.products'), children: <ProductQueue /> },
            { key: 'applications', label: t('reviews.applications'), children: <ApplicationQueue /> },
          ]}
        />
      </Card>
    </>
  );
}

function ProductQueue() {
  const t = useT();
  const { locale } = useI18n();
  const { message } = App.useApp();
  const invalidate = useInvalidate();
  const [status, setStatus] = useState<ProductStatus | undefined>('pending_review');
  const [page, setPage] = useState(1);
  const [open, setOpen] = useState<ProductManageDto | null>(null);
  const [rejecting, setRejecting] = useState<ProductManageDto | null>(null);
  const [approving, setApproving] = useState<string | null>(null);
  const [takingDown, setTakingDown] = useState<ProductManageDto | null>(null);
  const tc = useComplianceT();
  const list = useGet<{ items: ProductManageDto[]; total: number }>(
    withParams('/api/v1/admin/products', { status, page, pageSize: 20 }),
  );
  const liftTakedown = async (p: ProductManageDto) => {
    try {
      await api('DELETE', `/api/v1/admin/products/${encodeURIComponent(p.id)}/takedown`);
      message.success(tc('t.lifted'));
      setOpen(null);
      await invalidate('/api/v1/admin/products');
    } catch (err) {
      message.error(errorText(t, err));
    }
  };
  const approve = async (p: ProductManageDto) => {
    setApproving(p.id);
    try {
      await api('POST', `/api/v1/admin/products/${encodeURIComponent(p.id)}/approve`, { revision: p.revision });
      message.success(t('reviews.approved', { title: p.title }));
      setOpen(null);
      await invalidate('/api/v1/admin/products');
    } catch (err) {
      message.error(errorText(t, err));
    } finally {
      setApproving(null);
    }
  };
  const reject = async (p: ProductManageDto, reason: string) => {
    await api('POST', `/api/v1/admin/products/${encodeURIComponent(p.id)}/reject`, { reason, revision: p.revision });
    message.success(t('reviews.rejectedOk'));
    setOpen(null);
    await invalidate('/api/v1/admin/products');
  };
  return (
    <>
      <ProductStatusFilter
        value={status}
        onChange={(v) => {
          setStatus(v);
          setPage(1);
        }}
      />
      <ErrorAlert error={list.error} onRetry={() => list.refetch()} style={{ marginTop: 12 }} />
      <PagedTable<ProductManageDto>
        style={{ marginTop: 12 }}
        {...pageOf(list, page, setPage)}
        scrollX={900}
        emptyText={status === 'pending_review' ? t('reviews.noProducts') : t('reviews.noneStatus')}
        columns={[
          {
            title: t('reviews.product'),
            width: 260,
            dataIndex: 'title',
            render: (title: string, p) => (
              <Button type="link" style={ID_LINK} onClick={() => setOpen(p)}>
                {title}
              </Button>
            ),
          },
          {
            title: t('reviews.supplier'),
            key: 'shop',
            width: 160,
            render: (_: unknown, p: ProductManageDto) => p.shopName ?? '—',
          },
          { title: t('reviews.price'), dataIndex: 'priceCents', width: 100, render: (c: number) => formatCents(c) },
          {
            title: t('reviews.delivery'),
            dataIndex: 'deliveryMode',
            width: 110,
            render: (m: 'auto' | 'manual' | 'direct') => t(`delivery.${m}`),
          },
          {
            title: t('common.status'),
            dataIndex: 'status',
            width: 100,
            render: (s: ProductStatus, p: ProductManageDto) => (
              <Space size={4} wrap>
                <Tag color={PRODUCT_STATUS_COLOR[s]}>{t(`product.${s}`)}</Tag>
                {p.takedownReason !== null && <Tag color="red">{tc('t.takenDown')}</Tag>}
              </Space>
            ),
          },
          {
            title: t('reviews.updated'),
            dataIndex: 'updatedAt',
            width: 170,
            render: (v: number) => formatTime(v, locale),
          },
          {
            title: t('common.actions'),
            key: 'a',
            width: 260,
            fixed: 'right',
            render: (_, p) => (
              <Space wrap>
                {p.status !== 'approved' && (
                  <Button size="small" type="primary" loading={approving === p.id} onClick={() => approve(p)}>
                    {t('reviews.approve')}
                  </Button>
                )}
                <Button size="small" danger onClick={() => setRejecting(p)}>
                  {p.status === 'approved' ? t('reviews.takeDown') : t('reviews.reject')}
                </Button>
                {p.takedownReason === null ? (
                  <Button size="small" danger type="dashed" onClick={() => setTakingDown(p)}>
                    {tc('t.takedown')}
                  </Button>
                ) : (
                  <Button size="small" onClick={() => liftTakedown(p)}>
                    {tc('t.lift')}
                  </Button>
                )}
              </Space>
            ),
          },
        ]}
      />
      <Drawer
        open={open !== null}
        onClose={() => setOpen(null)}
        title={open?.title}
        width={Math.min(640, window.innerWidth)}
      >
        {open && (
          <>
            <Descriptions column={1} size="small" bordered>
              <Descriptions.Item label={t('reviews.product')}>{open.title}</Descriptions.Item>
              <Descriptions.Item label={t('reviews.supplier')}>
                <Named name={open.shopName ?? '—'} id={open.supplierId} />
              </Descriptions.Item>
              <Descriptions.Item label={t('reviews.category')}>
                {open.categoryPath ?? open.categoryId}
              </Descriptions.Item>
              <Descriptions.Item label={t('reviews.price')}>{formatCents(open.priceCents)}</Descriptions.Item>
              <Descriptions.Item label={t('reviews.tiers')}>
                {open.priceTiers.length
                  ? open.priceTiers
                      .map((x) => t('reviews.tier', { n: x.minQuantity, price: formatCents(x.priceCents) }))
                      .join('；')
                  : t('common.none')}
              </Descriptions.Item>
              <Descriptions.Item label={t('reviews.delivery')}>{t(`delivery.${open.deliveryMode}`)}</Descriptions.Item>
              <Descriptions.Item label={t('reviews.revision')}>{open.revision}</Descriptions.Item>
              {open.rejectReason && (
                <Descriptions.Item label={t('reviews.reason')}>{open.rejectReason}</Descriptions.Item>
              )}
              {open.takedownReason !== null && (
                <Descriptions.Item label={tc('t.takenDown')}>{open.takedownReason}</Descriptions.Item>
              )}
            </Descriptions>
            <Typography.Title level={5} style={{ marginTop: 16 }}>
              {t('reviews.description')}
            </Typography.Title>
            {/* the description is already sanitised by the server; a sandboxed frame runs no script even so */}
            <iframe
              title={t('reviews.description')}
              sandbox=""
              srcDoc={`<meta charset="utf-8"><body style="font-family:sans-serif;margin:8px">${open.descriptionHtml}</body>`}
              style={{ width: '100%', height: 260, border: '1px solid #f0f0f0', borderRadius: 6 }}
            />
            <Space style={{ marginTop: 16 }}>
              {open.status !== 'approved' && (
                <Button type="primary" loading={approving === open.id} onClick={() => approve(open)}>
                  {t('reviews.approve')}
                </Button>
              )}
              <Button danger onClick={() => setRejecting(open)}>
                {open.status === 'approved' ? t('reviews.takeDown') : t('reviews.reject')}
              </Button>
            </Space>
          </>
        )}
      </Drawer>
      <ReasonModal
        open={rejecting !== null}
        title={t('reviews.rejectTitle', { title: rejecting?.title ?? '' })}
        okText={t('reviews.reject')}
        onClose={() => setRejecting(null)}
        onSubmit={(reason) => (rejecting ? reject(rejecting, reason) : Promise.resolve())}
      />
      <ReasonModal
        open={takingDown !== null}
        title={tc('t.takedownTitle', { title: takingDown?.title ?? '' })}
        okText={tc('t.takedown')}
        onClose={() => setTakingDown(null)}
        onSubmit={async (reason) => {
          if (!takingDown) return;
          await api('POST', `/api/v1/admin/products/${encodeURIComponent(takingDown.id)}/takedown`, { reason });
          message.success(tc('t.takenDownOk'));
          setOpen(null);
          await invalidate('/api/v1/admin/products');
        }}
      />
    </>
  );
}

function ApplicationQueue() {
  const t = useT();
  const { locale } = useI18n();
  const { message } = App.useApp();
  const invalidate = useInvalidate();
  const [status, setStatus] = useState<AppStatus | undefined>('pending');
  const [page, setPage] = useState(1);
  const [rejecting, setRejecting] = useState<SupplierApplicationDto | null>(null);
  const [approving, setApproving] = useState<string | null>(null);
  const list = useGet<{ items: SupplierApplicationDto[]; total: number }>(
    withParams('/api/v1/admin/supplier-applications', { status, page, pageSize: 20 }),
  );
  const tc = useComplianceT();
  const { modal } = App.useApp();
  // names and contacts come masked; revealing one is audited
  const reveal = async (a: SupplierApplicationDto) => {
    try {
      const r = await api<{ realName: string; contact: string }>(
        'POST',
        `/api/v1/admin/supplier-applications/${encodeURIComponent(a.id)}/reveal`,
      );
      modal.info({
        title: tc('q.revealTitle'),
        content: (
          <Descriptions column={1} size="small">
            <Descriptions.Item label={t('reviews.realName')}>{r.realName}</Descriptions.Item>
            <Descriptions.Item label={t('reviews.contact')}>{r.contact}</Descriptions.Item>
          </Descriptions>
        ),
      });
    } catch (err) {
      message.error(errorText(t, err));
    }
  };
  const approve = async (a: SupplierApplicationDto) => {
    setApproving(a.id);
    try {
      await api('POST', `/api/v1/admin/supplier-applications/${encodeURIComponent(a.id)}/approve`);
      message.success(t('reviews.appApproved', { shop: a.shopName }));
      await invalidate('/api/v1/admin/supplier-applications');
    } catch (err) {
      message.error(errorText(t, err));
    } finally {
      setApproving(null);
    }
  };
  return (
    <>
      <FilterSelect<AppStatus>
        value={status}
        onChange={(v) => {
          setStatus(v);
          setPage(1);
        }}
        options={(['pending', 'approved', 'rejected'] as const).map((s) => ({
          value: s,
          label: t(`reviews.app.${s}`),
        }))}
        allLabel={t('common.all')}
        label={t('common.status')}
      />
      <ErrorAlert error={list.error} onRetry={() => list.refetch()} style={{ marginTop: 12 }} />
      <PagedTable<SupplierApplicationDto>
        style={{ marginTop: 12 }}
        {...pageOf(list, page, setPage)}
        scrollX={1000}
        emptyText={status === 'pending' ? t('reviews.noApplications') : t('reviews.noneStatus')}
        expandable={{
          rowExpandable: (a) => !!a.note || !!a.reason,
          expandedRowRender: (a) => (
            <>
              {a.note && <Typography.Paragraph>{t('reviews.note', { note: a.note })}</Typography.Paragraph>}
              {a.reason && (
                <Typography.Paragraph type="danger">
                  {t('reviews.rejectReasonWas', { reason: a.reason })}
                </Typography.Paragraph>
              )}
            </>
          ),
        }}
        columns={[
          { title: t('reviews.shop'), width: 180, dataIndex: 'shopName' },
          { title: t('reviews.realName'), dataIndex: 'realName', width: 120 },
          { title: t('reviews.contact'), dataIndex: 'contact', width: 180 },
          { title: t('reviews.user'), dataIndex: 'userId', width: 200 },
          {
            title: t('common.status'),
            dataIndex: 'status',
            width: 100,
            render: (s: AppStatus) => (
              <Tag color={s === 'pending' ? 'gold' : s === 'approved' ? 'green' : 'red'}>{t(`reviews.app.${s}`)}</Tag>
            ),
          },
          {
            title: t('reviews.applied'),
            dataIndex: 'createdAt',
            width: 170,
            render: (v: number) => formatTime(v, locale),
          },
          {
            title: t('common.actions'),
            key: 'a',
            width: 240,
            fixed: 'right',
            render: (_, a) =>
              a.status === 'pending' ? (
                <Space wrap>
                  <Button size="small" onClick={() => reveal(a)}>
                    {tc('q.reveal')}
                  </Button>
                  <Button size="small" type="primary" loading={approving === a.id} onClick={() => approve(a)}>
                    {t('reviews.approve')}
                  </Button>
                  <Button size="small" danger onClick={() => setRejecting(a)}>
                    {t('reviews.reject')}
                  </Button>
                </Space>
              ) : (
                formatTime(a.reviewedAt, locale)
              ),
          },
        ]}
      />
      <ReasonModal
        open={rejecting !== null}
        title={t('reviews.rejectAppTitle', { shop: rejecting?.shopName ?? '' })}
        okText={t('reviews.reject')}
        onClose={() => setRejecting(null)}
        onSubmit={async (reason) => {
          if (!rejecting) return;
          await api('POST', `/api/v1/admin/supplier-applications/${encodeURIComponent(rejecting.id)}/reject`, {
            reason,
          });
          message.success(t('reviews.rejectedOk'));
          await invalidate('/api/v1/admin/supplier-applications');
        }}
      />
    </>
  );
}
