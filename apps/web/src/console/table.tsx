import type { ProductStatus } from '@kameng/contracts';
import { Card, Descriptions, Grid, List, Select, Table, type TableProps } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import type { ReactNode } from 'react';
import { type CommonKey, type ConsoleT, useCommonT } from './i18n.ts';
import { ORDER_STATUSES, type OrderStatus } from './types.ts';

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

/** What a page of a console list needs: its rows, the total for the pager, and where the columns go. */
export interface PagedRows<R> {
  rows: readonly R[];
  total: number;
  loading: boolean;
  page: number;
  onPage: (page: number) => void;
  pageSize?: number;
  emptyText: ReactNode;
  scrollX: number;
  /** columns a console adds in the middle of the shared ones */
  middle?: ColumnsType<R>;
  /** columns a console adds after the shared ones */
  after?: ColumnsType<R>;
}

/** A console list with the shared pager, rows keyed by id. */
export function PagedTable<R extends { id: string }>(
  props: Omit<PagedRows<R>, 'middle' | 'after'> &
    Pick<TableProps<R>, 'size' | 'style' | 'expandable'> & { columns: ColumnsType<R> },
) {
  const t = useCommonT();
  const screens = Grid.useBreakpoint();
  // a phone has no room for a table's columns: each row becomes a card of "column: value" lines
  if (screens.sm === false) {
    return (
      <List<R>
        loading={props.loading}
        dataSource={[...props.rows]}
        rowKey="id"
        locale={{ emptyText: props.emptyText }}
        pagination={{
          ...pager(t, props.page, props.onPage, props.total, props.pageSize),
          align: 'center',
          size: 'small',
        }}
        renderItem={(row, index) => (
          <Card size="small" style={{ marginBottom: 8 }} data-testid="console-row-card">
            <Descriptions size="small" column={1} colon>
              {(props.columns as CardColumn[]).map((c, i) => (
                <Descriptions.Item key={String(c.key ?? i)} label={c.title as ReactNode}>
                  {cellOf(c, row, index)}
                </Descriptions.Item>
              ))}
            </Descriptions>
          </Card>
        )}
      />
    );
  }
  return (
    <Table<R>
      size={props.size}
      style={props.style}
      expandable={props.expandable}
      rowKey="id"
      loading={props.loading}
      dataSource={[...props.rows]}
      scroll={{ x: props.scrollX }}
      locale={{ emptyText: props.emptyText }}
      pagination={pager(t, props.page, props.onPage, props.total, props.pageSize)}
      columns={props.columns}
    />
  );
}

/** The parts of a table column a card reads. */
interface CardColumn {
  key?: unknown;
  title?: unknown;
  dataIndex?: unknown;
  render?: (value: unknown, row: unknown, index: number) => unknown;
}

/** What a table column shows for a row: its render of the row's value at dataIndex, or the value itself. */
function cellOf(column: CardColumn, row: unknown, index: number): ReactNode {
  const d = column.dataIndex;
  const path: (string | number)[] = d === undefined ? [] : Array.isArray(d) ? d : [d as string];
  const value = path.reduce<unknown>((v, k) => (v as Record<string | number, unknown> | null)?.[k], row);
  if (column.render) return column.render(value, row, index) as ReactNode;
  return path.length > 0 ? (value as ReactNode) : null;
}

/** The rows, total and pager state of a page answer (`{ items, total }`), as PagedRows takes them. */
export function pageOf<R>(
  list: { data?: { items: readonly R[]; total: number } | undefined; isFetching: boolean },
  page: number,
  onPage: (page: number) => void,
) {
  return { rows: list.data?.items ?? [], total: list.data?.total ?? 0, loading: list.isFetching, page, onPage };
}

const PRODUCT_STATUSES = ['pending_review', 'approved', 'rejected'] as const;

/** The status filter of an order list; choosing calls onChange (e.g. back to page 1). */
export function OrderStatusFilter(props: {
  value: OrderStatus | undefined;
  onChange: (v: OrderStatus | undefined) => void;
}) {
  const t = useCommonT();
  return (
    <FilterSelect<OrderStatus>
      value={props.value}
      onChange={props.onChange}
      options={ORDER_STATUSES.map((s) => ({ value: s, label: t(`order.${s}`) }))}
      allLabel={t('common.all')}
      label={t('common.status')}
    />
  );
}

/** The review-status filter of a product list. */
export function ProductStatusFilter(props: {
  value: ProductStatus | undefined;
  onChange: (v: ProductStatus | undefined) => void;
}) {
  const t = useCommonT();
  return (
    <FilterSelect<ProductStatus>
      value={props.value}
      onChange={props.onChange}
      options={PRODUCT_STATUSES.map((s) => ({ value: s, label: t(`product.${s}`) }))}
      allLabel={t('common.all')}
      label={t('common.status')}
    />
  );
}
