import { defineConsoleMessages, useMessages } from '../console/i18n.ts';
import type { Translation } from '../i18n/dictionary.ts';

// The site settings page of the operator console keeps its own dictionary.
export const zhCN = {
  'menu.site': '站点设置',
  'site.sub': '店铺名称、备案号、客服与公告，显示在商城的页脚和首页；保存后几秒内对所有访客生效。',
  'site.basics': '基本信息',
  'site.name': '站点名称',
  'site.description': '站点简介',
  'site.descriptionHint': '搜索引擎和链接预览显示的首页描述',
  'site.logoUrl': 'Logo 地址',
  'site.logoHint': 'https:// 开头的图片地址，或本站路径（/uploads/…）',
  'site.records': '备案信息',
  'site.icp': 'ICP 备案号',
  'site.icpHint': '如 京ICP备12345678号-1；页脚显示并链接到工信部备案系统',
  'site.psb': '公安联网备案号',
  'site.psbHint': '如 京公网安备11010502000001号；页脚显示并链接到全国互联网安全管理服务平台',
  'site.support': '客服',
  'site.qq': '客服 QQ',
  'site.wechat': '客服微信',
  'site.supportUrl': '在线客服链接',
  'site.hours': '服务时间',
  'site.hoursPlaceholder': '每天 9:00–23:00',
  'site.announcements': '公告',
  'site.announcementsHint': '置顶的公告排在最前，首页显示前 5 条',
  'site.annTitle': '标题',
  'site.annBody': '内容',
  'site.annPinned': '置顶',
  'site.annAdd': '添加公告',
  'site.annRemove': '删除',
  'site.pages': '条款与隐私',
  'site.terms': '服务条款',
  'site.privacy': '隐私政策',
  'site.pagesHint': '纯文本，保留换行；留空则商城不显示该页面',
  'site.updatedAt': '上次保存：{time}',
  'site.refused': '未保存',
};

export const enUS: Translation<typeof zhCN> = {
  'menu.site': 'Site',
  'site.sub':
    "The shop's name, record numbers, customer service and announcements, shown in the storefront's footer and home page; a save reaches every visitor within seconds.",
  'site.basics': 'Basics',
  'site.name': 'Site name',
  'site.description': 'Description',
  'site.descriptionHint': 'What search engines and link previews show for the home page',
  'site.logoUrl': 'Logo address',
  'site.logoHint': 'An https:// image address, or a path on this site (/uploads/…)',
  'site.records': 'Record numbers',
  'site.icp': 'ICP record number (ICP 备案号)',
  'site.icpHint': 'e.g. 京ICP备12345678号-1; shown in the footer, linked to the MIIT register',
  'site.psb': 'Public security record number (公安联网备案号)',
  'site.psbHint': 'e.g. 京公网安备11010502000001号; shown in the footer, linked to the MPS register',
  'site.support': 'Customer service',
  'site.qq': 'QQ',
  'site.wechat': 'WeChat',
  'site.supportUrl': 'Chat link',
  'site.hours': 'Hours',
  'site.hoursPlaceholder': 'Every day 9:00–23:00',
  'site.announcements': 'Announcements',
  'site.announcementsHint': 'Pinned ones come first; the home page shows the first 5',
  'site.annTitle': 'Title',
  'site.annBody': 'Text',
  'site.annPinned': 'Pinned',
  'site.annAdd': 'Add an announcement',
  'site.annRemove': 'Remove',
  'site.pages': 'Terms and privacy',
  'site.terms': 'Terms of service',
  'site.privacy': 'Privacy policy',
  'site.pagesHint': 'Plain text, line breaks kept; left empty, the storefront does not show the page',
  'site.updatedAt': 'Last saved: {time}',
  'site.refused': 'Not saved',
};

export const messages = defineConsoleMessages(zhCN, enUS);

export function useSiteT() {
  return useMessages(messages);
}
