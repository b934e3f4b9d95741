import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  approvedSupplier,
  call,
  enrolTwoFactor,
  login,
  loginAdmin,
  PASSWORD,
  registerAndLogin,
  staffUser,
} from './support/client.ts';
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  createTestApp,
  dialectName,
  ManualClock,
  type TestApp,
} from './support/harness.ts';

// PROMISES #24: suppliers and operators (and every other staff role) work only with two-factor sign-in on.
describe(`supplier and staff routes need 2FA (${dialectName})`, () => {
  const clock = new ManualClock(Date.now());
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await createTestApp({ clock });
    admin = await loginAdmin(t);
  });
  afterAll(async () => {
    await t.close();
  });

  function expectTwoFactorRequired(res: { status: number; body: any }, where: string) {
    expect(res.status, where).toBe(403);
    expect(res.body, where).toEqual({
      error: {
        code: 'TWO_FACTOR_REQUIRED',
        message: expect.stringMatching(/two-factor.*account security/i),
        details: { requiredRoles: expect.any(Array) },
      },
    });
  }

  /** A plain account given `roles` by the admin, signed in again (a role change ends sessions): no 2FA yet. */
  async function withoutTwoFactor(roles: ('supplier' | 'operator')[]) {
    const u = await registerAndLogin(t.app);
    const set = await call(t.app, 'PUT', `/api/v1/admin/users/${u.userId}/roles`, { token: admin, body: { roles } });
    expect(set.status).toBe(200);
    return { ...u, ...(await login(t.app, u.email)) };
  }

  it('the bootstrap admin signs in with its password alone, and must enrol before the console answers', async () => {
    const fresh = await createTestApp({ clock });
    try {
      const first = await login(fresh.app, ADMIN_EMAIL, ADMIN_PASSWORD);
      expectTwoFactorRequired(
        await call(fresh.app, 'GET', '/api/v1/admin/users', { token: first.token }),
        'admin before 2FA',
      );
      expect((await call(fresh.app, 'GET', '/api/v1/me', { token: first.token })).body.totpEnabled).toBe(false);
      const factor = await enrolTwoFactor(fresh.app, first.token, fresh.clock);
      // the same session goes on: the flag is read with the session on every request
      expect((await call(fresh.app, 'GET', '/api/v1/admin/users', { token: first.token })).status).toBe(200);
      const again = await call(fresh.app, 'POST', '/api/v1/auth/login', {
        body: { login: ADMIN_EMAIL, password: ADMIN_PASSWORD },
      });
      expect(again.body.error.code).toBe('TOTP_REQUIRED');
      const withCode = await login(fresh.app, ADMIN_EMAIL, ADMIN_PASSWORD, factor);
      expect((await call(fresh.app, 'GET', '/api/v1/admin/users', { token: withCode.token })).status).toBe(200);
    } finally {
      await fresh.close();
    }
  });

  it('an operator without 2FA gets TWO_FACTOR_REQUIRED on operator routes, can still enrol, then gets through', async () => {
    const op = await withoutTwoFactor(['operator']);
    for (const url of ['/api/v1/admin/users', '/api/v1/admin/products', '/api/v1/admin/ledger/trial-balance']) {
      expectTwoFactorRequired(await call(t.app, 'GET', url, { token: op.token }), url);
    }
    // what enrolling needs stays open
    const me = await call(t.app, 'GET', '/api/v1/me', { token: op.token });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ roles: ['buyer', 'operator'], totpEnabled: false });
    expect((await call(t.app, 'GET', '/api/v1/me/sessions', { token: op.token })).status).toBe(200);
    const factor = await enrolTwoFactor(t.app, op.token, t.clock);

    const signedIn = await login(t.app, op.email, PASSWORD, factor);
    for (const url of ['/api/v1/admin/users', '/api/v1/admin/products', '/api/v1/admin/ledger/trial-balance']) {
      expect((await call(t.app, 'GET', url, { token: signedIn.token })).status, url).toBe(200);
    }
    // an operator is still not an admin: the role check comes first
    const roles = await call(t.app, 'PUT', `/api/v1/admin/users/${op.userId}/roles`, {
      token: signedIn.token,
      body: { roles: ['admin'] },
    });
    expect(roles.body.error.code).toBe('FORBIDDEN');
  });

  it('a supplier without 2FA gets TWO_FACTOR_REQUIRED on supplier routes, can still enrol, then gets through', async () => {
    const u = await registerAndLogin(t.app);
    const applied = await call(t.app, 'POST', '/api/v1/supplier/applications', {
      token: u.token,
      body: { shopName: '两步小店', contact: 'QQ 40004', realName: '孙八' },
    });
    expect(applied.status).toBe(201);
    const approved = await call(t.app, 'POST', `/api/v1/admin/supplier-applications/${applied.body.id}/approve`, {
      token: admin,
    });
    expect(approved.status).toBe(200);
    for (const url of ['/api/v1/supplier/products', '/api/v1/supplier/balance', '/api/v1/supplier/withdrawals']) {
      expectTwoFactorRequired(await call(t.app, 'GET', url, { token: u.token }), url);
    }
    expect((await call(t.app, 'GET', '/api/v1/supplier/applications', { token: u.token })).status).toBe(200);
    const factor = await enrolTwoFactor(t.app, u.token, t.clock);

    const signedIn = await login(t.app, u.email, PASSWORD, factor);
    for (const url of ['/api/v1/supplier/products', '/api/v1/supplier/balance', '/api/v1/supplier/withdrawals']) {
      expect((await call(t.app, 'GET', url, { token: signedIn.token })).status, url).toBe(200);
    }
    // supplier rights are not operator rights
    expect((await call(t.app, 'GET', '/api/v1/admin/users', { token: signedIn.token })).body.error.code).toBe(
      'FORBIDDEN',
    );
  });

  it('a buyer is unaffected: buyer routes answer, console routes say FORBIDDEN (not 2FA)', async () => {
    const buyer = await registerAndLogin(t.app);
    for (const url of ['/api/v1/me', '/api/v1/wallet', '/api/v1/orders', '/api/v1/supplier/applications']) {
      expect((await call(t.app, 'GET', url, { token: buyer.token })).status, url).toBe(200);
    }
    for (const url of ['/api/v1/admin/users', '/api/v1/supplier/products']) {
      const res = await call(t.app, 'GET', url, { token: buyer.token });
      expect(res.status, url).toBe(403);
      expect(res.body.error.code, url).toBe('FORBIDDEN');
    }
  });

  it('suppliers and operators cannot turn 2FA off; a buyer can', async () => {
    for (const roles of [['supplier'], ['operator']] as const) {
      const staff = await staffUser(t, admin, [...roles]);
      const off = await call(t.app, 'POST', '/api/v1/me/2fa/disable', {
        token: staff.token,
        body: { password: PASSWORD, code: staff.factor.next() },
      });
      expect(off.status, roles[0]).toBe(403);
      expect(off.body.error).toMatchObject({ code: 'FORBIDDEN', details: { reason: 'role_requires_2fa' } });
      expect((await call(t.app, 'GET', '/api/v1/me', { token: staff.token })).body.totpEnabled).toBe(true);
    }
    const supplier = await approvedSupplier(t, admin);
    expect((await call(t.app, 'GET', '/api/v1/supplier/products', { token: supplier.token })).status).toBe(200);

    const buyer = await registerAndLogin(t.app);
    const factor = await enrolTwoFactor(t.app, buyer.token, t.clock);
    const off = await call(t.app, 'POST', '/api/v1/me/2fa/disable', {
      token: buyer.token,
      body: { password: PASSWORD, code: factor.next() },
    });
    expect(off.status).toBe(200);
  });
});
