import type { ErrorCode } from '@kameng/contracts';
import { ApiFailure, issuesOf } from '../lib/api.ts';
import { defineMessages, hasKey, type Locale, translator } from './dictionary.ts';

/** Codes the web app makes up itself: no answer came (NETWORK), or one it cannot read (`unknown`). */
type ClientCode = 'NETWORK' | 'unknown';

/** A sentence for every code the server answers with (the closed list in contracts) and the app's own. */
type ErrorSentences = { readonly [C in ErrorCode | ClientCode as `error.${C}`]: string } & {
  readonly 'error.fields': string;
};

const zhCN: ErrorSentences = {
  'error.unknown': '操作失败，请稍后再试',
  'error.fields': '以下内容有误：{fields}',
  'error.NETWORK': '无法连接服务器，请检查网络后重试',
  'error.VALIDATION_FAILED': '提交的内容有误，请检查后重试',
  'error.BAD_REQUEST': '请求有误，请刷新页面后重试',
  'error.UNAUTHENTICATED': '登录已失效，请重新登录',
  'error.INVALID_CREDENTIALS': '账号或密码错误',
  'error.TOTP_REQUIRED': '请输入身份验证器代码',
  'error.TOTP_INVALID': '身份验证器代码错误或已被使用，请等下一个代码',
  'error.FORBIDDEN': '你的账号无权执行此操作',
  'error.CSRF_FAILED': '会话校验失败，请刷新页面后重试',
  'error.REAUTH_REQUIRED': '请先确认身份（重新输入密码）',
  'error.ACCOUNT_FROZEN': '此账号已被冻结，请联系客服',
  'error.TWO_FACTOR_REQUIRED': '供货商和后台账号必须开启两步验证，请在「账号安全」开启',
  'error.NOT_FOUND': '内容不存在或已被删除',
  'error.METHOD_NOT_ALLOWED': '不支持此操作',
  'error.CONFLICT': '内容已被修改，请刷新后重试',
  'error.ALREADY_EXISTS': '已存在相同的记录，不能重复提交',
  'error.OUT_OF_STOCK': '库存不足，请减少数量或稍后再来',
  'error.INSUFFICIENT_FUNDS': '可用余额不足',
  'error.INVALID_STATE': '当前状态下不能执行此操作，请刷新后查看',
  'error.PAYLOAD_TOO_LARGE': '文件或内容过大',
  'error.UNSUPPORTED_MEDIA_TYPE': '不支持的文件类型，图片请上传 PNG、JPEG 或 WebP',
  'error.UNPROCESSABLE': '内容无法处理，请检查后重试',
  'error.BANNED_GOODS': '该商品属于平台禁售类目（如盗版软件、游戏外挂），不能发布',
  'error.QUALIFICATION_REQUIRED': '在该类目上架需先提交并通过相应资质审核',
  'error.TAKEN_DOWN': '该商品已被平台下架，请查看下架原因',
  'error.CODE_INVALID': '验证码错误或已过期',
  'error.IDEMPOTENCY_MISMATCH': '重复的请求，请刷新页面后重试',
  'error.WEAK_PASSWORD': '密码过于简单或常见，请换一个',
  'error.SMS_NOT_CONFIGURED': '本站暂未开通短信服务，请改用邮箱',
  'error.EMAIL_NOT_CONFIGURED': '本站暂未开通邮件服务，请改用手机号或联系客服',
  'error.RATE_LIMITED': '操作过于频繁，请稍后再试',
  'error.INTERNAL': '服务器出错了，请稍后再试',
  'error.UNAVAILABLE': '服务暂时不可用，请稍后再试',
};

const enUS: ErrorSentences = {
  'error.unknown': 'That did not work; please try again later',
  'error.fields': 'Please check: {fields}',
  'error.NETWORK': 'Cannot reach the server; check your connection and try again',
  'error.VALIDATION_FAILED': 'Some fields are not valid; check them and try again',
  'error.BAD_REQUEST': 'The request was not understood; reload the page and try again',
  'error.UNAUTHENTICATED': 'Your session has ended; sign in again',
  'error.INVALID_CREDENTIALS': 'Wrong account or password',
  'error.TOTP_REQUIRED': 'Enter the code from your authenticator',
  'error.TOTP_INVALID': 'The authenticator code is wrong or already used; wait for the next one',
  'error.FORBIDDEN': 'Your account may not do this',
  'error.CSRF_FAILED': 'Session check failed; reload the page and try again',
  'error.REAUTH_REQUIRED': 'Confirm it is you first (enter your password again)',
  'error.ACCOUNT_FROZEN': 'This account is frozen; contact support',
  'error.TWO_FACTOR_REQUIRED': 'Supplier and staff accounts need two-step sign-in; turn it on under Account security',
  'error.NOT_FOUND': 'Not found, or it was removed',
  'error.METHOD_NOT_ALLOWED': 'That action is not supported',
  'error.CONFLICT': 'It was changed meanwhile; reload and try again',
  'error.ALREADY_EXISTS': 'That already exists',
  'error.OUT_OF_STOCK': 'Not enough stock; lower the quantity or come back later',
  'error.INSUFFICIENT_FUNDS': 'Not enough available balance',
  'error.INVALID_STATE': 'Not possible in its current state; reload to see it',
  'error.PAYLOAD_TOO_LARGE': 'The file or text is too large',
  'error.UNSUPPORTED_MEDIA_TYPE': 'That file type is not supported; images must be PNG, JPEG or WebP',
  'error.UNPROCESSABLE': 'This cannot be processed; check it and try again',
  'error.BANNED_GOODS':
    'These goods are banned on this platform (pirated software, game cheats …) and cannot be listed',
  'error.QUALIFICATION_REQUIRED': 'Listing in this category needs an approved qualification first',
  'error.TAKEN_DOWN': 'The platform took this product down; see the reason',
  'error.CODE_INVALID': 'The code is wrong or has expired',
  'error.IDEMPOTENCY_MISMATCH': 'A repeated request; reload the page and try again',
  'error.WEAK_PASSWORD': 'This password is too common or too easy to guess; choose another',
  'error.SMS_NOT_CONFIGURED': 'This site cannot send text messages yet; use an email address instead',
  'error.EMAIL_NOT_CONFIGURED': 'This site cannot send email yet; use a phone number or contact support',
  'error.RATE_LIMITED': 'Too many attempts; wait a moment and try again',
  'error.INTERNAL': 'Something went wrong on our side; try again later',
  'error.UNAVAILABLE': 'The service is temporarily unavailable; try again later',
};

export const errorMessages = defineMessages(zhCN, enUS);

/**
 * A failure in the reader's language, the one translator of errors for every page: each code the server answers
 * with reads as a sentence, a VALIDATION_FAILED answer names its fields, and anything else (an unknown code, a
 * bug in the page) reads as a general failure, never as a raw server message or a stack.
 */
export function errorText(t: { readonly locale: Locale }, err: unknown): string {
  const say = translator(errorMessages, t.locale);
  if (!(err instanceof ApiFailure)) return say('error.unknown');
  if (err.code === 'VALIDATION_FAILED') {
    const fields = new Set(issuesOf(err).map((i) => i.path.join('.')));
    fields.delete('');
    if (fields.size) return say('error.fields', { fields: [...fields].join(', ') });
  }
  const key = `error.${err.code}`;
  return hasKey(errorMessages, key) ? say(key) : say('error.unknown');
}
