import { describe, expect, it } from 'vitest';
import { parseLogin } from './users.ts';
import { isCommonPassword } from './common-passwords.ts';

describe('password rules', () => {
  it.each(['123456789', 'password1', 'Qwerty123', '5201314a', 'aaaaaaaa', 'abcdefgh', '87654321', 'ababababab'])(
    'refuses %s',
    (p) => expect(isCommonPassword(p)).toBe(true),
  );
  it.each(['Hunter-2-Kameng!', 'purple-otter-93', 'x7#kLm29pQ'])('accepts %s', (p) =>
    expect(isCommonPassword(p)).toBe(false),
  );
  it('refuses a password built from the email or phone', () => {
    expect(isCommonPassword('zhangwei2024', ['zhangwei@example.cn'])).toBe(true);
    expect(isCommonPassword('13800138000', [null, '13800138000'])).toBe(true);
  });
});

describe('parseLogin', () => {
  it('tells emails from phone numbers', () => {
    expect(parseLogin(' A@B.CN ')).toEqual({ email: 'a@b.cn' });
    expect(parseLogin('+8613800138000')).toEqual({ phone: '13800138000' });
    expect(parseLogin('12345')).toBeNull();
  });
});
