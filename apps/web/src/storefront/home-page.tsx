import { Alert, Button, Card, Flex, Typography } from 'antd';
import { useI18n } from '../i18n/index.ts';
import { linkTo } from '../lib/router.ts';
import { displayName, useSession } from '../lib/session.ts';

export function HomePage() {
  const { t } = useI18n();
  const { me } = useSession();
  return (
    <Card>
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {t('brand')}
      </Typography.Title>
      <Typography.Paragraph>{t('tagline')}</Typography.Paragraph>
      {me && (
        <Alert
          type="success"
          showIcon
          message={t('welcome', { name: displayName(me) })}
          description={t('roles', { roles: me.roles.join(', ') })}
        />
      )}
      {me === null && (
        <Flex gap={12}>
          <Button type="primary" block {...linkTo('/login')}>
            {t('login')}
          </Button>
          <Button block {...linkTo('/register')}>
            {t('register')}
          </Button>
        </Flex>
      )}
      <Typography.Paragraph type="secondary" style={{ marginTop: 16, marginBottom: 0 }}>
        {t('emptyHome')}
      </Typography.Paragraph>
    </Card>
  );
}
