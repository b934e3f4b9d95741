import {
  combine,
  type Dictionary,
  defineMessages,
  hasKey,
  type Translate,
  type Translation,
  type Vars,
} from '../i18n/dictionary.ts';
import { useMessages } from '../i18n/index.ts';
import { commonEnUS, commonZhCN } from './messages.ts';

export { errorText } from '../i18n/errors.ts';
export { useMessages } from '../i18n/index.ts';

/** The strings every console shares (menus, statuses, order facts); each console's own table adds to them. */
export const commonMessages = defineMessages(commonZhCN, commonEnUS);
export type CommonKey = keyof typeof commonZhCN;

/** What a helper that only translates needs of a translator. */
export type ConsoleT<K extends string> = (key: K, vars?: Vars) => string;

/**
 * A console's own dictionary (zh-CN first; en-US must translate every key) over the shared console strings, so
 * one `t` serves a whole page. It ships in the console's chunk, never in the storefront's.
 */
export function defineConsoleMessages<Z extends Record<string, string>>(
  zh: Z,
  en: Translation<Z>,
): Dictionary<Extract<keyof Z, string> | CommonKey> {
  return combine(commonMessages, defineMessages(zh, en));
}

/** The shared strings alone, for the pieces in this folder. */
export function useCommonT(): Translate<CommonKey> {
  return useMessages(commonMessages);
}

/** A ledger entry kind in words; an unknown kind is shown as it is. */
export function postingKind(t: ConsoleT<CommonKey>, kind: string): string {
  const key = `kind.${kind}`;
  return hasKey(commonMessages, key) ? t(key) : kind;
}

/** Why an order moved, in words; an unknown cause is shown as it is. */
export function eventCause(t: ConsoleT<CommonKey>, cause: string): string {
  const key = `cause.${cause}`;
  return hasKey(commonMessages, key) ? t(key) : cause;
}
