import type { disputeRatesSchema } from '@kameng/contracts';
import { Card, Col, Row, Table, Typography } from 'antd';
import type { z } from 'zod';
import { useGet } from '../console/query.ts';
import { findCategory, useCategoryTree } from '../storefront/catalog-data.ts';
import { useDisputesT } from './messages.ts';

type Rates = z.infer<typeof disputeRatesSchema>;
type RateRow = Rates['suppliers'][number];

/** The operators' dashboard card: the suppliers and categories with the most cases per order, last 30 days. */
export function DisputeRatesCard() {
  const t = useDisputesT();
  const rates = useGet<Rates>('/api/v1/admin/dispute-rates?days=30', { refetchInterval: 300_000 });
  const tree = useCategoryTree();
  const table = (rows: RateRow[] | undefined, name: (id: string) => string, title: string) => (
    <Table<RateRow>
      rowKey="id"
      size="small"
      pagination={false}
      loading={rates.isPending}
      dataSource={rows ?? []}
      locale={{ emptyText: t('empty') }}
      scroll={{ x: 'max-content' }}
      columns={[
        {
          title,
          render: (_, r) => (
            <Typography.Text ellipsis style={{ maxWidth: 220 }}>
              {name(r.id)}
            </Typography.Text>
          ),
        },
        { title: t('rates.orders'), dataIndex: 'orders' },
        { title: t('rates.cases'), dataIndex: 'cases' },
        { title: t('rates.lost'), dataIndex: 'lost' },
        { title: t('rates.rate'), render: (_, r) => `${(r.rateBps / 100).toFixed(2)}%` },
      ]}
    />
  );
  return (
    <Card title={t('rates.title')}>
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={12}>
          {table(rates.data?.suppliers, (id) => id, t('rates.supplier'))}
        </Col>
        <Col xs={24} xl={12}>
          {table(
            rates.data?.categories,
            (id) => (tree.data ? findCategory(tree.data, id)?.name : undefined) ?? id,
            t('rates.category'),
          )}
        </Col>
      </Row>
    </Card>
  );
}
