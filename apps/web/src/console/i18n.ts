import { useMemo } from 'react';
import { useI18n } from '../i18n/index.ts';
import { ApiFailure } from '../lib/api.ts';
import { commonEnUS, commonZhCN } from './messages.ts';

export type Vars = Record<string, string | number>;
export type ConsoleT<K extends string> = (key: K, vars?: Vars) => string;

export interface Messages<K extends string> {
  'zh-CN': Record<string, string>;
  'en-US': Record<string, string>;
  /** never set: carries the key type */
  readonly keys?: K;
}

/**
 * A console's own dictionary (zh-CN first; en-US must translate every key): it ships in the console's chunk,
 * never in the storefront's. The shared console strings are merged in, so one `t` serves a whole page.
 */
export function defineMessages<Z extends Record<string, string>>(
  zh: Z,
  en: { readonly [K in keyof Z]: string },
): Messages<Extract<keyof Z | CommonKey, string>> {
  return { 'zh-CN': { ...commonZhCN, ...zh }, 'en-US': { ...commonEnUS, ...en } };
}

/** The translator of `messages` in the reader's language. */
export function useMessages<K extends string>(messages: Messages<K>): ConsoleT<K> {
  const { locale } = useI18n();
  return useMemo(() => translate<K>(messages[locale]), [messages, locale]);
}

function translate<K extends string>(table: Record<string, string>): ConsoleT<K> {
  return (key, vars = {}) => (table[key] ?? key).replace(/\{(\w+)\}/g, (_, name: string) => String(vars[name] ?? ''));
}

export type CommonKey = keyof typeof commonZhCN;

/** The shared strings alone, for the pieces in this folder. */
export function useCommonT(): ConsoleT<CommonKey> {
  const { locale } = useI18n();
  return useMemo(() => translate<CommonKey>(locale === 'en-US' ? commonEnUS : commonZhCN), [locale]);
}

/** A failure in the reader's language: known codes are translated, field problems listed, never a stack. */
export function errorMessage(t: ConsoleT<CommonKey>, err: unknown): string {
  if (err instanceof ApiFailure) {
    const key = `error.${err.code}`;
    const known = Object.hasOwn(commonZhCN, key) ? t(key as CommonKey) : null;
    if (err.code === 'VALIDATION_FAILED') {
      const fields = validationFields(err.error.details);
      return fields.length ? t('error.fields', { fields: fields.join(', ') }) : t('error.VALIDATION_FAILED');
    }
    return known ?? t('error.other', { code: err.code });
  }
  return t('error.other', { code: err instanceof Error ? err.name : 'Error' });
}

/** Field paths named by a VALIDATION_FAILED answer (`details.issues[].path`). */
function validationFields(details: unknown): string[] {
  if (typeof details !== 'object' || details === null || !('issues' in details)) return [];
  const issues = (details as { issues: unknown }).issues;
  if (!Array.isArray(issues)) return [];
  const out = new Set<string>();
  for (const i of issues) {
    const path = typeof i === 'object' && i !== null && 'path' in i ? (i as { path: unknown }).path : null;
    if (Array.isArray(path) && path.length) out.add(path.join('.'));
  }
  return [...out];
}

/** A ledger entry kind in words; an unknown kind is shown as it is. */
export function postingKind(t: ConsoleT<CommonKey>, kind: string): string {
  const key = `kind.${kind}`;
  return Object.hasOwn(commonZhCN, key) ? t(key as CommonKey) : kind;
}
