import type { SitePageDto, SitePageName } from '@kameng/contracts';
import { useQuery } from '@tanstack/react-query';
import { Alert, Card, Skeleton, Typography } from 'antd';
import { errorText, useI18n } from '../i18n/index.ts';
import { api } from '../lib/api.ts';

/** The terms of service or the privacy policy, as the operators wrote them (plain text, line breaks kept). */
export function SitePage({ page }: { page: SitePageName }) {
  const { t } = useI18n();
  const q = useQuery({
    queryKey: ['site-page', page],
    queryFn: () => api<SitePageDto>('GET', `/api/v1/site/pages/${page}`),
  });
  return (
    <Card>
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {t(page === 'terms' ? 'footer.terms' : 'footer.privacy')}
      </Typography.Title>
      {q.isPending ? (
        <Skeleton active />
      ) : q.isError ? (
        <Alert type="info" showIcon message={errorText(t, q.error)} />
      ) : (
        <Typography.Paragraph style={{ whiteSpace: 'pre-wrap' }}>{q.data.text}</Typography.Paragraph>
      )}
    </Card>
  );
}

export default SitePage;
