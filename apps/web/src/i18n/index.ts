import { createContext, useContext, useMemo } from 'react';
import { type Dictionary, defineMessages, type Locale, type Translate, translator } from './dictionary.ts';
import { enUS } from './en-US.ts';
import { zhCN } from './zh-CN.ts';

export {
  combine,
  type Dictionary,
  defineMessages,
  type KeyOf,
  LOCALES,
  type Locale,
  type Translate,
  type Translation,
  type Vars,
} from './dictionary.ts';
export { errorText } from './errors.ts';

/** The storefront's and buyer centre's strings: the only table in the first load besides the error sentences. */
export const shopMessages = defineMessages(zhCN, enUS);
export type MessageKey = keyof typeof zhCN;

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

export interface LocaleState {
  locale: Locale;
  setLocale: (locale: Locale) => void;
}

export const LocaleContext = createContext<LocaleState>({ locale: 'zh-CN', setLocale: () => {} });

/** The reader's language and the switch. */
export function useLocale(): LocaleState {
  return useContext(LocaleContext);
}

/** The translator of `dictionary` in the reader's language. */
export function useMessages<K extends string>(dictionary: Dictionary<K>): Translate<K> {
  const { locale } = useLocale();
  return useMemo(() => translator(dictionary, locale), [dictionary, locale]);
}

export interface I18n extends LocaleState {
  t: Translate<MessageKey>;
}

/** The language, its switch and the storefront's translator, for the storefront's pages. */
export function useI18n(): I18n {
  const state = useLocale();
  const t = useMessages(shopMessages);
  return { ...state, t };
}
