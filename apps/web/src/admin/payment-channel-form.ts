import {
  type ChannelProviderDto,
  type ChannelUpdateBody,
  type ChannelViewDto,
  type FieldSpec,
  PAYMENT_CHANNELS,
} from '@kameng/contracts';
import type { ConsoleT } from '../console/i18n.ts';
import { zhCN } from './payments-messages.ts';

// What the channel form holds and how it becomes a PUT /admin/payment-channels/:provider body. Kept apart from
// the page so the rules (what is sent, what is left alone) are tested without a browser.

export type { FieldKind, FieldSpec } from '@kameng/contracts';

/** Each channel's settings and secrets fields, as its definition in the payment-channel registry lays them out. */
export const SETTING_FIELDS = Object.fromEntries(PAYMENT_CHANNELS.map((c) => [c.id, c.fields.settings])) as Record<
  ChannelProviderDto,
  readonly FieldSpec[]
>;
export const SECRET_FIELDS = Object.fromEntries(PAYMENT_CHANNELS.map((c) => [c.id, c.fields.secrets])) as Record<
  ChannelProviderDto,
  readonly FieldSpec[]
>;

export interface PublicKeyValue {
  serial?: string;
  publicKey?: string;
}

export interface ChannelValues {
  enabled: boolean;
  environment: 'sandbox' | 'production';
  methods: string[];
  feePercent: string;
  siteUrl: string;
  /** text fields as typed; `platformPublicKeys` as a list, `allowedIps` one address a line */
  settings: Record<string, string | PublicKeyValue[] | undefined>;
  secrets: Record<string, string | undefined>;
}

/** `0.6` or `5.25` (percent) → 60 / 525 basis points, by string; null when it is not a percentage ≤ 20. */
export function feePercentToBps(s: string): number | null {
  const m = /^(\d{1,2})(?:\.(\d{1,2}))?$/.exec(s.trim());
  if (!m) return null;
  const bps = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  return bps <= 2000 ? bps : null;
}

/** 60 → `0.6`: what the fee field shows for a stored rate. */
export function bpsToPercentText(bps: number): string {
  const frac = String(bps % 100)
    .padStart(2, '0')
    .replace(/0+$/, '');
  return frac ? `${Math.floor(bps / 100)}.${frac}` : String(Math.floor(bps / 100));
}

const asString = (v: unknown) => (typeof v === 'string' ? v : '');

function storedKeys(v: unknown): PublicKeyValue[] {
  return Array.isArray(v) ? v.map((k) => ({ serial: asString(k?.serial), publicKey: asString(k?.publicKey) })) : [];
}

/** The form as it opens: what is stored (secrets are never shown: their fields start empty). */
export function initialValues(view: ChannelViewDto): ChannelValues {
  const settings: ChannelValues['settings'] = {};
  for (const f of SETTING_FIELDS[view.provider]) {
    const v = view.settings[f.name];
    if (f.kind === 'keys') settings[f.name] = storedKeys(v);
    else if (f.kind === 'lines') settings[f.name] = Array.isArray(v) ? v.map(asString).join('\n') : '';
    else if (f.kind === 'version') settings[f.name] = asString(v) || 'v1';
    else settings[f.name] = asString(v);
  }
  return {
    enabled: view.enabled,
    environment: view.environment,
    methods: [...view.methods],
    feePercent: bpsToPercentText(view.feeBps),
    siteUrl: view.siteUrl ?? '',
    settings,
    secrets: {},
  };
}

/**
 * The PUT body: the channel's switches always, and of its settings only what changed, of its secrets only what
 * was typed. The server merges both into what it stores and asks for a recent password only when they are
 * present, so changing the fee or the methods does not.
 */
export function channelBody(view: ChannelViewDto, values: ChannelValues): ChannelUpdateBody {
  const settings: Record<string, unknown> = {};
  for (const f of SETTING_FIELDS[view.provider]) {
    const typed = values.settings[f.name];
    const stored = view.settings[f.name];
    if (f.kind === 'keys') {
      const keys = (Array.isArray(typed) ? typed : [])
        .map((k) => ({ serial: (k.serial ?? '').trim(), publicKey: (k.publicKey ?? '').trim() }))
        .filter((k) => k.serial && k.publicKey);
      const before = storedKeys(stored).map((k) => ({ serial: k.serial?.trim(), publicKey: k.publicKey?.trim() }));
      if (keys.length > 0 && JSON.stringify(keys) !== JSON.stringify(before)) settings[f.name] = keys;
    } else if (f.kind === 'lines') {
      const lines = asString(typed)
        .split(/[\s,]+/)
        .map((l) => l.trim())
        .filter(Boolean);
      const before = Array.isArray(stored) ? stored.map(asString) : [];
      if (JSON.stringify(lines) !== JSON.stringify(before)) settings[f.name] = lines;
    } else {
      const v = asString(typed).trim();
      if (v && v !== asString(stored).trim()) settings[f.name] = v;
    }
  }
  const secrets: Record<string, string> = {};
  for (const f of SECRET_FIELDS[view.provider]) {
    const raw = values.secrets[f.name] ?? '';
    // a key's value is sent as typed (an APIv3 key may end in a space); only an empty field is left alone
    const v = f.kind === 'pem' ? raw.trim() : raw;
    if (v.trim()) secrets[f.name] = v;
  }
  const siteUrl = values.siteUrl.trim();
  return {
    provider: view.provider,
    enabled: values.enabled,
    environment: values.environment,
    methods: values.methods,
    feeBps: feePercentToBps(values.feePercent) ?? view.feeBps,
    ...(siteUrl ? { siteUrl } : {}),
    ...(Object.keys(settings).length > 0 ? { settings } : {}),
    ...(Object.keys(secrets).length > 0 ? { secrets } : {}),
  } as ChannelUpdateBody;
}

/** A field path the server names (`settings.appId`, `siteUrl`) in words. */
export function fieldLabel(t: ConsoleT<keyof typeof zhCN & string>, path: string): string {
  if (path === 'siteUrl') return t('ch.siteUrl');
  if (path === 'methods') return t('ch.methods');
  const key = `ch.f.${path.split('.').at(-1) ?? ''}`;
  return Object.hasOwn(zhCN, key) ? t(key as keyof typeof zhCN) : path;
}

/** The `missing` list of an UNPROCESSABLE answer (an incomplete channel that was to be enabled), or null. */
export function missingOf(details: unknown): string[] | null {
  if (typeof details !== 'object' || details === null || !('missing' in details)) return null;
  const m = (details as { missing: unknown }).missing;
  return Array.isArray(m) ? m.filter((x): x is string => typeof x === 'string') : null;
}
