import type { NoticeListDto } from '@kameng/contracts';
import { Badge, Button, Card, Empty, List, Skeleton, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { formatTime } from '../console/format.ts';
import { ErrorAlert } from '../console/layout.tsx';
import { useGet, useInvalidate } from '../console/query.ts';
import { useI18n } from '../i18n/index.ts';
import { api } from '../lib/api.ts';
import { linkTo } from '../lib/router.ts';
import { useT } from './messages.ts';

const NOTICES = '/api/v1/notices';

/** The supplier's in-site notices (low stock and the like), newest first, with "mark all read". */
export function NoticesCard() {
  const t = useT();
  const { locale } = useI18n();
  const notices = useGet<NoticeListDto>(`${NOTICES}?pageSize=5`);
  const invalidate = useInvalidate();
  const [marking, setMarking] = useState(false);
  const [markError, setMarkError] = useState<unknown>(null);
  const unread = notices.data?.unread ?? 0;
  const readAll = async () => {
    setMarking(true);
    setMarkError(null);
    try {
      await api('POST', `${NOTICES}/read`, {});
      await invalidate(NOTICES);
    } catch (err) {
      setMarkError(err);
    } finally {
      setMarking(false);
    }
  };
  return (
    <Card
      title={
        <Space>
          {t('dash.notices')}
          <Badge count={unread} />
        </Space>
      }
      extra={
        <Button size="small" disabled={unread === 0} loading={marking} onClick={readAll}>
          {t('dash.noticesReadAll')}
        </Button>
      }
    >
      <ErrorAlert error={notices.error ?? markError} onRetry={() => notices.refetch()} />
      {notices.isPending ? (
        <Skeleton active />
      ) : !notices.data || notices.data.items.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('dash.noticesNone')} />
      ) : (
        <List
          size="small"
          dataSource={notices.data.items}
          renderItem={(n) => (
            <List.Item
              actions={
                n.link?.startsWith('/')
                  ? [
                      <a key="open" {...linkTo(n.link)}>
                        {t('dash.noticeOpen')}
                      </a>,
                    ]
                  : []
              }
            >
              <List.Item.Meta
                title={
                  <Space wrap>
                    <Typography.Text strong={!n.read}>{n.title}</Typography.Text>
                    {!n.read && <Tag color="red">{t('dash.noticeUnread')}</Tag>}
                  </Space>
                }
                description={
                  <>
                    <Typography.Paragraph ellipsis={{ rows: 2 }} style={{ marginBottom: 0, whiteSpace: 'pre-line' }}>
                      {n.body}
                    </Typography.Paragraph>
                    <Typography.Text type="secondary">{formatTime(n.createdAt, locale)}</Typography.Text>
                  </>
                }
              />
            </List.Item>
          )}
        />
      )}
    </Card>
  );
}
