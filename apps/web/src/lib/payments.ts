import {
  type availableMethodsSchema,
  CHANNEL_IDS,
  type ChannelProviderDto,
  channelOf,
  isChannelId,
  type paymentViewSchema,
} from '@kameng/contracts';
import { useQuery } from '@tanstack/react-query';
import type { z } from 'zod';
import type { Locale } from '../i18n/index.ts';
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

// every list of channels comes from the payment-channel registry of @kameng/contracts
export const KNOWN_METHODS = ['balance', 'sandbox', ...CHANNEL_IDS] as const;
export type KnownMethod = 'balance' | 'sandbox' | ChannelProviderDto;

export function isKnownMethod(m: string): m is KnownMethod {
  return (KNOWN_METHODS as readonly string[]).includes(m);
}

export function isChannel(m: string): m is ChannelProviderDto {
  return isChannelId(m);
}

/** A channel's name in the reader's language, from its definition. */
export function channelLabel(id: ChannelProviderDto, locale: Locale): string {
  return channelOf(id).labels[locale];
}

/**
 * A payment method in words: the wallet and the sandbox by the page's own messages (`method.balance`,
 * `method.sandbox`, `method.other`), a channel by its definition.
 */
export function methodLabel(
  t: ((key: 'method.balance' | 'method.sandbox' | 'method.other') => string) & { locale: Locale },
  m: string,
): string {
  if (isChannel(m)) return channelLabel(m, t.locale);
  return m === 'balance' || m === 'sandbox' ? t(`method.${m}`) : t('method.other');
}

/**
 * The scene a channel should open with on this device, as its definition prefers: on a phone the channel's
 * mobile page (Alipay WAP, WeChat H5), at a desk a QR code or the PC page. Without a preference (易支付's
 * scenes are the wallet to pay with) the buyer picks one.
 */
export function defaultScene(method: string, scenes: readonly string[], phone: boolean): string | null {
  const preferred = isChannel(method) ? channelOf(method).preferredScenes : undefined;
  const order: readonly string[] = (phone ? preferred?.phone : preferred?.desk) ?? [];
  return order.find((s) => scenes.includes(s)) ?? scenes[0] ?? null;
}

export function isPhone(): boolean {
  return typeof matchMedia === 'function' && matchMedia('(max-width: 767px)').matches;
}
