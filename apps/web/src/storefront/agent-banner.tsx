import type { SiteSettingsDto } from '@kameng/contracts';
import { NotificationOutlined, PhoneOutlined } from '@ant-design/icons';
import { Card, Carousel, Flex, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useI18n } from '../i18n/index.ts';
import { linkTo } from '../lib/router.ts';

type AgentSite = NonNullable<SiteSettingsDto['agentSite']>;

/** A slide's link: a path on this site, or an https address opened apart; anything else is no link at all. */
function slideLink(link: string | null | undefined, child: ReactNode, key: number) {
  if (link && /^\/(?!\/)/.test(link)) {
    return (
      <a key={key} {...linkTo(link)}>
        {child}
      </a>
    );
  }
  if (link && /^https:\/\//.test(link)) {
    return (
      <a key={key} href={link} target="_blank" rel="noopener noreferrer">
        {child}
      </a>
    );
  }
  return <div key={key}>{child}</div>;
}

/**
 * An agent's 分站 home: his carousel, notice and contact, as GET /site answers for this Host. Its own chunk:
 * the platform's own home never loads it.
 */
export default function AgentBanner({ site, height }: { site: AgentSite; height: number }) {
  const { t } = useI18n();
  return (
    <Flex vertical gap={12} data-testid="agent-banner">
      {site.carousel.length > 0 && (
        <Carousel
          autoplay
          autoplaySpeed={5000}
          dots={site.carousel.length > 1}
          style={{ borderRadius: 8, overflow: 'hidden' }}
        >
          {site.carousel.map((s, i) =>
            slideLink(
              s.link,
              <img
                src={s.imageUrl}
                alt=""
                style={{ display: 'block', width: '100%', height, objectFit: 'cover', background: '#f5f5f5' }}
              />,
              i,
            ),
          )}
        </Carousel>
      )}
      {(site.notice || site.contact) && (
        <Card size="small">
          <Flex vertical gap={6}>
            {site.notice && (
              <Typography.Paragraph style={{ margin: 0, whiteSpace: 'pre-wrap' }} data-testid="agent-notice">
                <NotificationOutlined style={{ color: '#e4393c', marginRight: 6 }} />
                <Typography.Text strong>{t('agentSite.notice')}：</Typography.Text>
                {site.notice}
              </Typography.Paragraph>
            )}
            {site.contact && (
              <Typography.Text>
                <PhoneOutlined style={{ marginRight: 6 }} />
                {t('agentSite.contact')}：{site.contact}
              </Typography.Text>
            )}
          </Flex>
        </Card>
      )}
    </Flex>
  );
}
