import type { CategoryNodeDto } from '@kameng/contracts';
import { Alert, Button, Card, Col, Empty, Flex, Grid, Row, Skeleton, Tag, Typography } from 'antd';
import { lazy, Suspense } from 'react';
import { errorText, useI18n } from '../i18n/index.ts';
import { linkTo, navigate, withQuery } from '../lib/router.ts';
import { useSession } from '../lib/session.ts';
import { useSite } from '../lib/site.ts';
import { facetsOf, useCarousel, useCategoryTree, useProductSearch } from './catalog-data.ts';
import { ProductCard } from './product-card.tsx';
import { SearchBox } from './search-box.tsx';
import { consolesOf } from './site-header.tsx';

const HOT_COUNT = 12;
const HomeCarousel = lazy(() => import('./home-carousel.tsx'));
// an agent's 分站: his carousel, notice and contact (GET /site's agentSite for this Host)
const AgentBanner = lazy(() => import('./agent-banner.tsx'));
// the 公告 block (antd's Collapse) loads only when there is something to announce
const Announcements = lazy(() => import('./announcements.tsx'));
// the pop-out category menu is for wide screens only; a phone shows the top categories as buttons
const CategoryMenu = lazy(() => import('./category-menu.tsx'));

export function HomePage() {
  const { t } = useI18n();
  const screens = Grid.useBreakpoint();
  const tree = useCategoryTree();
  const hot = useProductSearch({ sort: 'sales', pageSize: HOT_COUNT });
  // the carousel is a nicety: when it cannot load, the home page simply goes without it
  const slides = useCarousel().data?.items ?? [];
  const site = useSite().data;
  const hasAnnouncements = (site?.announcements.length ?? 0) > 0;
  const agentSite = site?.agentSite ?? null;
  const slideHeight = screens.md ? 240 : 150;
  const categories = tree.data ?? [];
  return (
    <Flex vertical gap={12}>
      {!screens.md && <SearchBox size="large" />}
      <Row gutter={[12, 12]}>
        <Col xs={24} md={6}>
          <Card size="small" title={t('home.categories')} styles={{ body: { padding: screens.md ? 0 : 12 } }}>
            {tree.isPending ? (
              <Skeleton active paragraph={{ rows: 4 }} style={{ padding: 12 }} />
            ) : tree.isError ? (
              <Alert type="error" showIcon message={errorText(t, tree.error)} />
            ) : categories.length === 0 ? (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('home.noCategories')} />
            ) : screens.md ? (
              <Suspense fallback={<Skeleton active paragraph={{ rows: 4 }} style={{ padding: 12 }} />}>
                <CategoryMenu categories={categories} />
              </Suspense>
            ) : (
              <Flex wrap gap={8}>
                {categories.map((c) => (
                  <Button key={c.id} {...linkTo(withQuery('/search', { categoryId: c.id }))}>
                    {c.name}
                  </Button>
                ))}
              </Flex>
            )}
          </Card>
        </Col>
        <Col xs={24} md={18}>
          <Flex vertical gap={12}>
            {agentSite && (
              <Suspense fallback={<Skeleton active paragraph={{ rows: 2 }} />}>
                <AgentBanner site={agentSite} height={slideHeight} />
              </Suspense>
            )}
            {/* the platform's slots show its own prices: an agent's 分站 shows his carousel instead */}
            {!agentSite && slides.length > 0 && (
              <Suspense fallback={<Skeleton.Node active style={{ width: '100%', height: slideHeight }} />}>
                <HomeCarousel items={slides} height={slideHeight} />
              </Suspense>
            )}
            {hasAnnouncements && (
              <Suspense fallback={null}>
                <Announcements />
              </Suspense>
            )}
            <Card size="small">
              <Typography.Title level={4} style={{ margin: 0 }}>
                {agentSite ? agentSite.siteName : t('tagline')}
              </Typography.Title>
              <FacetLinks categories={categories} />
            </Card>
            <Card size="small" title={t('home.hot')}>
              {hot.isPending ? (
                <Skeleton active />
              ) : hot.isError ? (
                <Alert type="error" showIcon message={errorText(t, hot.error)} />
              ) : hot.data.items.length === 0 ? (
                <EmptyShop />
              ) : (
                <Row gutter={[10, 10]}>
                  {hot.data.items.map((p) => (
                    <Col key={p.id} xs={12} sm={8} lg={6}>
                      <ProductCard product={p} />
                    </Col>
                  ))}
                </Row>
              )}
            </Card>
          </Flex>
        </Col>
      </Row>
    </Flex>
  );
}

/** Goods types and games across the whole tree: one tap to everything of that kind. */
function FacetLinks({ categories }: { categories: CategoryNodeDto[] }) {
  const { t } = useI18n();
  const facets = facetsOf(categories);
  if (facets.goodsTypes.length === 0 && facets.games.length === 0) return null;
  return (
    <Flex wrap gap={6} style={{ marginTop: 12 }}>
      {facets.goodsTypes.map((g) => (
        <Tag
          key={g}
          color="red"
          style={{ cursor: 'pointer' }}
          onClick={() => navigate(withQuery('/search', { goodsType: g }))}
        >
          {t(`goodsType.${g}`)}
        </Tag>
      ))}
      {facets.games.map((g) => (
        <Tag key={g} style={{ cursor: 'pointer' }} onClick={() => navigate(withQuery('/search', { game: g }))}>
          {g}
        </Tag>
      ))}
    </Flex>
  );
}

function EmptyShop() {
  const { t } = useI18n();
  const { me } = useSession();
  return (
    <Empty description={t('home.emptyShop')}>
      {me && consolesOf(me).length > 0 ? (
        consolesOf(me).map((c) => (
          <Button key={c.path} type="primary" {...linkTo(c.path)}>
            {t(c.key)}
          </Button>
        ))
      ) : me ? (
        <Button type="primary" {...linkTo('/account/apply')}>
          {t('home.becomeSupplier')}
        </Button>
      ) : (
        <Button type="primary" {...linkTo('/register')}>
          {t('register')}
        </Button>
      )}
    </Empty>
  );
}
