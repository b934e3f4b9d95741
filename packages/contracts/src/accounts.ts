import { z } from 'zod';
import { millisSchema, pageSchema } from './common.ts';

export const ROLES = ['buyer', 'supplier', 'operator', 'arbitrator', 'admin'] as const;
export const roleSchema = z.enum(ROLES);
export type Role = z.infer<typeof roleSchema>;

export const emailSchema = z
  .email()
  .max(254)
  .transform((s) => s.trim().toLowerCase());

/** Mainland China mobile number; a leading +86 or 86 is accepted and dropped. */
export const phoneSchema = z
  .string()
  .trim()
  .transform((s) => s.replace(/^(\+?86)(?=1\d{10}$)/, ''))
  .pipe(z.string().regex(/^1[3-9]\d{9}$/, 'must be a mainland China mobile number'));

/** Length rules of PROMISES.md #24; the common-password check runs on the server. */
export const passwordSchema = z.string().min(8, 'at least 8 characters').max(128, 'at most 128 characters');

export const verificationCodeSchema = z.string().regex(/^\d{6}$/, 'a 6-digit code');

export const registerBodySchema = z
  .strictObject({
    email: emailSchema.optional(),
    phone: phoneSchema.optional(),
    password: passwordSchema,
    /** optional: a code sent to the email/phone beforehand verifies it at once */
    code: verificationCodeSchema.optional(),
  })
  .refine((b) => (b.email === undefined) !== (b.phone === undefined), {
    message: 'give exactly one of email or phone',
    path: ['email'],
  });
export type RegisterBody = z.infer<typeof registerBodySchema>;

export const loginBodySchema = z.strictObject({
  login: z.string().trim().min(1).max(254).describe('email or mainland mobile number'),
  password: z.string().min(1).max(128),
  totp: z.string().trim().min(6).max(32).optional().describe('6-digit authenticator code, or a recovery code'),
});
export type LoginBody = z.infer<typeof loginBodySchema>;

export const userSchema = z
  .object({
    id: z.string(),
    email: z.string().nullable(),
    phone: z.string().nullable().describe("masked (139****5678) in operators' answers: POST /admin/users/:id/contact"),
    roles: z.array(roleSchema),
    status: z.enum(['active', 'frozen']),
    emailVerified: z.boolean(),
    phoneVerified: z.boolean(),
    totpEnabled: z.boolean(),
    createdAt: millisSchema,
  })
  .meta({ id: 'User' });
export type UserDto = z.infer<typeof userSchema>;

/** What an operator's audited reveal answers: the contact fields lists and details show masked. */
export const userContactSchema = z.object({ email: z.string().nullable(), phone: z.string().nullable() });
export type UserContactDto = z.infer<typeof userContactSchema>;

export const loginResponseSchema = z.object({
  token: z.string().describe('session token; also set as an httpOnly cookie'),
  csrfToken: z.string().describe('echo as x-csrf-token on cookie-authenticated writes'),
  expiresAt: millisSchema,
  user: userSchema,
});

export const sendCodeBodySchema = z
  .strictObject({
    purpose: z.enum(['verify', 'reset']),
    email: emailSchema.optional(),
    phone: phoneSchema.optional(),
  })
  .refine((b) => (b.email === undefined) !== (b.phone === undefined), {
    message: 'give exactly one of email or phone',
    path: ['email'],
  });

export const verifyContactBodySchema = z
  .strictObject({
    email: emailSchema.optional(),
    phone: phoneSchema.optional(),
    code: verificationCodeSchema,
  })
  .refine((b) => (b.email === undefined) !== (b.phone === undefined), {
    message: 'give exactly one of email or phone',
    path: ['email'],
  });

/** An account made by WeChat or QQ sign-in adds an email or phone (with the code sent to it) and a password. */
export const addCredentialsBodySchema = z
  .strictObject({
    email: emailSchema.optional(),
    phone: phoneSchema.optional(),
    code: verificationCodeSchema,
    password: passwordSchema.optional().describe('required when the account has no password yet'),
  })
  .refine((b) => (b.email === undefined) !== (b.phone === undefined), {
    message: 'give exactly one of email or phone',
    path: ['email'],
  });

export const resetPasswordBodySchema = z.strictObject({
  login: z.string().trim().min(1).max(254),
  code: verificationCodeSchema,
  newPassword: passwordSchema,
});

export const changePasswordBodySchema = z.strictObject({
  currentPassword: z.string().min(1).max(128),
  newPassword: passwordSchema,
  totp: z
    .string()
    .trim()
    .min(6)
    .max(32)
    .optional()
    .describe('the second factor, unless confirmed within the step-up window'),
  smsCode: z
    .string()
    .trim()
    .regex(/^\d{6}$/)
    .optional()
    .describe('an SMS step-up code (POST /auth/reauth/sms-code)'),
});

export const reauthBodySchema = z.strictObject({
  password: z.string().min(1).max(128),
  totp: z.string().trim().min(6).max(32).optional(),
  smsCode: z
    .string()
    .trim()
    .regex(/^\d{6}$/)
    .optional()
    .describe('a code texted by POST /auth/reauth/sms-code, when the rule lets SMS be the second factor'),
});

export const sessionSchema = z.object({
  id: z.string(),
  current: z.boolean(),
  createdAt: millisSchema,
  lastSeenAt: millisSchema,
  expiresAt: millisSchema,
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
});

export const totpEnrollResponseSchema = z.object({
  secret: z.string(),
  otpauthUri: z.string(),
  qrCodeDataUrl: z.string(),
});

export const totpConfirmBodySchema = z.strictObject({ code: z.string().regex(/^\d{6}$/) });

export const totpDisableBodySchema = z.strictObject({
  password: z.string().min(1).max(128),
  code: z.string().trim().min(6).max(32),
});

const text = (max: number) => z.string().trim().min(1).max(max);

export const supplierApplicationBodySchema = z.strictObject({
  shopName: text(64),
  contact: text(128),
  realName: text(64),
  note: z.string().trim().max(2000).optional(),
});

/** A supplier's shop as buyers see it. */
export const shopSchema = z.object({ id: z.string(), name: z.string() }).meta({ id: 'Shop' });
export type ShopDto = z.infer<typeof shopSchema>;

export const supplierApplicationSchema = z
  .object({
    id: z.string(),
    userId: z.string(),
    shopName: z.string(),
    contact: z.string(),
    realName: z.string(),
    note: z.string().nullable(),
    status: z.enum(['pending', 'approved', 'rejected']),
    reason: z.string().nullable(),
    reviewedBy: z.string().nullable(),
    reviewedAt: millisSchema.nullable(),
    createdAt: millisSchema,
  })
  .meta({ id: 'SupplierApplication' });
export type SupplierApplicationDto = z.infer<typeof supplierApplicationSchema>;

export const rejectBodySchema = z.strictObject({ reason: text(500) });

export const setRolesBodySchema = z.strictObject({ roles: z.array(roleSchema).min(1).max(5) });

export const setUserStatusBodySchema = z.strictObject({
  status: z.enum(['active', 'frozen']),
  reason: text(500),
});

export const auditEntrySchema = z.object({
  id: z.string(),
  actorId: z.string().nullable(),
  action: z.string(),
  objectType: z.string().nullable(),
  objectId: z.string().nullable(),
  ip: z.string().nullable(),
  details: z.unknown(),
  createdAt: millisSchema,
});

export const usersPageSchema = pageSchema('UsersPage', userSchema);
export const supplierApplicationsPageSchema = pageSchema('SupplierApplicationsPage', supplierApplicationSchema);
export const auditLogPageSchema = pageSchema('AuditLogPage', auditEntrySchema);
