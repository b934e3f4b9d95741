import { z } from 'zod';
import { millisSchema } from './common.ts';

/** The real payment channels an operator can configure (the sandbox and the wallet need no set-up). */
export const channelProviderSchema = z.enum(['alipay', 'wechat', 'epay']);
export type ChannelProviderDto = z.infer<typeof channelProviderSchema>;

/**
 * How a buyer pays at each channel. Alipay: `page` (PC cashier), `wap` (phone browser), `qr` (precreate:
 * a QR code on our cashier page). WeChat Pay: `native` (QR), `h5` (phone browser). 易支付: the gateway's
 * payment type.
 */
export const CHANNEL_SCENES = {
  alipay: ['page', 'wap', 'qr'],
  wechat: ['native', 'h5'],
  epay: ['alipay', 'wxpay', 'qqpay'],
} as const;
export const sceneSchema = z.enum(['page', 'wap', 'qr', 'native', 'h5', 'alipay', 'wxpay', 'qqpay']);
export type SceneDto = z.infer<typeof sceneSchema>;

const httpUrl = z
  .string()
  .trim()
  .max(500)
  .regex(/^https?:\/\/[^\s]+$/, 'an http(s) URL');
const pem = z.string().trim().min(1).max(10_000);
const ipList = z.array(z.string().trim().min(1).max(64)).max(50);

export const alipaySettingsSchema = z.strictObject({
  appId: z.string().trim().min(1).max(32).optional(),
  sellerId: z.string().trim().min(1).max(32).optional().describe('the merchant PID (2088…) notifications must name'),
  alipayPublicKey: pem.optional().describe('the Alipay public key (PEM or bare base64) that signs notifications'),
  gatewayUrl: httpUrl.optional().describe('overrides the gateway of the chosen environment'),
});
export const alipaySecretsSchema = z.strictObject({
  appPrivateKey: pem.optional().describe('the application RSA2 private key (PKCS#1 or PKCS#8 PEM)'),
});

export const wechatSettingsSchema = z.strictObject({
  mchid: z.string().trim().min(1).max(32).optional(),
  appid: z.string().trim().min(1).max(32).optional(),
  merchantSerialNo: z.string().trim().min(1).max(64).optional().describe('serial of the merchant API certificate'),
  platformPublicKeys: z
    .array(z.strictObject({ serial: z.string().trim().min(1).max(64), publicKey: pem }))
    .max(10)
    .optional()
    .describe('WeChat Pay public keys (PUB_KEY_ID_…) or platform certificate keys, chosen by Wechatpay-Serial'),
  apiBase: httpUrl.optional(),
});
export const wechatSecretsSchema = z.strictObject({
  merchantPrivateKey: pem.optional(),
  apiV3Key: z
    .string()
    .regex(/^[\x21-\x7e]{32}$/, '32 printable ASCII characters')
    .optional(),
});

export const epaySettingsSchema = z.strictObject({
  version: z.enum(['v1', 'v2']).optional().describe('v1: MD5 signatures; v2: RSA (SHA256withRSA)'),
  pid: z
    .string()
    .trim()
    .regex(/^\d{1,20}$/, 'digits')
    .optional(),
  apiBase: httpUrl.optional().describe('the gateway root, e.g. https://pay.example.com/'),
  platformPublicKey: pem.optional().describe('v2: the gateway public key that signs notifications and answers'),
  allowedIps: ipList.optional().describe('when set, notifications are only taken from these addresses'),
});
export const epaySecretsSchema = z.strictObject({
  key: z.string().min(8).max(128).optional().describe('v1: the merchant MD5 key'),
  merchantPrivateKey: pem.optional().describe('v2: the merchant RSA private key'),
});

const channelBase = {
  enabled: z.boolean().optional(),
  environment: z.enum(['sandbox', 'production']).optional(),
  methods: z.array(sceneSchema).max(5).optional(),
  feeBps: z.number().int().min(0).max(2000).optional().describe('the channel fee in basis points, booked as cost'),
  siteUrl: httpUrl
    .optional()
    .describe('the public address of this Kameng (https://shop.example.com): notify and return URLs are built on it'),
};

/** Operators write settings and secrets; omitted fields keep their stored value. */
export const channelUpdateBodySchema = z.discriminatedUnion('provider', [
  z.strictObject({
    provider: z.literal('alipay'),
    ...channelBase,
    settings: alipaySettingsSchema.optional(),
    secrets: alipaySecretsSchema.optional(),
  }),
  z.strictObject({
    provider: z.literal('wechat'),
    ...channelBase,
    settings: wechatSettingsSchema.optional(),
    secrets: wechatSecretsSchema.optional(),
  }),
  z.strictObject({
    provider: z.literal('epay'),
    ...channelBase,
    settings: epaySettingsSchema.optional(),
    secrets: epaySecretsSchema.optional(),
  }),
]);
export type ChannelUpdateBody = z.infer<typeof channelUpdateBodySchema>;

export const channelViewSchema = z
  .object({
    provider: channelProviderSchema,
    enabled: z.boolean(),
    environment: z.enum(['sandbox', 'production']),
    methods: z.array(sceneSchema),
    feeBps: z.number().int(),
    siteUrl: z.string().nullable(),
    settings: z.record(z.string(), z.unknown()),
    secrets: z.record(z.string(), z.string().nullable()).describe('masked: never the secret itself'),
    missing: z.array(z.string()).describe('what must still be filled in before the channel can be enabled'),
    notifyUrl: z.string(),
    updatedAt: millisSchema.nullable(),
  })
  .meta({ id: 'PaymentChannel' });
export type ChannelViewDto = z.infer<typeof channelViewSchema>;

/** What the cashier page asks for: which way to pay at the channel. */
export const checkoutBodySchema = z.strictObject({ scene: sceneSchema });

export const availableMethodsSchema = z.object({
  methods: z.array(
    z.object({
      method: z.string().describe('the paymentMethod for orders and top-ups'),
      scenes: z.array(z.string()).describe('the scenes to pass to checkout (see sceneSchema)'),
    }),
  ),
});

export const refundBodySchema = z.strictObject({
  amountCents: z.number().int().positive().max(100_000_000),
  destination: z
    .enum(['original', 'wallet'])
    .default('original')
    .describe("original: back through the channel the buyer paid with; wallet: to the buyer's Kameng wallet"),
  reason: z.string().trim().min(1).max(200),
});

export const refundViewSchema = z
  .object({
    id: z.string(),
    paymentId: z.string(),
    orderId: z.string().nullable(),
    amountCents: z.number().int(),
    destination: z.enum(['wallet', 'original']),
    reason: z.string(),
    status: z.enum(['pending', 'succeeded', 'failed']),
    channelRefundNo: z.string().nullable(),
    attempts: z.number().int(),
    lastError: z.string().nullable(),
    createdAt: millisSchema,
    updatedAt: millisSchema,
  })
  .meta({ id: 'Refund' });

export const refundListQuerySchema = z.strictObject({
  status: z.enum(['pending', 'succeeded', 'failed']).optional(),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});

export const reconciliationDifferenceSchema = z.object({
  kind: z.enum(['missing_ours', 'missing_theirs', 'amount_mismatch', 'status_mismatch']),
  paymentId: z.string(),
  refundId: z.string().nullable().describe('set when the difference is about a refund'),
  tradeNo: z.string().nullable(),
  oursCents: z.number().int().nullable(),
  theirsCents: z.number().int().nullable(),
  repaired: z.boolean(),
  note: z.string(),
});

export const reconciliationReportSchema = z
  .object({
    id: z.string(),
    provider: z.string(),
    day: z.string(),
    matched: z.number().int(),
    missingOurs: z.number().int(),
    missingTheirs: z.number().int(),
    amountMismatches: z.number().int(),
    repaired: z.number().int(),
    differences: z.array(reconciliationDifferenceSchema),
    createdBy: z.string().nullable(),
    createdAt: millisSchema,
  })
  .meta({ id: 'ReconciliationReport' });

export const reconciliationRunBodySchema = z.strictObject({
  day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD'),
  provider: channelProviderSchema.optional(),
});

export const reconciliationListQuerySchema = z.strictObject({
  day: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional(),
  provider: channelProviderSchema.optional(),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});

export const operatorPaymentSchema = z.object({
  id: z.string(),
  method: z.string(),
  status: z.enum(['pending', 'paid', 'failed', 'closed']),
  amountCents: z.number().int(),
  expiresAt: millisSchema.optional(),
  scene: z.string().nullable().optional(),
  payUrl: z.string().optional(),
  qrCode: z.string().optional(),
  purpose: z.enum(['order', 'top_up']),
  orderId: z.string().nullable(),
  userId: z.string().nullable(),
  providerTradeId: z.string().nullable(),
  feeBps: z.number().int(),
  paidAt: millisSchema.nullable(),
  createdAt: millisSchema,
  queryAttempts: z.number().int(),
  nextQueryAt: millisSchema.nullable(),
  providerClosedAt: millisSchema.nullable(),
  notifications: z
    .array(z.object({ outcome: z.string(), detail: z.string().nullable(), receivedAt: millisSchema }))
    .describe('newest first: every notification about this payment, accepted or refused, and why'),
  refunds: z.array(refundViewSchema),
});
