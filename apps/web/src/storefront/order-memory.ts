import type { paymentViewSchema } from '@kameng/contracts';
import type { z } from 'zod';

export type PaymentView = z.infer<typeof paymentViewSchema>;

// The order view does not carry its payment, so the checkout hands it to the order page. The payment
// (its id and cashier link, no secret) survives a reload in this tab; a guest's lookup password stays in
// memory only, and after a reload the guest types it again into the lookup form.
const PAYMENT_KEY = 'kameng.payment.';
const lookupPasswords = new Map<string, string>();

export function rememberCheckout(orderId: string, payment: PaymentView, lookupPassword?: string): void {
  try {
    sessionStorage.setItem(PAYMENT_KEY + orderId, JSON.stringify({ id: payment.id, payUrl: payment.payUrl ?? null }));
  } catch {
    // storage disabled: paying still works until the page is reloaded
  }
  if (lookupPassword) lookupPasswords.set(orderId, lookupPassword);
}

export function rememberedPayment(orderId: string): { id: string; payUrl: string | null } | null {
  try {
    const raw = sessionStorage.getItem(PAYMENT_KEY + orderId);
    const v: unknown = raw ? JSON.parse(raw) : null;
    if (typeof v === 'object' && v !== null && 'id' in v && typeof v.id === 'string') {
      const payUrl = 'payUrl' in v && typeof v.payUrl === 'string' ? v.payUrl : null;
      return { id: v.id, payUrl };
    }
  } catch {
    // unreadable entry: treated as none
  }
  return null;
}

export function rememberedLookup(orderId: string): string | null {
  return lookupPasswords.get(orderId) ?? null;
}

export function rememberLookup(orderId: string, lookupPassword: string): void {
  lookupPasswords.set(orderId, lookupPassword);
}
