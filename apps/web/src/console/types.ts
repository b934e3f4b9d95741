import type {
  accountPostingsSchema,
  auditEntrySchema,
  commissionRatesSchema,
  dailySummarySchema,
  ledgerAccountSchema,
  orderStatusSchema,
  orderViewSchema,
  postingsPageSchema,
  Role,
  supplierBalanceSchema,
  withdrawalsPageSchema,
} from '@kameng/contracts';
import type { z } from 'zod';

// Types of API answers, inferred from the shared schemas (type-only: no zod in the bundle).
export type Balance = z.infer<typeof supplierBalanceSchema>;
export type PostingsPage = z.infer<typeof postingsPageSchema>;
export type WithdrawalsPage = z.infer<typeof withdrawalsPageSchema>;
export type OrderView = z.infer<typeof orderViewSchema>;
export type OrderStatus = z.infer<typeof orderStatusSchema>;
export type OrdersPage = { items: OrderView[]; total: number };
export type CommissionRates = z.infer<typeof commissionRatesSchema>;
export type DailySummary = z.infer<typeof dailySummarySchema>;
export type AccountPostings = z.infer<typeof accountPostingsSchema>;
export type LedgerAccount = z.infer<typeof ledgerAccountSchema>;
export type AuditEntry = z.infer<typeof auditEntrySchema>;

export const ORDER_STATUSES: readonly OrderStatus[] = [
  'pending_payment',
  'paid',
  'delivered',
  'completed',
  'cancelled',
  'refunded',
  'delivery_failed',
  'disputed',
];

export const ORDER_STATUS_COLOR: Record<OrderStatus, string> = {
  pending_payment: 'default',
  paid: 'blue',
  delivered: 'cyan',
  completed: 'green',
  cancelled: 'default',
  refunded: 'purple',
  delivery_failed: 'red',
  disputed: 'orange',
};

export const PRODUCT_STATUS_COLOR = { pending_review: 'gold', approved: 'green', rejected: 'red' } as const;

export const WITHDRAWAL_STATUS_COLOR = {
  pending: 'gold',
  approved: 'blue',
  paid: 'green',
  rejected: 'default',
  failed: 'red',
} as const;

/** The roles, as in contracts' ROLES (kept here so no zod schema is bundled for one list). */
export const ROLE_LIST = ['buyer', 'supplier', 'operator', 'arbitrator', 'admin'] as const satisfies readonly Role[];
