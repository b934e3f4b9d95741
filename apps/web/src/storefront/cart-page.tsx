import { DeleteOutlined } from '@ant-design/icons';
import type { cartSchema } from '@kameng/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Empty, Flex, InputNumber, List, Result, Skeleton, Tag, Typography } from 'antd';
import type { z } from 'zod';
import { errorText, useI18n } from '../i18n/index.ts';
import { api } from '../lib/api.ts';
import { formatCents } from '../lib/money.ts';
import { linkTo, navigate, withQuery } from '../lib/router.ts';
import { useSession } from '../lib/session.ts';
import { checkoutPath } from './checkout-link.ts';
import { ShopLink } from './shop-link.tsx';

type Cart = z.infer<typeof cartSchema>;
type CartItem = Cart['items'][number];

export function CartPage() {
  const { t } = useI18n();
  const { me } = useSession();
  if (me === undefined) return <Skeleton active />;
  if (me === null) {
    return (
      <Result
        status="info"
        title={t('cart.signIn')}
        extra={
          <Button type="primary" {...linkTo(withQuery('/login', { next: '/cart' }))}>
            {t('login')}
          </Button>
        }
      />
    );
  }
  return <SignedInCart />;
}

function SignedInCart() {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const cart = useQuery({ queryKey: ['cart'], queryFn: () => api<Cart>('GET', '/api/v1/cart') });
  const setQuantity = useMutation({
    mutationFn: (v: { productId: string; quantity: number }) => api<Cart>('PUT', '/api/v1/cart/items', v),
    onSuccess: (next) => queryClient.setQueryData(['cart'], next),
  });
  if (cart.isPending) return <Skeleton active />;
  if (cart.isError) return <Alert type="error" showIcon message={errorText(t, cart.error)} />;
  if (cart.data.items.length === 0) {
    return (
      <Card>
        <Empty description={t('cart.empty')}>
          <Button type="primary" {...linkTo('/')}>
            {t('cart.goShopping')}
          </Button>
        </Empty>
      </Card>
    );
  }
  // an order holds one supplier's goods, so the cart checks out shop by shop
  const shops = new Map<string, CartItem[]>();
  for (const item of cart.data.items) {
    const key = item.supplierId ?? '';
    shops.set(key, [...(shops.get(key) ?? []), item]);
  }
  return (
    <Flex vertical gap={12}>
      <Typography.Title level={4} style={{ margin: 0 }}>
        {t('nav.cart')}
      </Typography.Title>
      {setQuantity.isError && <Alert type="error" showIcon role="alert" message={errorText(t, setQuantity.error)} />}
      {shops.size > 1 && <Alert type="info" showIcon message={t('cart.perShop')} />}
      {[...shops.entries()].map(([supplierId, items], index) => {
        const buyable = items.filter((i) => i.available && i.unitPriceCents !== null);
        const total = buyable.reduce((s, i) => s + (i.unitPriceCents ?? 0) * i.quantity, 0);
        return (
          <Card
            key={supplierId || 'gone'}
            size="small"
            title={
              supplierId ? (
                <ShopLink id={supplierId} name={items[0]?.shopName ?? t('cart.shop', { n: String(index + 1) })} />
              ) : (
                t('cart.shop', { n: String(index + 1) })
              )
            }
          >
            <List
              dataSource={items}
              renderItem={(item) => (
                <List.Item
                  actions={[
                    <Button
                      key="remove"
                      type="text"
                      danger
                      icon={<DeleteOutlined />}
                      aria-label={t('cart.remove')}
                      onClick={() => setQuantity.mutate({ productId: item.productId, quantity: 0 })}
                    />,
                  ]}
                >
                  <Flex vertical gap={4} style={{ flex: 1, minWidth: 0 }}>
                    <a {...linkTo(`/products/${encodeURIComponent(item.productId)}`)}>
                      <Typography.Text ellipsis>{item.title ?? t('cart.gone')}</Typography.Text>
                    </a>
                    <Flex gap={8} align="center" wrap>
                      {item.unitPriceCents !== null && (
                        <Typography.Text>{formatCents(item.unitPriceCents)}</Typography.Text>
                      )}
                      {item.available ? (
                        <InputNumber
                          size="small"
                          min={1}
                          max={10_000}
                          precision={0}
                          value={item.quantity}
                          aria-label={t('product.quantity')}
                          onChange={(v) =>
                            typeof v === 'number' &&
                            v >= 1 &&
                            setQuantity.mutate({ productId: item.productId, quantity: v })
                          }
                        />
                      ) : (
                        <Tag>{t('cart.unavailable')}</Tag>
                      )}
                    </Flex>
                  </Flex>
                </List.Item>
              )}
            />
            <Flex justify="space-between" align="center" wrap gap={8}>
              <Typography.Text>
                {t('cart.total')}{' '}
                <Typography.Text strong style={{ color: '#e4393c' }}>
                  {formatCents(total)}
                </Typography.Text>
              </Typography.Text>
              <Button
                type="primary"
                disabled={buyable.length === 0}
                onClick={() =>
                  navigate(checkoutPath(buyable.map((i) => ({ productId: i.productId, quantity: i.quantity }))))
                }
              >
                {t('cart.checkout')}
              </Button>
            </Flex>
          </Card>
        );
      })}
    </Flex>
  );
}
