import type { CarouselDto } from '@kameng/contracts';
import { Carousel, Typography } from 'antd';
import { useI18n } from '../i18n/index.ts';
import { formatCents } from '../lib/money.ts';
import { linkTo } from '../lib/router.ts';
import { Cover } from './product-card.tsx';

/** The operators' recommendation slots; its own chunk (the slider library is not needed until there are slides). */
export default function HomeCarousel({ items, height }: { items: CarouselDto['items']; height: number }) {
  const { t } = useI18n();
  return (
    <Carousel autoplay autoplaySpeed={5000} dots={items.length > 1} style={{ borderRadius: 8, overflow: 'hidden' }}>
      {items.map((slide) => (
        <a key={slide.id} {...linkTo(`/products/${encodeURIComponent(slide.product.id)}`)} data-testid="carousel-slide">
          <div style={{ position: 'relative', height }}>
            <Cover url={slide.product.coverUrl} title={slide.product.title} height={height} glyph={false} />
            <div
              style={{
                position: 'absolute',
                left: 0,
                right: 0,
                bottom: 0,
                padding: '24px 16px 28px',
                background: 'linear-gradient(transparent, rgba(0,0,0,0.55))',
              }}
            >
              <Typography.Title level={4} style={{ color: '#fff', margin: 0 }} ellipsis>
                {slide.headline ?? slide.product.title}
              </Typography.Title>
              <Typography.Text style={{ color: '#fff' }}>
                {t('product.priceFrom', {
                  price: formatCents(
                    Math.min(slide.product.priceCents, ...slide.product.priceTiers.map((x) => x.priceCents)),
                  ),
                })}
              </Typography.Text>
            </div>
          </div>
        </a>
      ))}
    </Carousel>
  );
}
