import { Select } from 'antd';
import type { CommonKey, ConsoleT } from './i18n.ts';

/** The pager every console table uses: page numbers, total count, fixed page size. */
export function pager(
  t: ConsoleT<CommonKey>,
  page: number,
  setPage: (n: number) => void,
  total: number,
  pageSize = 20,
) {
  return {
    current: page,
    pageSize,
    total,
    onChange: setPage,
    showSizeChanger: false,
    showTotal: (n: number) => t('common.total', { n }),
  };
}

/** A filter drop-down with an "all" choice first; choosing anything calls onChange (e.g. back to page 1). */
export function FilterSelect<V extends string>(props: {
  value: V | undefined;
  onChange: (v: V | undefined) => void;
  options: readonly { value: V; label: string }[];
  allLabel: string;
  label: string;
  width?: number;
  size?: 'small' | 'middle';
}) {
  return (
    <Select<V | '__all'>
      style={{ width: props.width ?? 140 }}
      size={props.size ?? 'middle'}
      value={props.value ?? '__all'}
      aria-label={props.label}
      onChange={(v) => props.onChange(v === '__all' ? undefined : (v as V))}
      options={[{ value: '__all' as const, label: props.allLabel }, ...props.options]}
    />
  );
}

/** A link-styled button holding a long id: it wraps inside its cell instead of running over the next one. */
export const ID_LINK = {
  padding: 0,
  height: 'auto',
  whiteSpace: 'normal',
  wordBreak: 'break-all',
  textAlign: 'left',
} as const;
