import type { Messages } from './zh-CN.ts';

export const enUS: Messages = {
  brand: 'Kameng',
  tagline: 'Game cards, keys, memberships and top-ups, delivered the moment you pay',
  home: 'Home',
  login: 'Sign in',
  register: 'Register',
  logout: 'Sign out',
  account: 'Email or phone',
  email: 'Email',
  phone: 'Phone (optional, one of the two)',
  password: 'Password',
  totp: 'Authenticator code',
  submit: 'Submit',
  welcome: 'Welcome back, {name}',
  registered: 'Registered; please sign in',
  sandboxBanner: 'Sandbox mode: simulated payments, no real money',
  serverOk: 'Service OK',
  serverDown: 'Service unavailable',
  language: '中文',
  required: 'Required',
  emptyHome: 'Product pages are coming. Register an account first, or apply to sell as a supplier.',
};
