import { CHANNEL_IDS, type ChannelViewDto } from '@kameng/contracts';
import { describe, expect, it } from 'vitest';
import { commonZhCN } from '../console/messages.ts';
import { zhCN as adminZh } from './messages.ts';
import {
  bpsToPercentText,
  channelBody,
  feePercentToBps,
  fieldLabel,
  initialValues,
  missingOf,
  SECRET_FIELDS,
  SETTING_FIELDS,
} from './payment-channel-form.ts';
import { enUS, zhCN } from './payments-messages.ts';

const translate = (key: string) => (zhCN as Record<string, string>)[key] ?? key;

function view(o: Partial<ChannelViewDto> = {}): ChannelViewDto {
  return {
    provider: 'alipay',
    enabled: false,
    environment: 'production',
    methods: ['qr'],
    feeBps: 60,
    siteUrl: 'https://shop.example.com',
    settings: { appId: '2021000000000001', sellerId: '2088000000000001', alipayPublicKey: 'PUBKEY' },
    secrets: { appPrivateKey: '••••abcd' },
    missing: [],
    notifyUrl: 'https://shop.example.com/api/v1/payments/notify/alipay',
    updatedAt: 1,
    ...o,
  };
}

describe('the payment channel form', () => {
  it('reads and writes fee rates in percent, by string, up to 20 %', () => {
    expect(feePercentToBps('0.6')).toBe(60);
    expect(feePercentToBps(' 5.25 ')).toBe(525);
    expect(feePercentToBps('20')).toBe(2000);
    expect(feePercentToBps('20.01')).toBeNull();
    expect(feePercentToBps('0.605')).toBeNull();
    expect(feePercentToBps('-1')).toBeNull();
    expect(feePercentToBps('')).toBeNull();
    for (const bps of [0, 6, 60, 100, 525, 2000]) expect(feePercentToBps(bpsToPercentText(bps))).toBe(bps);
  });

  it('sends the switches, but neither settings nor secrets when none changed (so no password is asked)', () => {
    const v = view();
    const values = { ...initialValues(v), feePercent: '0.38', methods: ['qr', 'wap'], enabled: true };
    expect(channelBody(v, values)).toEqual({
      provider: 'alipay',
      enabled: true,
      environment: 'production',
      methods: ['qr', 'wap'],
      feeBps: 38,
      siteUrl: 'https://shop.example.com',
    });
  });

  it('sends only the settings that changed and only the secrets that were typed; a stored secret is never echoed', () => {
    const v = view();
    const start = initialValues(v);
    expect(start.secrets).toEqual({});
    const body = channelBody(v, {
      ...start,
      settings: { ...start.settings, sellerId: ' 2088000000000002 ', gatewayUrl: 'http://127.0.0.1:9/gateway.do' },
      secrets: { appPrivateKey: '  -----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n' },
    });
    expect(body.settings).toEqual({ sellerId: '2088000000000002', gatewayUrl: 'http://127.0.0.1:9/gateway.do' });
    expect(body.secrets).toEqual({ appPrivateKey: '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----' });
  });

  it('WeChat Pay public keys go as a list, complete rows only, and only when the list changed', () => {
    const stored = [{ serial: 'PUB_KEY_ID_1', publicKey: 'KEY1' }];
    const v = view({ provider: 'wechat', settings: { mchid: '1900000109', platformPublicKeys: stored } });
    const start = initialValues(v);
    expect(start.settings.platformPublicKeys).toEqual(stored);
    expect(channelBody(v, start).settings).toBeUndefined();
    const body = channelBody(v, {
      ...start,
      settings: {
        ...start.settings,
        platformPublicKeys: [...stored, { serial: 'PUB_KEY_ID_2', publicKey: 'KEY2' }, { serial: 'half' }],
      },
      secrets: { apiV3Key: 'k'.repeat(32) },
    });
    expect(body.settings).toEqual({
      platformPublicKeys: [...stored, { serial: 'PUB_KEY_ID_2', publicKey: 'KEY2' }],
    });
    expect(body.secrets).toEqual({ apiV3Key: 'k'.repeat(32) });
  });

  it('易支付 gateway addresses are one a line; the version starts at V1 for a new channel', () => {
    const v = view({ provider: 'epay', settings: {}, secrets: { key: null, merchantPrivateKey: null } });
    const start = initialValues(v);
    expect(start.settings.version).toBe('v1');
    const body = channelBody(v, {
      ...start,
      settings: { ...start.settings, pid: '1001', allowedIps: '10.0.0.1\n 10.0.0.2 \n\n' },
      secrets: { key: 'md5-merchant-key' },
    });
    expect(body.settings).toEqual({ version: 'v1', pid: '1001', allowedIps: ['10.0.0.1', '10.0.0.2'] });
    expect(body.secrets).toEqual({ key: 'md5-merchant-key' });
  });

  it("names the server's missing fields in words and reads them from a refused save", () => {
    // every channel of the registry: its fields, and the hints it asks for, have console messages
    for (const p of CHANNEL_IDS) {
      for (const f of [...SETTING_FIELDS[p], ...SECRET_FIELDS[p]]) {
        expect(fieldLabel(translate, `settings.${f.name}`), `${p} ${f.name}`).not.toContain('.');
        expect(fieldLabel(translate, `settings.${f.label ?? f.name}`), `${p} ${f.name}`).not.toContain('.');
        if (f.hint) expect(Object.hasOwn(zhCN, `ch.f.${f.label ?? f.name}Hint`), `${p} ${f.name} hint`).toBe(true);
      }
    }
    expect(fieldLabel(translate, 'siteUrl')).toBe(zhCN['ch.siteUrl']);
    expect(fieldLabel(translate, 'secrets.apiV3Key')).toBe(zhCN['ch.f.apiV3Key']);
    expect(missingOf({ missing: ['settings.appId', 3], issues: [] })).toEqual(['settings.appId']);
    expect(missingOf({ issues: [] })).toBeNull();
    expect(missingOf(null)).toBeNull();
  });
});

describe('the payment pages dictionary', () => {
  const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
  it('translates every key with the same placeholders, and shadows no other console key', () => {
    expect(Object.keys(enUS).sort()).toEqual(Object.keys(zhCN).sort());
    for (const [key, zh] of Object.entries(zhCN)) {
      const en = (enUS as Record<string, string>)[key] ?? '';
      expect(zh.trim(), key).not.toBe('');
      expect(en.trim(), key).not.toBe('');
      expect(placeholders(en), key).toEqual(placeholders(zh));
      expect(Object.hasOwn(commonZhCN, key), key).toBe(false);
      expect(Object.hasOwn(adminZh, key), key).toBe(false);
    }
  });
});
