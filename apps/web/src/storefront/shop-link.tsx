import { ShopOutlined } from '@ant-design/icons';
import { Typography } from 'antd';
import { useI18n } from '../i18n/index.ts';
import { linkTo } from '../lib/router.ts';

/** Who sells it: the supplier's shop name, leading to the shop's page. */
export function ShopLink({ id, name }: { id: string; name: string | null | undefined }) {
  const { t } = useI18n();
  return (
    <Typography.Text type="secondary" data-testid="shop-link">
      <ShopOutlined /> {t('shop.label')}：
      <a {...linkTo(`/shops/${encodeURIComponent(id)}`)}>{name ?? t('shop.unnamed')}</a>
    </Typography.Text>
  );
}
