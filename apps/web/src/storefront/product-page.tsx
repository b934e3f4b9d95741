import { ShoppingCartOutlined, ThunderboltOutlined } from '@ant-design/icons';
import type { ProductDetailDto } from '@kameng/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Breadcrumb,
  Button,
  Card,
  Col,
  Descriptions,
  Flex,
  Input,
  InputNumber,
  Result,
  Row,
  Skeleton,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useMemo, useState } from 'react';
import { errorText, useI18n } from '../i18n/index.ts';
import { ApiFailure, api } from '../lib/api.ts';
import { formatCents } from '../lib/money.ts';
import { linkTo, navigate, withQuery } from '../lib/router.ts';
import { safeHtml } from '../lib/safe-html.ts';
import { useSession } from '../lib/session.ts';
import { useProduct } from './catalog-data.ts';
import { checkoutPath, type CheckoutState } from './checkout-link.ts';
import { Cover } from './product-card.tsx';
import { ShopLink } from './shop-link.tsx';
import { shownUnitPrice } from '../lib/buyer-price.ts';

export function ProductPage({ id }: { id: string }) {
  const { t } = useI18n();
  const product = useProduct(id);
  if (product.isPending) return <Skeleton active />;
  if (product.isError) {
    const missing = product.error instanceof ApiFailure && product.error.status === 404;
    return (
      <Result
        status={missing ? '404' : 'error'}
        title={missing ? t('product.notFound') : errorText(t, product.error)}
        extra={
          <Button type="primary" {...linkTo('/')}>
            {t('backHome')}
          </Button>
        }
      />
    );
  }
  return <ProductView p={product.data} />;
}

function ProductView({ p }: { p: ProductDetailDto }) {
  const { t } = useI18n();
  const { me } = useSession();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const maxQty = Math.max(p.minPerOrder, Math.min(p.maxPerOrder ?? 10_000, p.stock ?? 10_000));
  const [quantity, setQuantity] = useState(p.minPerOrder);
  const [recipient, setRecipient] = useState('');
  const [recipientMissing, setRecipientMissing] = useState(false);
  const descriptionHtml = useMemo(() => safeHtml(p.descriptionHtml), [p.descriptionHtml]);
  const soldOut = p.stock !== null && p.stock < p.minPerOrder;
  const buyable = p.status === 'approved' && p.onSale && !soldOut;
  const { unit, list } = shownUnitPrice(p, quantity);
  const direct = p.deliveryMode === 'direct';

  const addToCart = useMutation({
    mutationFn: () => api('PUT', '/api/v1/cart/items', { productId: p.id, quantity }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['cart'] });
      message.success(t('product.addedToCart'));
    },
  });

  const buyNow = () => {
    if (direct && !recipient.trim()) {
      setRecipientMissing(true);
      return;
    }
    const state: CheckoutState = direct ? { recipientAccount: recipient.trim() } : {};
    navigate(checkoutPath([{ productId: p.id, quantity }]), state);
  };
  const cart = () => {
    if (!me) navigate(withQuery('/login', { next: `/products/${p.id}` }));
    else addToCart.mutate();
  };

  return (
    <Flex vertical gap={12}>
      <Breadcrumb
        items={[
          { title: <a {...linkTo('/')}>{t('home')}</a> },
          ...p.categoryPath.map((c) => ({
            title: <a {...linkTo(withQuery('/search', { categoryId: c.id }))}>{c.name}</a>,
          })),
        ]}
      />
      <Card size="small">
        <Row gutter={[16, 16]}>
          <Col xs={24} md={10}>
            <div style={{ borderRadius: 8, overflow: 'hidden' }}>
              <Cover url={p.coverUrl} title={p.title} height={260} />
            </div>
          </Col>
          <Col xs={24} md={14}>
            <Flex vertical gap={12}>
              <Typography.Title level={4} style={{ margin: 0, wordBreak: 'break-word' }} data-testid="product-title">
                {p.title}
              </Typography.Title>
              <ShopLink id={p.supplierId} name={p.shopName} />
              <Flex wrap gap={6}>
                <Tag color="red">{t(`deliveryMode.${p.deliveryMode}`)}</Tag>
                <Tag>{t('product.sold', { count: String(p.salesCount) })}</Tag>
                <Tag color={soldOut ? 'default' : 'green'}>
                  {p.stock === null ? t('product.inStock') : t('product.stock', { count: String(p.stock) })}
                </Tag>
              </Flex>
              <div style={{ background: '#fff2f0', padding: '8px 12px', borderRadius: 8 }}>
                <Typography.Text type="secondary">{t('product.price')} </Typography.Text>
                <Typography.Text strong style={{ color: '#e4393c', fontSize: 24 }} data-testid="unit-price">
                  {formatCents(unit)}
                </Typography.Text>
                {unit < list && (
                  <Typography.Text delete type="secondary" style={{ marginLeft: 8 }} data-testid="list-price">
                    {formatCents(list)}
                  </Typography.Text>
                )}
              </div>
              {p.priceTiers.length > 0 && (
                <Table
                  size="small"
                  pagination={false}
                  rowKey="minQuantity"
                  dataSource={[...p.priceTiers].sort((a, b) => a.minQuantity - b.minQuantity)}
                  columns={[
                    {
                      title: t('product.tierQuantity'),
                      dataIndex: 'minQuantity',
                      render: (q: number) => t('product.tierFrom', { count: String(q) }),
                    },
                    { title: t('product.tierPrice'), dataIndex: 'priceCents', render: (c: number) => formatCents(c) },
                  ]}
                />
              )}
              {p.status !== 'approved' && (
                <Alert
                  type="warning"
                  showIcon
                  message={t(`productStatus.${p.status}`)}
                  description={p.manage?.rejectReason}
                />
              )}
              {p.status === 'approved' && !p.onSale && <Alert type="info" showIcon message={t('product.offSale')} />}
              {direct && (
                <div>
                  <Typography.Text>{p.recipientField ?? t('product.recipient')}</Typography.Text>
                  <Input
                    value={recipient}
                    maxLength={128}
                    status={recipientMissing ? 'error' : ''}
                    placeholder={t('product.recipientPlaceholder', {
                      field: p.recipientField ?? t('product.recipient'),
                    })}
                    onChange={(e) => {
                      setRecipient(e.target.value);
                      setRecipientMissing(false);
                    }}
                  />
                  {recipientMissing && <Typography.Text type="danger">{t('validate.required')}</Typography.Text>}
                </div>
              )}
              <Descriptions size="small" column={1}>
                <Descriptions.Item label={t('product.quantity')}>
                  <InputNumber
                    min={p.minPerOrder}
                    max={maxQty}
                    precision={0}
                    value={quantity}
                    onChange={(v) =>
                      setQuantity(typeof v === 'number' ? Math.min(maxQty, Math.max(p.minPerOrder, v)) : p.minPerOrder)
                    }
                    aria-label={t('product.quantity')}
                  />
                </Descriptions.Item>
                <Descriptions.Item label={t('product.subtotal')}>
                  <Typography.Text strong data-testid="subtotal">
                    {formatCents(unit * quantity)}
                  </Typography.Text>
                </Descriptions.Item>
              </Descriptions>
              {addToCart.isError && (
                <Alert type="error" showIcon role="alert" message={errorText(t, addToCart.error)} />
              )}
              <Flex gap={8}>
                <Button
                  size="large"
                  icon={<ShoppingCartOutlined />}
                  disabled={!buyable}
                  loading={addToCart.isPending}
                  onClick={cart}
                  block
                >
                  {t('product.addToCart')}
                </Button>
                <Button
                  size="large"
                  type="primary"
                  icon={<ThunderboltOutlined />}
                  disabled={!buyable}
                  onClick={buyNow}
                  block
                >
                  {soldOut ? t('product.soldOut') : t('product.buyNow')}
                </Button>
              </Flex>
            </Flex>
          </Col>
        </Row>
      </Card>
      <Card size="small" title={t('product.description')}>
        <div
          className="product-description"
          style={{ overflowWrap: 'anywhere' }}
          // biome-ignore lint/security/noDangerouslySetInnerHtml: sanitised on the server when written and again by safeHtml here
          dangerouslySetInnerHTML={{ __html: descriptionHtml }}
        />
      </Card>
    </Flex>
  );
}
