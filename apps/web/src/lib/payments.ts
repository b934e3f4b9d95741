import type { availableMethodsSchema, paymentViewSchema } from '@kameng/contracts';
import { useQuery } from '@tanstack/react-query';
import type { z } from 'zod';
import { api } from './api.ts';

export type PaymentView = z.infer<typeof paymentViewSchema>;
type Methods = z.infer<typeof availableMethodsSchema>['methods'];

/** What a buyer can pay with now: the wallet, the sandbox when on, and the channels an operator set up. */
export function usePaymentMethods() {
  return useQuery({
    queryKey: ['payment-methods'],
    queryFn: () => api<{ methods: Methods }>('GET', '/api/v1/payments/methods').then((r) => r.methods),
    staleTime: 60_000,
  });
}

export const KNOWN_METHODS = ['balance', 'sandbox', 'alipay', 'wechat', 'epay'] as const;
export type KnownMethod = (typeof KNOWN_METHODS)[number];
export const CHANNELS = ['alipay', 'wechat', 'epay'] as const;

export function isKnownMethod(m: string): m is KnownMethod {
  return (KNOWN_METHODS as readonly string[]).includes(m);
}

export function isChannel(m: string): m is (typeof CHANNELS)[number] {
  return (CHANNELS as readonly string[]).includes(m);
}

/**
 * The scene a channel should open with on this device: on a phone the channel's mobile page (Alipay WAP,
 * WeChat H5), at a desk a QR code to scan with the phone. 易支付's scenes are the wallet to pay with, so
 * the buyer picks one of them instead.
 */
export function defaultScene(method: string, scenes: readonly string[], phone: boolean): string | null {
  const order =
    method === 'alipay'
      ? phone
        ? ['wap', 'qr', 'page']
        : ['qr', 'page', 'wap']
      : method === 'wechat'
        ? phone
          ? ['h5', 'native']
          : ['native', 'h5']
        : [];
  return order.find((s) => scenes.includes(s)) ?? scenes[0] ?? null;
}

export function isPhone(): boolean {
  return typeof matchMedia === 'function' && matchMedia('(max-width: 767px)').matches;
}
