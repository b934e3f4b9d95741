import { Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useI18n } from '../i18n/index.ts';
import { formatSignedCents, formatTime } from './format.ts';
import { postingKind, useCommonT } from './i18n.ts';
import { PagedTable, type PagedRows } from './table.tsx';

export interface PostingRow {
  id: string;
  kind: string;
  amountCents: number;
  createdAt: number;
}

/**
 * A page of ledger postings as every console shows them: when, what kind of entry, the signed amount (red out,
 * green in); `middle` and `after` add the columns one console needs besides (the account, the entry, the reference).
 */
export function PostingsTable<P extends PostingRow>(props: PagedRows<P>) {
  const t = useCommonT();
  const { locale } = useI18n();
  const columns: ColumnsType<P> = [
    { title: t('common.time'), dataIndex: 'createdAt', width: 170, render: (v: number) => formatTime(v, locale) },
    { title: t('common.kind'), dataIndex: 'kind', width: 160, render: (k: string) => postingKind(t, k) },
    ...(props.middle ?? []),
    {
      title: t('common.amount'),
      dataIndex: 'amountCents',
      width: 120,
      align: 'right',
      render: (c: number) => (
        <Typography.Text type={c < 0 ? 'danger' : 'success'}>{formatSignedCents(c)}</Typography.Text>
      ),
    },
    ...(props.after ?? []),
  ];
  return <PagedTable<P> {...props} columns={columns} size="small" />;
}
