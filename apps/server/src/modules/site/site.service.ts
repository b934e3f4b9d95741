export { replaceSiteSettings, siteSettings, siteSettingsFull } from './site.settings.ts';
export { siteHead } from './site.pages.ts';
