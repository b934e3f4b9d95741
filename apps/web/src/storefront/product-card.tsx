import type { ProductListItemDto } from '@kameng/contracts';
import { Card, Col, Flex, Pagination, Row, Typography } from 'antd';
import { useI18n } from '../i18n/index.ts';
import { formatCents } from '../lib/money.ts';
import { linkTo } from '../lib/router.ts';

export function Cover({
  url,
  title,
  height,
  glyph = true,
}: {
  url: string | null;
  title: string;
  height: number;
  /** the title's first character on the placeholder; off where text is laid over it */
  glyph?: boolean;
}) {
  if (url) {
    return <img src={url} alt={title} style={{ width: '100%', height, objectFit: 'cover', display: 'block' }} />;
  }
  // no cover uploaded: the title's first character on the brand colour, never a broken image
  return (
    <div
      aria-hidden
      style={{
        height,
        display: 'flex',
        alignItems: 'center',
        justifyContent: 'center',
        background: 'linear-gradient(135deg, #e4393c, #ff7a45)',
        color: '#fff',
        fontSize: height / 3,
        fontWeight: 600,
      }}
    >
      {glyph ? (Array.from(title)[0] ?? '') : null}
    </div>
  );
}

export function ProductCard({ product }: { product: ProductListItemDto }) {
  const { t } = useI18n();
  const soldOut = product.stock !== null && product.stock <= 0;
  const lowest = Math.min(product.priceCents, ...product.priceTiers.map((tier) => tier.priceCents));
  return (
    <a {...linkTo(`/products/${encodeURIComponent(product.id)}`)} data-testid="product-card">
      <Card
        hoverable
        size="small"
        cover={<Cover url={product.coverUrl} title={product.title} height={120} />}
        styles={{ body: { padding: 10 } }}
      >
        <Typography.Paragraph ellipsis={{ rows: 2 }} style={{ marginBottom: 6, minHeight: 44 }}>
          {product.title}
        </Typography.Paragraph>
        <Flex justify="space-between" align="baseline" wrap gap={4}>
          <Typography.Text strong style={{ color: '#e4393c', fontSize: 16 }}>
            {lowest < product.priceCents ? t('product.priceFrom', { price: formatCents(lowest) }) : formatCents(lowest)}
          </Typography.Text>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {soldOut ? t('product.soldOut') : t('product.sold', { count: String(product.salesCount) })}
          </Typography.Text>
        </Flex>
      </Card>
    </a>
  );
}

/** A page of products as cards (two across on a phone), with the pager under them. */
export function ProductGrid(props: {
  page: { items: ProductListItemDto[]; total: number; page: number; pageSize: number };
  onPage: (page: number) => void;
}) {
  return (
    <>
      <Row gutter={[10, 10]}>
        {props.page.items.map((p) => (
          <Col key={p.id} xs={12} sm={8} md={6} xl={4}>
            <ProductCard product={p} />
          </Col>
        ))}
      </Row>
      <Pagination
        align="center"
        current={props.page.page}
        pageSize={props.page.pageSize}
        total={props.page.total}
        showSizeChanger={false}
        onChange={props.onPage}
      />
    </>
  );
}
