import { Button, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { formatCents } from './format.ts';
import { useCommonT } from './i18n.ts';
import { ID_LINK, PagedTable, type PagedRows } from './table.tsx';
import { ORDER_STATUS_COLOR, type OrderStatus } from './types.ts';

export interface OrderRow {
  id: string;
  items: readonly { title: string; quantity: number }[];
  amountCents: number;
  status: OrderStatus;
}

/** An order's items in one line: "title × 2，title × 1". */
export function itemsLine(order: OrderRow): string {
  return order.items.map((i) => `${i.title} × ${i.quantity}`).join('，');
}

/**
 * A page of orders as both consoles list them: the id (opens the order), its items, amount and status; `middle`
 * and `after` add the columns one console needs besides (the supplier, the times, the actions).
 */
export function OrdersTable<O extends OrderRow>(props: PagedRows<O> & { onOpen: (order: O) => void }) {
  const t = useCommonT();
  const columns: ColumnsType<O> = [
    {
      title: t('ord.id'),
      dataIndex: 'id',
      width: 250,
      render: (id: string, o) => (
        <Button type="link" size="small" style={ID_LINK} onClick={() => props.onOpen(o)}>
          {id}
        </Button>
      ),
    },
    {
      title: t('ord.items'),
      width: 260,
      key: 'items',
      render: (_, o) => (
        <Typography.Text ellipsis style={{ maxWidth: 260 }}>
          {itemsLine(o)}
        </Typography.Text>
      ),
    },
    ...(props.middle ?? []),
    { title: t('common.amount'), dataIndex: 'amountCents', width: 110, render: (c: number) => formatCents(c) },
    {
      title: t('common.status'),
      dataIndex: 'status',
      width: 110,
      render: (s: OrderStatus) => <Tag color={ORDER_STATUS_COLOR[s]}>{t(`order.${s}`)}</Tag>,
    },
    ...(props.after ?? []),
  ];
  return <PagedTable<O> {...props} columns={columns} />;
}
