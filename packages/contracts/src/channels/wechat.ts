import { z } from 'zod';
import { defineChannel, httpUrl, pem } from './define.ts';

/** WeChat Pay v3: `native` (a QR code), `h5` (phone browser). A trade keeps the type it was placed with. */
export const wechatChannel = defineChannel({
  id: 'wechat',
  scenes: ['native', 'h5'],
  preferredScenes: { phone: ['h5', 'native'], desk: ['native', 'h5'] },
  sceneFixedAfterLaunch: true,
  launchBy: 'link',
  settings: z.strictObject({
    mchid: z.string().trim().min(1).max(32).optional(),
    appid: z.string().trim().min(1).max(32).optional(),
    merchantSerialNo: z.string().trim().min(1).max(64).optional().describe('serial of the merchant API certificate'),
    platformPublicKeys: z
      .array(z.strictObject({ serial: z.string().trim().min(1).max(64), publicKey: pem }))
      .max(10)
      .optional()
      .describe('WeChat Pay public keys (PUB_KEY_ID_…) or platform certificate keys, chosen by Wechatpay-Serial'),
    apiBase: httpUrl.optional(),
  }),
  secrets: z.strictObject({
    merchantPrivateKey: pem.optional(),
    apiV3Key: z
      .string()
      .regex(/^[\x21-\x7e]{32}$/, '32 printable ASCII characters')
      .optional(),
  }),
  fields: {
    settings: [
      { name: 'mchid', kind: 'text' },
      { name: 'appid', kind: 'text' },
      { name: 'merchantSerialNo', kind: 'text' },
      { name: 'platformPublicKeys', kind: 'keys', hint: true },
      { name: 'apiBase', kind: 'url' },
    ],
    secrets: [
      { name: 'merchantPrivateKey', kind: 'pem' },
      { name: 'apiV3Key', kind: 'password' },
    ],
  },
  notify: {
    methods: ['POST'],
    summary: 'WeChat Pay v3 notification (JSON, signed headers, AES-256-GCM resource); 204 after our commit',
    ok: { status: 204, body: z.null().describe('empty body') },
    refused: z.object({ code: z.literal('FAIL'), message: z.string() }),
  },
  labels: { 'zh-CN': '微信支付', 'en-US': 'WeChat Pay' },
  scanApp: { 'zh-CN': '微信', 'en-US': 'WeChat' },
});
