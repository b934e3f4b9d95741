/** Orders as CSV or .xlsx, with the list's filters: every order for operators, a supplier's own for him. */
import type { Deps } from '../../platform/deps.ts';
import type { AuthContext } from '../../platform/http/auth.ts';
import { type ExportColumn, type ExportSpec, keysetPages } from '../../platform/http/export.ts';
import * as q from './orders.queries.ts';

type OrderFilters = Omit<q.OrderFilter, 'limit' | 'offset' | 'buyerId' | 'supplierId'>;
type ExportedOrder = q.OrderRow & { items: q.OrderItemRow[] };

const PAGE = 1000;

const COMMON: ExportColumn<ExportedOrder>[] = [
  { header: '订单号 Order', kind: 'text', value: (o) => o.id, width: 32 },
  { header: '下单时间 Created (CST)', kind: 'time', value: (o) => o.created_at },
  { header: '状态 Status', kind: 'text', value: (o) => o.status, width: 16 },
  {
    header: '商品 Items',
    kind: 'text',
    value: (o) => o.items.map((i) => `${i.title} ×${i.quantity}`).join('; '),
    width: 40,
  },
  { header: '数量 Quantity', kind: 'int', value: (o) => o.items.reduce((n, i) => n + i.quantity, 0) },
  { header: '金额(元) Amount (CNY)', kind: 'money', value: (o) => o.amount_cents },
  { header: '支付方式 Method', kind: 'text', value: (o) => o.payment_method, width: 12 },
  { header: '支付时间 Paid (CST)', kind: 'time', value: (o) => o.paid_at },
  { header: '发货时间 Delivered (CST)', kind: 'time', value: (o) => o.delivered_at },
  { header: '完成时间 Completed (CST)', kind: 'time', value: (o) => o.completed_at },
  { header: '充值账号 Recipient', kind: 'text', value: (o) => o.recipient_account },
];

const OPERATOR_COLUMNS: ExportColumn<ExportedOrder>[] = [
  ...COMMON,
  { header: '供应商 Supplier', kind: 'text', value: (o) => o.supplier_id, width: 32 },
  { header: '买家 Buyer', kind: 'text', value: (o) => o.buyer_id, width: 32 },
  { header: '游客邮箱 Guest email', kind: 'text', value: (o) => o.guest_email, width: 28 },
  { header: '需处理 Needs attention', kind: 'int', value: (o) => o.needs_attention },
];

// a supplier sees who bought only as guest or not, as on his order list
const SUPPLIER_COLUMNS: ExportColumn<ExportedOrder>[] = [
  ...COMMON,
  { header: '游客 Guest', kind: 'int', value: (o) => (o.buyer_id ? 0 : 1) },
];

function rows(deps: Deps, f: Omit<q.OrderFilter, 'limit' | 'offset'>): AsyncIterable<ExportedOrder> {
  return keysetPages<ExportedOrder>(PAGE, async (after) => {
    const page = await q.ordersAfter(deps.db, f, after, PAGE);
    const items = await q.itemsOfMany(
      deps.db,
      page.map((o) => o.id),
    );
    return page.map((o) => ({ ...o, items: items.get(o.id) ?? [] }));
  });
}

export function exportOrdersForOperator(deps: Deps, f: OrderFilters): ExportSpec<ExportedOrder> {
  return { name: 'orders', columns: OPERATOR_COLUMNS, rows: rows(deps, f) };
}

export function exportSupplierOrders(
  deps: Deps,
  auth: AuthContext,
  f: Omit<OrderFilters, 'q' | 'needsAttention'>,
): ExportSpec<ExportedOrder> {
  return { name: 'my-orders', columns: SUPPLIER_COLUMNS, rows: rows(deps, { ...f, supplierId: auth.userId }) };
}
