import { defineConsoleMessages, useMessages } from '../console/i18n.ts';

// The operator console's page for the SMS gateways and the WeChat/QQ sign-in apps.
export const zhCN = {
  'menu.identity': '短信与第三方登录',
  'id.sub': '验证码短信的网关与微信、QQ 登录的应用。密钥加密保存，只显示末四位；修改设置或密钥需要重新输入密码。',
  'id.sms': '短信网关',
  'id.smsHint': '同一时间只启用一个网关；验证码按网关审核通过的模板发送，模板只含一个验证码变量。',
  'id.oauth': '第三方登录',
  'id.oauthHint': '在微信开放平台（网站应用）或 QQ 互联创建应用，把回调地址登记到应用里。',
  'id.p.aliyun': '阿里云短信',
  'id.p.tencent': '腾讯云短信',
  'id.p.wechat': '微信登录',
  'id.p.qq': 'QQ 登录',
  'id.enabled': '已启用',
  'id.disabled': '未启用',
  'id.missing': '启用前还需填写：{fields}',
  'id.callback': '回调地址：{url}',
  'id.edit': '配置',
  'id.editTitle': '配置{provider}',
  'id.enable': '启用',
  'id.secretKept': '已保存 {masked}，留空则不修改',
  'id.savedOk': '{provider}已保存',
  'id.reauthTitle': '修改密钥前请确认密码',
  'id.f.accessKeyId': 'AccessKey ID',
  'id.f.accessKeySecret': 'AccessKey Secret',
  'id.f.secretId': 'SecretId',
  'id.f.secretKey': 'SecretKey',
  'id.f.sdkAppId': 'SDK AppID',
  'id.f.signName': '短信签名',
  'id.f.verificationTemplate': '验证码模板编号',
  'id.f.region': '地域',
  'id.f.endpoint': '接口地址（留空用官方地址）',
  'id.f.appId': 'AppID',
  'id.f.appSecret': 'AppSecret',
  'id.f.siteUrl': '站点地址（https://…）',
  'id.f.authorizeUrl': '授权页地址（留空用官方地址）',
  'id.f.apiBase': '接口地址（留空用官方地址）',
} as const;

export const enUS = {
  'menu.identity': 'SMS & third-party sign-in',
  'id.sub':
    'The gateways verification codes go through, and the WeChat and QQ sign-in apps. Secrets are stored encrypted and shown by their last four characters; changing settings or secrets asks for your password again.',
  'id.sms': 'SMS gateways',
  'id.smsHint':
    'One gateway is enabled at a time; codes go out through the template the gateway approved, with one placeholder for the code.',
  'id.oauth': 'Third-party sign-in',
  'id.oauthHint':
    'Create an app on the WeChat Open Platform (website app) or QQ Connect and register the callback address with it.',
  'id.p.aliyun': 'Alibaba Cloud SMS',
  'id.p.tencent': 'Tencent Cloud SMS',
  'id.p.wechat': 'WeChat sign-in',
  'id.p.qq': 'QQ sign-in',
  'id.enabled': 'Enabled',
  'id.disabled': 'Disabled',
  'id.missing': 'Needed before enabling: {fields}',
  'id.callback': 'Callback: {url}',
  'id.edit': 'Configure',
  'id.editTitle': 'Configure {provider}',
  'id.enable': 'Enabled',
  'id.secretKept': 'Saved {masked}; leave empty to keep it',
  'id.savedOk': '{provider} saved',
  'id.reauthTitle': 'Confirm your password to change secrets',
  'id.f.accessKeyId': 'AccessKey ID',
  'id.f.accessKeySecret': 'AccessKey Secret',
  'id.f.secretId': 'SecretId',
  'id.f.secretKey': 'SecretKey',
  'id.f.sdkAppId': 'SDK AppID',
  'id.f.signName': 'Sign name',
  'id.f.verificationTemplate': 'Verification template code',
  'id.f.region': 'Region',
  'id.f.endpoint': 'API address (empty: the official one)',
  'id.f.appId': 'AppID',
  'id.f.appSecret': 'AppSecret',
  'id.f.siteUrl': 'Site address (https://…)',
  'id.f.authorizeUrl': 'Authorize page (empty: the official one)',
  'id.f.apiBase': 'API address (empty: the official one)',
};

export const messages = defineConsoleMessages(zhCN, enUS);

export function useIdentityT() {
  return useMessages(messages);
}
