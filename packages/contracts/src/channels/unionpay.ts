import { z } from 'zod';
import { defineChannel, httpUrl, pem } from './define.ts';

/**
 * UnionPay online payments (银联全渠道 / 云闪付), version 5.1.0: `page` is the PC gateway (channelType 07),
 * `wap` the mobile page (08); both are front transactions, so the buyer's browser posts a signed form there.
 */
export const unionpayChannel = defineChannel({
  id: 'unionpay',
  scenes: ['page', 'wap'],
  preferredScenes: { phone: ['wap', 'page'], desk: ['page', 'wap'] },
  launchBy: 'form_post',
  // the gateway may hand the buyer on to its cashier hosts
  formRedirects: ['https://*.95516.com'],
  settings: z.strictObject({
    merId: z
      .string()
      .trim()
      .regex(/^\d{15}$/, '15 digits')
      .optional()
      .describe('the merchant number (merId) notifications must name'),
    certId: z
      .string()
      .trim()
      .regex(/^\d{1,40}$/, 'digits')
      .optional()
      .describe('serial number (decimal) of the merchant signing certificate, sent as certId'),
    rootCert: pem.optional().describe('UnionPay root certificate (PEM) that the signing certificates chain up to'),
    middleCert: pem.optional().describe('UnionPay intermediate certificate (PEM) that issues the signing certificates'),
    apiBase: httpUrl.optional().describe('overrides the gateway and file download roots of the chosen environment'),
  }),
  secrets: z.strictObject({
    signPrivateKey: pem.optional().describe('the private key of the merchant signing certificate (PEM, from its .pfx)'),
  }),
  fields: {
    settings: [
      { name: 'merId', kind: 'text' },
      { name: 'certId', kind: 'text', hint: true },
      { name: 'rootCert', kind: 'pem' },
      { name: 'middleCert', kind: 'pem' },
      { name: 'apiBase', kind: 'url' },
    ],
    secrets: [{ name: 'signPrivateKey', kind: 'pem' }],
  },
  notify: {
    methods: ['POST'],
    summary:
      'UnionPay 5.1.0 backend notification (form body, RSA-SHA256 by the signPubKeyCert certificate, checked against the configured root and intermediate); 200 after our commit',
    ok: { status: 200, body: z.literal('ok') },
    refused: z.literal('fail'),
  },
  labels: { 'zh-CN': '银联', 'en-US': 'UnionPay' },
});
