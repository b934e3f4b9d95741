import { createContext, useContext } from 'react';
import { enUS } from './en-US.ts';
import { type Messages, zhCN } from './zh-CN.ts';

export type Locale = 'zh-CN' | 'en-US';
export const messages: Record<Locale, Messages> = { 'zh-CN': zhCN, 'en-US': enUS };

const KEY = 'kameng.locale';
export function initialLocale(): Locale {
  const saved = localStorage.getItem(KEY);
  return saved === 'en-US' ? 'en-US' : 'zh-CN';
}
export function saveLocale(l: Locale): void {
  localStorage.setItem(KEY, l);
}

export const I18nContext = createContext<{
  locale: Locale;
  t: (k: keyof Messages, vars?: Record<string, string>) => string;
}>({
  locale: 'zh-CN',
  t: (k) => zhCN[k],
});

export function useT() {
  return useContext(I18nContext);
}

export function translate(locale: Locale, k: keyof Messages, vars: Record<string, string> = {}): string {
  return messages[locale][k].replace(/\{(\w+)\}/g, (_, v: string) => vars[v] ?? '');
}
