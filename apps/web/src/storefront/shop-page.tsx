import { ShopOutlined } from '@ant-design/icons';
import type { ShopDto } from '@kameng/contracts';
import { useQuery } from '@tanstack/react-query';
import { Alert, Breadcrumb, Button, Card, Empty, Flex, Result, Skeleton, Typography } from 'antd';
import { useState } from 'react';
import { errorText, useI18n } from '../i18n/index.ts';
import { ApiFailure, api } from '../lib/api.ts';
import { linkTo } from '../lib/router.ts';
import { useProductSearch } from './catalog-data.ts';
import { ProductGrid } from './product-card.tsx';

const PAGE_SIZE = 20;

/** A supplier's shop: its name and the products it has on sale. */
export function ShopPage({ id }: { id: string }) {
  const { t } = useI18n();
  const shop = useQuery({
    queryKey: ['shop', id],
    queryFn: () => api<ShopDto>('GET', `/api/v1/shops/${encodeURIComponent(id)}`),
  });
  if (shop.isPending) return <Skeleton active />;
  if (shop.isError) {
    const missing = shop.error instanceof ApiFailure && shop.error.status === 404;
    return (
      <Result
        status={missing ? '404' : 'error'}
        title={missing ? t('shop.notFound') : errorText(t, shop.error)}
        extra={
          <Button type="primary" {...linkTo('/')}>
            {t('backHome')}
          </Button>
        }
      />
    );
  }
  return <ShopProducts shop={shop.data} />;
}

function ShopProducts({ shop }: { shop: ShopDto }) {
  const { t } = useI18n();
  const [page, setPage] = useState(1);
  const result = useProductSearch({ supplierId: shop.id, sort: 'sales', page, pageSize: PAGE_SIZE });
  return (
    <Flex vertical gap={12}>
      <Breadcrumb items={[{ title: <a {...linkTo('/')}>{t('home')}</a> }, { title: shop.name }]} />
      <Card size="small">
        <Typography.Title level={4} style={{ margin: 0, wordBreak: 'break-word' }} data-testid="shop-name">
          <ShopOutlined /> {shop.name}
        </Typography.Title>
      </Card>
      <Typography.Text strong>{t('shop.products')}</Typography.Text>
      {result.isError ? (
        <Alert type="error" showIcon message={errorText(t, result.error)} />
      ) : result.isPending ? (
        <Skeleton active />
      ) : result.data.items.length === 0 ? (
        <Card>
          <Empty description={t('shop.empty')} />
        </Card>
      ) : (
        <ProductGrid page={result.data} onPage={setPage} />
      )}
    </Flex>
  );
}
