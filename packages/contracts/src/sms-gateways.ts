import { z } from 'zod';
import { millisSchema } from './common.ts';

/**
 * SMS gateways an operator configures (运营后台): Alibaba Cloud SMS (阿里云短信, SendSms with signature V3)
 * and Tencent Cloud SMS (腾讯云短信, SendSms with TC3-HMAC-SHA256). One is enabled at a time; verification
 * codes go out through its template, registered and approved at the gateway beforehand.
 */
export const SMS_GATEWAYS = ['aliyun', 'tencent'] as const;
export const smsGatewayIdSchema = z.enum(SMS_GATEWAYS);
export type SmsGatewayId = z.infer<typeof smsGatewayIdSchema>;

const text = (max: number) => z.string().trim().min(1).max(max);
const endpoint = z
  .url({ protocol: /^https?$/ })
  .max(200)
  .describe('the API address; the public one when absent (a test or a private endpoint sets it)');

/** Settings are shown back to the operator; secrets never are (only their last four characters). */
export const SMS_GATEWAY_FIELDS = {
  aliyun: {
    settings: z.strictObject({
      accessKeyId: text(64).optional(),
      signName: text(40).describe('短信签名').optional(),
      verificationTemplate: text(40).describe('the TemplateCode of the verification-code template (SMS_…)').optional(),
      endpoint: endpoint.optional(),
    }),
    secrets: z.strictObject({ accessKeySecret: text(128).optional() }),
    required: ['accessKeyId', 'signName', 'verificationTemplate', 'accessKeySecret'],
  },
  tencent: {
    settings: z.strictObject({
      secretId: text(64).optional(),
      sdkAppId: z
        .string()
        .regex(/^\d{6,12}$/)
        .optional(),
      signName: text(40).describe('短信签名').optional(),
      verificationTemplate: z
        .string()
        .regex(/^\d{1,12}$/)
        .describe('the TemplateId of the verification-code template')
        .optional(),
      region: z
        .string()
        .regex(/^[a-z]{2}-[a-z]+$/)
        .optional(),
      endpoint: endpoint.optional(),
    }),
    secrets: z.strictObject({ secretKey: text(128).optional() }),
    required: ['secretId', 'sdkAppId', 'signName', 'verificationTemplate', 'secretKey'],
  },
} as const;

export const smsGatewayUpdateBodySchema = z.discriminatedUnion('provider', [
  z.strictObject({
    provider: z.literal('aliyun'),
    enabled: z.boolean().optional(),
    settings: SMS_GATEWAY_FIELDS.aliyun.settings.optional(),
    secrets: SMS_GATEWAY_FIELDS.aliyun.secrets.optional(),
  }),
  z.strictObject({
    provider: z.literal('tencent'),
    enabled: z.boolean().optional(),
    settings: SMS_GATEWAY_FIELDS.tencent.settings.optional(),
    secrets: SMS_GATEWAY_FIELDS.tencent.secrets.optional(),
  }),
]);
export type SmsGatewayUpdateBody = z.infer<typeof smsGatewayUpdateBodySchema>;

export const smsGatewayViewSchema = z
  .object({
    provider: smsGatewayIdSchema,
    enabled: z.boolean(),
    settings: z.record(z.string(), z.string()),
    /** each secret's last four characters, or null when not set */
    secrets: z.record(z.string(), z.string().nullable()),
    /** what must still be filled in before the gateway can be enabled */
    missing: z.array(z.string()),
    updatedAt: millisSchema.nullable(),
  })
  .meta({ id: 'SmsGateway' });
export type SmsGatewayViewDto = z.infer<typeof smsGatewayViewSchema>;
