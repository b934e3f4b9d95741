import { Input } from 'antd';
import { useI18n } from '../i18n/index.ts';
import { navigate, useSearch, withQuery } from '../lib/router.ts';

/** Searching keeps the category and facets already chosen only on the results page itself. */
export function SearchBox({ size }: { size?: 'large' | 'middle' }) {
  const { t } = useI18n();
  const search = useSearch();
  const current = location.pathname === '/search' ? (search.get('q') ?? '') : '';
  return (
    <Input.Search
      key={current}
      defaultValue={current}
      placeholder={t('search.placeholder')}
      aria-label={t('search.placeholder')}
      enterButton={t('search.button')}
      maxLength={100}
      allowClear
      {...(size ? { size } : {})}
      onSearch={(value) => navigate(withQuery('/search', { q: value.trim() }))}
    />
  );
}
