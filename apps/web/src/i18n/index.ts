import { createContext, useContext } from 'react';
import { ApiFailure } from '../lib/api.ts';
import { enUS } from './en-US.ts';
import { type MessageKey, type Messages, zhCN } from './zh-CN.ts';

export type { MessageKey } from './zh-CN.ts';
export type Locale = 'zh-CN' | 'en-US';
export const LOCALES: readonly Locale[] = ['zh-CN', 'en-US'];
const messages: Record<Locale, Messages> = { 'zh-CN': zhCN, 'en-US': enUS };

const STORAGE_KEY = 'kameng.locale';

/** Chinese unless the visitor chose English before. */
export function initialLocale(): Locale {
  try {
    return localStorage.getItem(STORAGE_KEY) === 'en-US' ? 'en-US' : 'zh-CN';
  } catch {
    // storage can be disabled (private mode, strict privacy settings); the default still works
    return 'zh-CN';
  }
}

export function saveLocale(locale: Locale): void {
  try {
    localStorage.setItem(STORAGE_KEY, locale);
  } catch {
    // not remembered across visits, but the switch still applies to this page
  }
}

export type Translate = (key: MessageKey, vars?: Record<string, string>) => string;

export function translator(locale: Locale): Translate {
  const table = messages[locale];
  return (key, vars = {}) => table[key].replace(/\{(\w+)\}/g, (_, name: string) => vars[name] ?? '');
}

export interface I18n {
  locale: Locale;
  t: Translate;
  setLocale: (locale: Locale) => void;
}

export const I18nContext = createContext<I18n>({ locale: 'zh-CN', t: translator('zh-CN'), setLocale: () => {} });

export function useI18n(): I18n {
  return useContext(I18nContext);
}

function isMessageKey(key: string): key is MessageKey {
  return Object.hasOwn(zhCN, key);
}

/**
 * A failure in the reader's language. Every code the server answers with is translated; an unknown one
 * (or a bug in the page) reads as a general failure, never as a raw message or a stack.
 */
export function errorText(t: Translate, err: unknown): string {
  const code = err instanceof ApiFailure ? err.error.code : 'unknown';
  const key = `error.${code}`;
  return isMessageKey(key) ? t(key) : t('error.unknown');
}
