import { describe, expect, it } from 'vitest';
import { type AuthContext, enforceGuard } from './auth.ts';

const who = (roles: AuthContext['roles'], twoFactor: boolean): AuthContext => ({
  userId: 'usr_1',
  sessionId: 'ses_1',
  roles,
  twoFactor,
  reauthAt: 0,
  via: 'bearer',
  tokenHash: 'x',
});

const codeOf = (fn: () => void): string | null => {
  try {
    fn();
    return null;
  } catch (err) {
    return (err as { code: string }).code;
  }
};

describe('enforceGuard and two-factor sign-in (PROMISES #24)', () => {
  it('supplier and staff guards need 2FA; the role is checked first', () => {
    for (const guard of [['supplier'], ['operator', 'admin'], ['admin'], ['arbitrator']] as const) {
      const holder = [...guard];
      expect(
        codeOf(() => enforceGuard(guard, who(['buyer', ...holder], false))),
        guard.join(),
      ).toBe('TWO_FACTOR_REQUIRED');
      expect(
        codeOf(() => enforceGuard(guard, who(['buyer', ...holder], true))),
        guard.join(),
      ).toBeNull();
      expect(
        codeOf(() => enforceGuard(guard, who(['buyer'], false))),
        guard.join(),
      ).toBe('FORBIDDEN');
    }
  });

  it("'user' routes and a guard the buyer role meets stay open without 2FA", () => {
    expect(codeOf(() => enforceGuard('user', who(['buyer', 'operator'], false)))).toBeNull();
    expect(codeOf(() => enforceGuard(['buyer', 'supplier'], who(['buyer', 'supplier'], false)))).toBeNull();
    expect(codeOf(() => enforceGuard('public', null))).toBeNull();
    expect(codeOf(() => enforceGuard('user', null))).toBe('UNAUTHENTICATED');
  });
});
