import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { useLocale } from '../i18n/index.ts';

/**
 * Puts dayjs (Ant Design's date pickers: month and weekday names, the week starting on Monday) in the reader's
 * language. Called by the pages that show pickers (the consoles and the buyer centre, all lazy chunks), so dayjs
 * stays out of the storefront's first load. dayjs's language is global; setting it during render is idempotent
 * and happens before any picker opens its panel.
 */
export function useDateLocale(): void {
  const { locale } = useLocale();
  dayjs.locale(locale === 'zh-CN' ? 'zh-cn' : 'en');
}
