import { Flex, Typography } from 'antd';
import { useI18n } from '../i18n/index.ts';
import { linkTo } from '../lib/router.ts';
import { ICP_RECORD_URL, psbRecordUrl, useSite } from '../lib/site.ts';

const small = { fontSize: 12 } as const;

/**
 * The storefront's footer: 客服 contacts, the terms and privacy links, and the ICP and 公安 record numbers a
 * mainland site must show, each linked to its register.
 */
export function SiteFooter() {
  const { t } = useI18n();
  const site = useSite().data;
  if (!site) return null;
  const { support } = site;
  const contacts = [
    support.qq && `${t('footer.qq')} ${support.qq}`,
    support.wechat && `${t('footer.wechat')} ${support.wechat}`,
    support.hours && `${t('footer.hours')} ${support.hours}`,
  ].filter((x): x is string => Boolean(x));
  const hasSupport = contacts.length > 0 || support.url;
  return (
    <Flex vertical align="center" gap={4} data-testid="site-footer">
      {site.agentSite?.contact && (
        <Flex wrap justify="center" gap="4px 12px" style={small} data-testid="agent-contact">
          <Typography.Text strong style={small}>
            {t('agentSite.contact')}
          </Typography.Text>
          <Typography.Text type="secondary" style={small}>
            {site.agentSite.contact}
          </Typography.Text>
        </Flex>
      )}
      {hasSupport && (
        <Flex wrap justify="center" gap="4px 12px" style={small}>
          <Typography.Text strong style={small}>
            {t('footer.support')}
          </Typography.Text>
          {contacts.map((c) => (
            <Typography.Text key={c} type="secondary" style={small} copyable={false}>
              {c}
            </Typography.Text>
          ))}
          {support.url && (
            <a href={support.url} target="_blank" rel="noopener noreferrer">
              {t('footer.supportLink')}
            </a>
          )}
        </Flex>
      )}
      {(site.hasTerms || site.hasPrivacy) && (
        <Flex wrap justify="center" gap={12} style={small}>
          {site.hasTerms && <a {...linkTo('/terms')}>{t('footer.terms')}</a>}
          {site.hasPrivacy && <a {...linkTo('/privacy')}>{t('footer.privacy')}</a>}
        </Flex>
      )}
      <Flex wrap justify="center" gap="4px 12px" style={small}>
        <Typography.Text type="secondary" style={small}>
          © {new Date().getFullYear()} {site.name}
        </Typography.Text>
        {site.icp && (
          <a href={ICP_RECORD_URL} target="_blank" rel="noopener noreferrer" data-testid="icp">
            {site.icp}
          </a>
        )}
        {site.psbRecord &&
          (site.psbCode ? (
            <a href={psbRecordUrl(site.psbCode)} target="_blank" rel="noopener noreferrer" data-testid="psb">
              {site.psbRecord}
            </a>
          ) : (
            <Typography.Text type="secondary" style={small} data-testid="psb">
              {site.psbRecord}
            </Typography.Text>
          ))}
      </Flex>
    </Flex>
  );
}
