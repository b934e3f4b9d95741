import type { Locale } from '../i18n/index.ts';

/** A moment in the reader's language and in China Standard Time, where the shop and its suppliers are. */
export function formatTime(ms: number, locale: Locale): string {
  return new Date(ms).toLocaleString(locale, {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  });
}
