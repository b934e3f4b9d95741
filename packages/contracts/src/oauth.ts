import { z } from 'zod';
import { millisSchema } from './common.ts';

/**
 * Third-party sign-in: WeChat (微信开放平台 网站应用, QR-code sign-in) and QQ (QQ 互联), OAuth 2.0 with the
 * code exchanged on the server. Operators configure each app; with KAMENG_SANDBOX=on and no app configured,
 * a built-in sandbox stands in for the provider.
 */
export const OAUTH_PROVIDERS = ['wechat', 'qq'] as const;
export const oauthProviderSchema = z.enum(OAUTH_PROVIDERS);
export type OauthProvider = z.infer<typeof oauthProviderSchema>;

const url = z.url({ protocol: /^https?$/ }).max(300);

export const OAUTH_APP_FIELDS = {
  settings: z.strictObject({
    appId: z.string().trim().min(1).max(64).optional(),
    /** the shop's public address; the callback is `{siteUrl}/api/v1/auth/oauth/{provider}/callback` */
    siteUrl: url.optional(),
    /** the provider's authorize page and API base; the public ones when absent (tests point them elsewhere) */
    authorizeUrl: url.optional(),
    apiBase: url.optional(),
  }),
  secrets: z.strictObject({ appSecret: z.string().trim().min(1).max(128).optional() }),
  required: ['appId', 'siteUrl', 'appSecret'],
} as const;

export const oauthAppUpdateBodySchema = z.strictObject({
  provider: oauthProviderSchema,
  enabled: z.boolean().optional(),
  settings: OAUTH_APP_FIELDS.settings.optional(),
  secrets: OAUTH_APP_FIELDS.secrets.optional(),
});
export type OauthAppUpdateBody = z.infer<typeof oauthAppUpdateBodySchema>;

export const oauthAppViewSchema = z
  .object({
    provider: oauthProviderSchema,
    enabled: z.boolean(),
    settings: z.record(z.string(), z.string()),
    secrets: z.record(z.string(), z.string().nullable()),
    missing: z.array(z.string()),
    callbackUrl: z.string().nullable(),
    updatedAt: millisSchema.nullable(),
  })
  .meta({ id: 'OauthApp' });
export type OauthAppViewDto = z.infer<typeof oauthAppViewSchema>;

/** A local path to land on after signing in: never another site. */
export const returnToSchema = z
  .string()
  .max(300)
  .regex(/^\/(?![/\\])[^\s]*$/, 'a path on this site');

export const oauthStartQuerySchema = z.strictObject({
  /** signin: sign in or sign up; bind: add this identity to the signed-in account (账号安全) */
  mode: z.enum(['signin', 'bind']).default('signin'),
  returnTo: returnToSchema.optional(),
});

export const oauthCallbackQuerySchema = z.object({
  code: z.string().min(1).max(512),
  state: z.string().min(1).max(128),
});

export const oauthTotpBodySchema = z.strictObject({
  ticket: z.string().min(1).max(128),
  totp: z.string().trim().min(6).max(32),
});

export const oauthProvidersSchema = z.object({
  items: z.array(z.object({ provider: oauthProviderSchema, sandbox: z.boolean() })),
});

export const oauthIdentitySchema = z.object({
  provider: oauthProviderSchema,
  nickname: z.string().nullable(),
  createdAt: millisSchema,
});
export const myIdentitiesSchema = z.object({
  items: z.array(oauthIdentitySchema),
  /** false when the account has no password: it signs in only through these identities */
  hasPassword: z.boolean(),
});
export type OauthIdentityDto = z.infer<typeof oauthIdentitySchema>;
