import { CHANNEL_IDS } from '@kameng/contracts';
import type { ChannelProvider } from '../payments.tables.ts';
import { alipayProvider } from './alipay.ts';
import { epayProvider } from './epay.ts';
import type { ProviderDefinition } from './provider.ts';
import { unionpayProvider } from './unionpay.ts';
import { wechatProvider } from './wechat.ts';

/**
 * The server half of the payment-channel registry: one entry per channel the contracts' registry lists
 * (the type makes a missing or extra one a compile error). Routes, jobs, reconciliation and the channel
 * settings all look channels up here instead of naming them.
 */
const PROVIDERS: { [P in ChannelProvider]: ProviderDefinition<Extract<ProviderDefinition['channel'], { id: P }>> } = {
  alipay: alipayProvider,
  wechat: wechatProvider,
  epay: epayProvider,
  unionpay: unionpayProvider,
};

export function providerOf(provider: ChannelProvider): ProviderDefinition {
  return PROVIDERS[provider];
}

/** Every channel's server definition, in the contracts' order. */
export const PROVIDER_DEFINITIONS: readonly ProviderDefinition[] = CHANNEL_IDS.map((id) => PROVIDERS[id]);
