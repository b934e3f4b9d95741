import { z } from 'zod';

/**
 * What one payment channel is, as server and web both need to know it: its id, the ways a buyer pays there
 * (scenes), what an operator configures (settings, secrets) and how the console shows it, how the channel
 * notifies us, and its name in each language. The server adds the adapter and the statement parser
 * (`apps/server/src/modules/payments/providers/registry.ts`); every list of channels derives from these.
 */
export interface ChannelDefinition<
  Id extends string = string,
  Scene extends string = string,
  S extends z.ZodObject = z.ZodObject,
  K extends z.ZodObject = z.ZodObject,
> {
  id: Id;
  scenes: readonly [Scene, ...Scene[]];
  /** the scene to open with: on a phone, at a desk (first one the operator enabled wins); none: the buyer picks */
  preferredScenes?: { phone: readonly Scene[]; desk: readonly Scene[] };
  /** the channel ties a trade to the scene it was first placed with: no other scene for the same payment */
  sceneFixedAfterLaunch?: boolean;
  /** how the buyer's browser reaches the channel's page: a link (GET), or a form posted there (payUrl's query as fields) */
  launchBy: 'link' | 'form_post';
  /** form_post: further origins the posted form may be redirected to (CSP form-action sources), beyond the gateway's */
  formRedirects?: readonly string[];
  settings: S;
  secrets: K;
  /** how the console lays the settings and secrets out; their labels are the console's `ch.f.…` messages */
  fields: { settings: readonly FieldSpec[]; secrets: readonly FieldSpec[] };
  notify: NotifyDefinition;
  labels: { 'zh-CN': string; 'en-US': string };
  /** the app a buyer scans the channel's QR code with, where a scene shows one on our cashier */
  scanApp?: { 'zh-CN': string; 'en-US': string };
}

export type FieldKind = 'text' | 'url' | 'pem' | 'password' | 'version' | 'keys' | 'lines';

export interface FieldSpec {
  name: string;
  kind: FieldKind;
  /** the field belongs to one protocol version only (易支付) */
  version?: 'v1' | 'v2';
  /** the console's message for it is `ch.f.<label>` (default: its name) */
  label?: string;
  /** the console shows the `ch.f.<label>Hint` hint under it */
  hint?: boolean;
}

/** `POST|GET /api/v1/payments/notify/<id>`: what the channel sends and how we answer, for the route and its docs. */
export interface NotifyDefinition {
  methods: readonly ('GET' | 'POST')[];
  summary: string;
  ok: { status: number; body: z.ZodType };
  refused: z.ZodType;
}

export function defineChannel<Id extends string, Scene extends string, S extends z.ZodObject, K extends z.ZodObject>(
  d: ChannelDefinition<Id, Scene, S, K>,
): ChannelDefinition<Id, Scene, S, K> {
  return d;
}

export const httpUrl = z
  .string()
  .trim()
  .max(500)
  .regex(/^https?:\/\/[^\s]+$/, 'an http(s) URL');
export const pem = z.string().trim().min(1).max(10_000);
export const ipList = z.array(z.string().trim().min(1).max(64)).max(50);

/** The plain-text acknowledgement most channels expect: `success` after our commit, `fail` on refusal. */
export const textAck = (word: string) => ({ ok: { status: 200, body: z.literal(word) }, refused: z.literal('fail') });
