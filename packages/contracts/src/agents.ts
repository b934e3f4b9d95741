import { z } from 'zod';
import { MAX_MARKUP_BPS } from './pricing.ts';

/** A 分站's subdomain label: lower-case letters, digits and inner hyphens, 3–32 long. */
export const SUBDOMAIN_RE = /^[a-z0-9](?:[a-z0-9-]{1,30}[a-z0-9])$/;

/** Labels no agent may take: the platform's own hosts and names that look like it. */
export const RESERVED_SUBDOMAINS: readonly string[] = [
  'www',
  'admin',
  'api',
  'app',
  'static',
  'cdn',
  'mail',
  'smtp',
  'ftp',
  'docs',
  'status',
  'help',
  'support',
  'kefu',
  'pay',
  'payment',
  'agent',
  'agents',
  'console',
  'root',
  'test',
  'dev',
  'staging',
  'm',
  'wap',
  'shop',
  'kameng',
];

export const subdomainSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(SUBDOMAIN_RE, '3–32 letters, digits or inner hyphens')
  .refine((s) => !RESERVED_SUBDOMAINS.includes(s), 'this name is reserved');

export const agentApplicationBodySchema = z.strictObject({
  siteName: z.string().trim().min(2).max(40),
  subdomain: subdomainSchema,
});

export const agentStatusSchema = z.enum(['pending', 'awaiting_fee', 'approved', 'rejected']);

export const agentApplicationSchema = z
  .object({
    id: z.string(),
    userId: z.string(),
    parentId: z.string().nullable().describe("the parent agent's user id (sub-agents)"),
    depth: z.number().int(),
    siteName: z.string(),
    subdomain: z.string(),
    status: agentStatusSchema,
    reason: z.string().nullable(),
    customDomain: z.string().nullable(),
    customDomainStatus: z.enum(['pending', 'approved', 'rejected']).nullable(),
    openingPaymentId: z.string().nullable(),
    createdAt: z.number(),
  })
  .meta({ id: 'AgentApplication' });
export type AgentApplicationDto = z.infer<typeof agentApplicationSchema>;

const carouselItemSchema = z.strictObject({
  imageUrl: z.string().trim().max(500),
  link: z.string().trim().max(500).nullable().optional(),
});

export const agentSiteInputSchema = z.strictObject({
  siteName: z.string().trim().min(2).max(40),
  logoUrl: z.string().trim().max(500).nullable(),
  notice: z.string().trim().max(2000).nullable(),
  contact: z.string().trim().max(200).nullable(),
  carousel: z.array(carouselItemSchema).max(8),
  markupBps: z.number().int().min(0).max(MAX_MARKUP_BPS),
  markupCents: z.number().int().min(0).max(100_000_000),
});

export const agentSiteSchema = z
  .object({
    id: z.string(),
    siteName: z.string(),
    subdomain: z.string(),
    host: z.string(),
    logoUrl: z.string().nullable(),
    notice: z.string().nullable(),
    contact: z.string().nullable(),
    carousel: z.array(z.object({ imageUrl: z.string(), link: z.string().nullable().optional() })),
    markupBps: z.number().int(),
    markupCents: z.number().int(),
    customDomain: z.string().nullable(),
    customDomainStatus: z.enum(['pending', 'approved', 'rejected']).nullable(),
    depth: z.number().int(),
    status: agentStatusSchema,
  })
  .meta({ id: 'AgentSite' });

export const markupItemSchema = z
  .strictObject({
    productId: z.string().max(64).optional(),
    categoryId: z.string().max(64).optional(),
    markupBps: z.number().int().min(0).max(MAX_MARKUP_BPS).optional(),
    markupCents: z.number().int().min(0).max(100_000_000).optional(),
  })
  .refine((i) => (i.productId === undefined) !== (i.categoryId === undefined), 'exactly one of productId, categoryId');

export const markupsBodySchema = z.strictObject({ items: z.array(markupItemSchema).max(500) });

export const agentUserPriceBodySchema = z.strictObject({
  userId: z.string().max(64),
  productId: z.string().max(64),
  priceCents: z.number().int().min(0).max(1_000_000_000).nullable(),
});

export const customDomainBodySchema = z.strictObject({
  domain: z
    .string()
    .trim()
    .toLowerCase()
    .max(253)
    .regex(/^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'a domain name'),
});

export const agentBalanceSchema = z
  .object({ availableCents: z.number().int(), heldCents: z.number().int(), withdrawingCents: z.number().int() })
  .meta({ id: 'AgentBalance' });
