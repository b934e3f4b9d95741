import { z } from 'zod';
import { defineChannel, httpUrl, ipList, pem, textAck } from './define.ts';

/** 易支付 (the 彩虹 family of aggregator gateways): the scenes are the wallet the buyer pays with there. */
export const epayChannel = defineChannel({
  id: 'epay',
  scenes: ['alipay', 'wxpay', 'qqpay'],
  launchBy: 'link',
  settings: z.strictObject({
    version: z.enum(['v1', 'v2']).optional().describe('v1: MD5 signatures; v2: RSA (SHA256withRSA)'),
    pid: z
      .string()
      .trim()
      .regex(/^\d{1,20}$/, 'digits')
      .optional(),
    apiBase: httpUrl.optional().describe('the gateway root, e.g. https://pay.example.com/'),
    platformPublicKey: pem.optional().describe('v2: the gateway public key that signs notifications and answers'),
    allowedIps: ipList.optional().describe('when set, notifications are only taken from these addresses'),
  }),
  secrets: z.strictObject({
    key: z.string().min(8).max(128).optional().describe('v1: the merchant MD5 key'),
    merchantPrivateKey: pem.optional().describe('v2: the merchant RSA private key'),
  }),
  fields: {
    settings: [
      { name: 'version', kind: 'version' },
      { name: 'pid', kind: 'text' },
      { name: 'apiBase', kind: 'url', label: 'apiBaseEpay', hint: true },
      { name: 'platformPublicKey', kind: 'pem', version: 'v2' },
      { name: 'allowedIps', kind: 'lines', hint: true },
    ],
    secrets: [
      { name: 'key', kind: 'password', version: 'v1' },
      { name: 'merchantPrivateKey', kind: 'pem', version: 'v2' },
    ],
  },
  notify: {
    methods: ['GET', 'POST'],
    summary: '易支付 notification (V1 MD5 or V2 RSA), confirmed by an order query; `success` after our commit',
    ...textAck('success'),
  },
  labels: { 'zh-CN': '易支付', 'en-US': 'Epay (易支付)' },
});
