import { App, Button, Form, Input, Select, Table, Typography } from 'antd';
import { useState } from 'react';
import { formatCents, formatTime, yuanToCents } from '../console/format.ts';
import { FormModal } from '../console/form-modal.tsx';
import { ErrorAlert, PageHeader } from '../console/layout.tsx';
import { useGet } from '../console/query.ts';
import { useI18n } from '../i18n/index.ts';
import { api } from '../lib/api.ts';
import { useProductSearch } from '../storefront/catalog-data.ts';
import { useMyCosts } from './costs.ts';
import { useAgentsT } from './messages.ts';

interface Customer {
  userId: string;
  /** his email or phone, masked */
  contact: string | null;
  orders: number;
  spentCents: number;
  lastOrderAt: number;
}

interface PriceValues {
  productId: string;
  price?: string;
}

/** /agent/customers: the buyers of his 分站, and a 密价 for one of them (never below what he pays). */
export default function Customers() {
  const t = useAgentsT();
  const { locale } = useI18n();
  const list = useGet<{ items: Customer[] }>('/api/v1/agent/customers');
  const [pricing, setPricing] = useState<Customer | null>(null);
  return (
    <>
      <PageHeader title={t('menu.customers')} sub={t('customers.sub')} />
      <ErrorAlert error={list.error} onRetry={() => list.refetch()} />
      <Table<Customer>
        size="small"
        rowKey="userId"
        loading={list.isPending}
        dataSource={list.data?.items ?? []}
        pagination={false}
        scroll={{ x: 640 }}
        locale={{ emptyText: t('customers.none') }}
        columns={[
          {
            title: t('customers.user'),
            key: 'user',
            width: 220,
            render: (_, c) => (
              <span>
                <span data-testid="customer-contact">{c.contact ?? '—'}</span>
                <br />
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {c.userId}
                </Typography.Text>
              </span>
            ),
          },
          { title: t('customers.orders'), dataIndex: 'orders', width: 80 },
          { title: t('customers.spent'), dataIndex: 'spentCents', width: 110, render: (c: number) => formatCents(c) },
          {
            title: t('customers.last'),
            dataIndex: 'lastOrderAt',
            width: 170,
            render: (v: number) => formatTime(v, locale),
          },
          {
            title: t('common.actions'),
            key: 'a',
            width: 110,
            render: (_, c) => (
              <Button size="small" onClick={() => setPricing(c)}>
                {t('customers.price')}
              </Button>
            ),
          },
        ]}
      />
      <UserPriceModal customer={pricing} onClose={() => setPricing(null)} />
    </>
  );
}

function UserPriceModal({ customer, onClose }: { customer: Customer | null; onClose: () => void }) {
  const t = useAgentsT();
  const { message } = App.useApp();
  const products = useProductSearch({ pageSize: 100 });
  // his own cost: a 密价 below it is raised to it
  const { byId: costOf } = useMyCosts(customer ? (products.data?.items ?? []).map((p) => p.id) : []);
  return (
    <FormModal<PriceValues>
      open={customer !== null}
      title={t('customers.priceTitle', { user: customer?.contact ?? customer?.userId ?? '' })}
      okText={t('common.save')}
      onClose={onClose}
      onSubmit={async (v) => {
        const price = v.price?.trim() ? yuanToCents(v.price) : null;
        await api('PUT', '/api/v1/agent/site/user-prices', {
          userId: customer?.userId ?? '',
          productId: v.productId,
          priceCents: price,
        });
        message.success(t('customers.saved'));
      }}
    >
      <Form.Item
        name="productId"
        label={t('customers.product')}
        rules={[{ required: true, message: t('common.required') }]}
      >
        <Select
          showSearch
          optionFilterProp="label"
          loading={products.isPending}
          options={(products.data?.items ?? []).map((p) => {
            const cost = costOf.get(p.id);
            return {
              value: p.id,
              disabled: cost === null,
              label:
                cost === null
                  ? `${p.title} · ${t('markups.parentNotSelling')}`
                  : cost === undefined
                    ? p.title
                    : `${p.title} · ${t('customers.cost', { amount: formatCents(cost) })}`,
            };
          })}
        />
      </Form.Item>
      <Form.Item
        name="price"
        label={t('customers.priceYuan')}
        extra={t('customers.priceEmpty')}
        rules={[{ pattern: /^\d{1,9}(\.\d{1,2})?$/, message: t('common.yuanInvalid') }]}
      >
        <Input prefix="¥" inputMode="decimal" maxLength={12} />
      </Form.Item>
    </FormModal>
  );
}
