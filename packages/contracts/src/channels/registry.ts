import { z } from 'zod';
import { millisSchema } from '../common.ts';
import { alipayChannel } from './alipay.ts';
import { httpUrl } from './define.ts';
import { epayChannel } from './epay.ts';
import { unionpayChannel } from './unionpay.ts';
import { wechatChannel } from './wechat.ts';

/**
 * Every real payment channel, one definition each (the sandbox and the wallet need no set-up). Adding a
 * channel: its file beside these, one entry here, its adapter in the server's provider registry, its form
 * labels in the console messages, a fake gateway and tests.
 */
export const PAYMENT_CHANNELS = [alipayChannel, wechatChannel, epayChannel, unionpayChannel] as const;

type Channels = (typeof PAYMENT_CHANNELS)[number];
export type ChannelProviderDto = Channels['id'];
export type AnyChannelDefinition = Channels;

const ids = PAYMENT_CHANNELS.map((c) => c.id) as [ChannelProviderDto, ...ChannelProviderDto[]];
export const channelProviderSchema = z.enum(ids);
export const CHANNEL_IDS: readonly ChannelProviderDto[] = ids;

export function isChannelId(id: string): id is ChannelProviderDto {
  return (CHANNEL_IDS as readonly string[]).includes(id);
}

/** The definition of a channel by id. */
export function channelOf<P extends ChannelProviderDto>(id: P): Extract<Channels, { id: P }> {
  const c = PAYMENT_CHANNELS.find((x) => x.id === id);
  if (!c) throw new Error(`no payment channel ${id}`);
  return c as Extract<Channels, { id: P }>;
}

/** How a buyer pays at each channel (see each channel's definition). */
export const CHANNEL_SCENES = Object.fromEntries(PAYMENT_CHANNELS.map((c) => [c.id, c.scenes])) as {
  [C in Channels as C['id']]: C['scenes'];
};
type SceneOf<C> = C extends { scenes: readonly (infer S)[] } ? S : never;
const scenes = [...new Set(PAYMENT_CHANNELS.flatMap((c) => c.scenes as readonly string[]))] as [
  SceneOf<Channels>,
  ...SceneOf<Channels>[],
];
export const sceneSchema = z.enum(scenes);
export type SceneDto = z.infer<typeof sceneSchema>;

const channelBase = {
  enabled: z.boolean().optional(),
  environment: z.enum(['sandbox', 'production']).optional(),
  methods: z.array(sceneSchema).max(5).optional(),
  feeBps: z.number().int().min(0).max(2000).optional().describe('the channel fee in basis points, booked as cost'),
  siteUrl: httpUrl
    .optional()
    .describe('the public address of this Kameng (https://shop.example.com): notify and return URLs are built on it'),
};

type UpdateBodyOf<C extends Channels> = z.ZodObject<
  {
    provider: z.ZodLiteral<C['id']>;
    settings: z.ZodOptional<C['settings']>;
    secrets: z.ZodOptional<C['secrets']>;
  } & typeof channelBase,
  z.core.$strict
>;
type BodiesOf<T extends readonly Channels[]> = {
  -readonly [I in keyof T]: T[I] extends Channels ? UpdateBodyOf<T[I]> : never;
};
type UpdateBodies = BodiesOf<typeof PAYMENT_CHANNELS>;

/** Operators write settings and secrets; omitted fields keep their stored value. */
export const channelUpdateBodySchema = z.discriminatedUnion(
  'provider',
  PAYMENT_CHANNELS.map((c) =>
    z.strictObject({
      provider: z.literal(c.id),
      ...channelBase,
      settings: c.settings.optional(),
      secrets: c.secrets.optional(),
    }),
  ) as unknown as UpdateBodies,
);
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
