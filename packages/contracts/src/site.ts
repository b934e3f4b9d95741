import { z } from 'zod';
import { plainTextSchema } from './catalog.ts';
import { millisSchema } from './common.ts';

/** Announcements (公告) the site keeps; pinned ones show on the home page. */
export const MAX_ANNOUNCEMENTS = 30;

// an address a visitor may follow: https, or http for a shop still on plain HTTP; or a path on this site
const linkSchema = z
  .string()
  .trim()
  .max(500)
  .refine((s) => /^https?:\/\/[^\s]+$/i.test(s) || /^\/(?!\/)[^\s]*$/.test(s), 'an http(s) address or a /path');

/** Optional one-line text: empty means "not set" and comes back as null. */
const optionalLine = (max: number) =>
  z
    .union([plainTextSchema(max), z.literal('')])
    .nullish()
    .transform((v) => (v ? v : null));

const optionalLink = z
  .union([linkSchema, z.literal('')])
  .nullish()
  .transform((v) => (v ? v : null));

/** Several lines of plain text (an announcement, terms): no control characters but line breaks and tabs. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly what is refused
const CONTROL_BUT_NEWLINES = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
const longText = (max: number) =>
  z
    .string()
    .max(max)
    .refine((s) => !CONTROL_BUT_NEWLINES.test(s), 'must not contain control characters')
    .transform((s) => s.replace(/\r\n?/g, '\n').trim());

export const announcementInputSchema = z.strictObject({
  title: plainTextSchema(80),
  body: longText(2000).default(''),
  pinned: z.boolean().default(false),
  publishedAt: millisSchema.optional().describe('epoch ms; kept when the announcement is sent back, now when new'),
});

export const announcementSchema = z
  .object({
    title: z.string(),
    body: z.string(),
    pinned: z.boolean(),
    publishedAt: millisSchema,
  })
  .meta({ id: 'Announcement' });
export type AnnouncementDto = z.infer<typeof announcementSchema>;

export const supportContactSchema = z
  .object({
    qq: z.string().nullable(),
    wechat: z.string().nullable(),
    url: z.string().nullable().describe('a 客服 chat page or ticket form'),
    hours: z.string().nullable().describe('e.g. 每天 9:00–23:00'),
  })
  .meta({ id: 'SupportContact' });

/**
 * The whole of the site's settings, replaced at once by `PUT /admin/site`. Unset values may be left out
 * (they become null); `name` is required.
 */
export const siteSettingsInputSchema = z.strictObject({
  name: plainTextSchema(40),
  description: optionalLine(200).describe("the home page's description for search engines and link previews"),
  logoUrl: optionalLink,
  icp: optionalLine(40).describe(
    'ICP 备案号, e.g. 京ICP备12345678号-1; shown in the footer, linked to beian.miit.gov.cn',
  ),
  psbRecord: optionalLine(60).describe('公安联网备案号, e.g. 京公网安备11010502000001号; linked to beian.mps.gov.cn'),
  support: z
    .strictObject({
      qq: optionalLine(20),
      wechat: optionalLine(40),
      url: optionalLink,
      hours: optionalLine(60),
    })
    .default({ qq: null, wechat: null, url: null, hours: null }),
  announcements: z.array(announcementInputSchema).max(MAX_ANNOUNCEMENTS).default([]),
  terms: longText(20_000).default(''),
  privacy: longText(20_000).default(''),
});
export type SiteSettingsInput = z.input<typeof siteSettingsInputSchema>;

/** What every visitor gets from `GET /site` (terms and privacy come from `/site/pages/{page}`). */
export const siteSettingsSchema = z
  .object({
    name: z.string(),
    description: z.string().nullable(),
    logoUrl: z.string().nullable(),
    icp: z.string().nullable(),
    psbRecord: z.string().nullable(),
    /** the digits of the 公安联网备案号, for the link to its record */
    psbCode: z.string().nullable(),
    support: supportContactSchema,
    announcements: z.array(announcementSchema).describe('pinned first, then newest first'),
    hasTerms: z.boolean(),
    hasPrivacy: z.boolean(),
    updatedAt: millisSchema.nullable(),
    /** on an agent's 分站 (the request's Host): his branding */
    agentSite: z
      .object({
        siteName: z.string(),
        logoUrl: z.string().nullable(),
        notice: z.string().nullable(),
        contact: z.string().nullable(),
        carousel: z.array(z.object({ imageUrl: z.string(), link: z.string().nullable().optional() })),
      })
      .nullable()
      .optional(),
  })
  .meta({ id: 'SiteSettings' });
export type SiteSettingsDto = z.infer<typeof siteSettingsSchema>;

/** The site's settings as operators edit them: everything, terms and privacy included. */
export const siteSettingsAdminSchema = siteSettingsSchema
  .extend({ terms: z.string(), privacy: z.string() })
  .meta({ id: 'SiteSettingsAdmin' });
export type SiteSettingsAdminDto = z.infer<typeof siteSettingsAdminSchema>;

export const sitePageNameSchema = z.enum(['terms', 'privacy']);
export type SitePageName = z.infer<typeof sitePageNameSchema>;

export const sitePageSchema = z.object({ page: sitePageNameSchema, text: z.string() }).meta({ id: 'SitePage' });
export type SitePageDto = z.infer<typeof sitePageSchema>;
