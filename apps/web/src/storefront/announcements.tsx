import { NotificationOutlined } from '@ant-design/icons';
import { Card, Collapse, Tag, Typography } from 'antd';
import { useI18n } from '../i18n/index.ts';
import { useSite } from '../lib/site.ts';

/** How many announcements the home page lists; pinned ones come first. */
const SHOWN = 5;

/** The home page's 公告: pinned first, then the newest; a title opens its text. Nothing when there are none. */
export function Announcements() {
  const { t, locale } = useI18n();
  const items = (useSite().data?.announcements ?? []).slice(0, SHOWN);
  if (items.length === 0) return null;
  const date = new Intl.DateTimeFormat(locale, { month: '2-digit', day: '2-digit' });
  return (
    <Card
      size="small"
      data-testid="announcements"
      title={
        <span>
          <NotificationOutlined style={{ marginRight: 8 }} />
          {t('home.announcements')}
        </span>
      }
      styles={{ body: { padding: 0 } }}
    >
      <Collapse
        ghost
        size="small"
        items={items.map((a, i) => ({
          key: String(i),
          label: (
            <span>
              {a.pinned && (
                <Tag color="red" bordered={false}>
                  {t('home.pinned')}
                </Tag>
              )}
              {a.title}
            </span>
          ),
          extra: (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {date.format(a.publishedAt)}
            </Typography.Text>
          ),
          children: a.body ? (
            <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: 0 }}>{a.body}</Typography.Paragraph>
          ) : null,
          collapsible: a.body ? undefined : ('disabled' as const),
          showArrow: Boolean(a.body),
        }))}
      />
    </Card>
  );
}

export default Announcements;
