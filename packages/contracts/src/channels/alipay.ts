import { z } from 'zod';
import { defineChannel, httpUrl, pem, textAck } from './define.ts';

/** Alipay: `page` (PC cashier), `wap` (phone browser), `qr` (precreate: a QR code on our cashier page). */
export const alipayChannel = defineChannel({
  id: 'alipay',
  scenes: ['page', 'wap', 'qr'],
  preferredScenes: { phone: ['wap', 'qr', 'page'], desk: ['qr', 'page', 'wap'] },
  launchBy: 'link',
  settings: z.strictObject({
    appId: z.string().trim().min(1).max(32).optional(),
    sellerId: z.string().trim().min(1).max(32).optional().describe('the merchant PID (2088…) notifications must name'),
    alipayPublicKey: pem.optional().describe('the Alipay public key (PEM or bare base64) that signs notifications'),
    gatewayUrl: httpUrl.optional().describe('overrides the gateway of the chosen environment'),
  }),
  secrets: z.strictObject({
    appPrivateKey: pem.optional().describe('the application RSA2 private key (PKCS#1 or PKCS#8 PEM)'),
  }),
  fields: {
    settings: [
      { name: 'appId', kind: 'text' },
      { name: 'sellerId', kind: 'text' },
      { name: 'alipayPublicKey', kind: 'pem' },
      { name: 'gatewayUrl', kind: 'url', hint: true },
    ],
    secrets: [{ name: 'appPrivateKey', kind: 'pem' }],
  },
  notify: {
    methods: ['POST'],
    summary: 'Alipay asynchronous notification (form body, RSA2); answered `success` only after our commit',
    ...textAck('success'),
  },
  labels: { 'zh-CN': '支付宝', 'en-US': 'Alipay' },
  scanApp: { 'zh-CN': '支付宝', 'en-US': 'Alipay' },
});
