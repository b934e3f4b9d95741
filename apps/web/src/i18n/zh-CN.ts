export const zhCN = {
  brand: '卡盟',
  tagline: '游戏点卡 · 卡密 · 会员 · 直充，付款即发货',
  home: '首页',
  login: '登录',
  register: '注册',
  logout: '退出登录',
  account: '邮箱或手机号',
  email: '邮箱',
  phone: '手机号（可选，二选一）',
  password: '密码',
  totp: '身份验证器代码',
  submit: '提交',
  welcome: '欢迎回来，{name}',
  registered: '注册成功，请登录',
  sandboxBanner: '沙箱模式已开启：模拟支付，不涉及真实资金',
  serverOk: '服务正常',
  serverDown: '服务不可用',
  language: 'English',
  required: '请填写此项',
  emptyHome: '商品页面即将上线。先注册账号，或以供货商身份申请入驻。',
} as const;

export type Messages = { [K in keyof typeof zhCN]: string };
