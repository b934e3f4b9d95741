import type { PaymentView } from '../lib/payments.ts';

export type { PaymentView };

// The order view does not carry its payment, so the checkout hands it to the order and cashier pages. The
// payment (its id and cashier link, no secret) and what it pays for survive a reload in this tab; a guest's
// lookup password stays in memory only, and after a reload the guest types it again into the lookup form.
const PAYMENT_KEY = 'kameng.payment.';
const PAYS_FOR_KEY = 'kameng.pays-for.';
const lookupPasswords = new Map<string, string>();

/**
 * What a payment pays for: an order (its id), a wallet top-up, a member level (back to the member page), or a
 * 分站's opening fee (back to the application page).
 */
export type PaysFor = { orderId: string } | { topUp: true } | { level: true } | { agentFee: true };

function store(key: string, value: unknown): void {
  try {
    sessionStorage.setItem(key, JSON.stringify(value));
  } catch {
    // storage disabled: paying still works until the page is reloaded
  }
}

function read(key: string): unknown {
  try {
    const raw = sessionStorage.getItem(key);
    return raw ? JSON.parse(raw) : null;
  } catch {
    return null;
  }
}

export function rememberCheckout(orderId: string, payment: PaymentView, lookupPassword?: string): void {
  store(PAYMENT_KEY + orderId, { id: payment.id, method: payment.method, payUrl: payment.payUrl ?? null });
  store(PAYS_FOR_KEY + payment.id, { orderId });
  if (lookupPassword) lookupPasswords.set(orderId, lookupPassword);
}

export function rememberTopUp(payment: PaymentView): void {
  store(PAYS_FOR_KEY + payment.id, { topUp: true });
}

export function rememberLevelUpgrade(payment: PaymentView): void {
  store(PAYS_FOR_KEY + payment.id, { level: true });
}

export function rememberAgentFee(payment: PaymentView): void {
  store(PAYS_FOR_KEY + payment.id, { agentFee: true });
}

export function rememberedPayment(orderId: string): { id: string; method: string; payUrl: string | null } | null {
  const v = read(PAYMENT_KEY + orderId);
  if (typeof v === 'object' && v !== null && 'id' in v && typeof v.id === 'string') {
    const payUrl = 'payUrl' in v && typeof v.payUrl === 'string' ? v.payUrl : null;
    const method = 'method' in v && typeof v.method === 'string' ? v.method : 'sandbox';
    return { id: v.id, method, payUrl };
  }
  return null;
}

export function paysFor(paymentId: string): PaysFor | null {
  const v = read(PAYS_FOR_KEY + paymentId);
  if (typeof v !== 'object' || v === null) return null;
  if ('orderId' in v && typeof v.orderId === 'string') return { orderId: v.orderId };
  if ('topUp' in v && v.topUp === true) return { topUp: true };
  if ('level' in v && v.level === true) return { level: true };
  if ('agentFee' in v && v.agentFee === true) return { agentFee: true };
  return null;
}

export function rememberedLookup(orderId: string): string | null {
  return lookupPasswords.get(orderId) ?? null;
}

export function rememberLookup(orderId: string, lookupPassword: string): void {
  lookupPasswords.set(orderId, lookupPassword);
}
