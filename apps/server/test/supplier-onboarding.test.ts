import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, loginAdmin, PASSWORD, registerAndLogin } from './support/client.ts';
import { createTestApp, dialectName, type TestApp } from './support/harness.ts';

const INJECTION = `'; DROP TABLE users; -- " OR 1=1 /* <script>alert(1)</script> 卡密`;

describe(`supplier onboarding and operator actions (${dialectName})`, () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await createTestApp();
    admin = await loginAdmin(t);
  });
  afterAll(async () => {
    await t.close();
  });

  it('a buyer applies, an operator approves, the buyer becomes a supplier, both are audited', async () => {
    const buyer = await registerAndLogin(t.app);
    const applied = await call(t.app, 'POST', '/api/v1/supplier/applications', {
      token: buyer.token,
      body: { shopName: '星辰游戏点卡', contact: 'QQ 123456', realName: '李四', note: '主营腾讯点卡' },
    });
    expect(applied.status).toBe(201);
    expect(applied.body).toMatchObject({ status: 'pending' });
    expect(applied.body.id).toMatch(/^sap_/);

    const dup = await call(t.app, 'POST', '/api/v1/supplier/applications', {
      token: buyer.token,
      body: { shopName: 'again', contact: 'x', realName: 'y' },
    });
    expect(dup.status).toBe(409);

    const forbidden = await call(t.app, 'POST', `/api/v1/admin/supplier-applications/${applied.body.id}/approve`, {
      token: buyer.token,
    });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error.code).toBe('FORBIDDEN');

    const pending = await call(t.app, 'GET', '/api/v1/admin/supplier-applications?status=pending', { token: admin });
    expect(pending.body.items.map((a: { id: string }) => a.id)).toContain(applied.body.id);

    const approved = await call(t.app, 'POST', `/api/v1/admin/supplier-applications/${applied.body.id}/approve`, {
      token: admin,
    });
    expect(approved.status).toBe(200);
    expect(approved.body.status).toBe('approved');

    const twice = await call(t.app, 'POST', `/api/v1/admin/supplier-applications/${applied.body.id}/approve`, {
      token: admin,
    });
    expect(twice.status).toBe(409);

    const me = await call(t.app, 'GET', '/api/v1/me', { token: buyer.token });
    expect(me.body.roles).toEqual(expect.arrayContaining(['buyer', 'supplier']));

    const audit = await call(t.app, 'GET', `/api/v1/admin/audit-log?objectId=${applied.body.id}`, { token: admin });
    expect(audit.body.items.map((e: { action: string }) => e.action).sort()).toEqual([
      'supplier_application.approve',
      'supplier_application.submit',
    ]);
    const approval = audit.body.items.find((e: { action: string }) => e.action === 'supplier_application.approve');
    expect(approval.actorId).not.toBe(buyer.userId);
    expect(approval.ip).toBeTruthy();
  });

  it('operators see the real name and contact masked until they reveal them, audited; the applicant sees his own', async () => {
    const buyer = await registerAndLogin(t.app);
    const applied = await call(t.app, 'POST', '/api/v1/supplier/applications', {
      token: buyer.token,
      body: { shopName: '实名卡行', contact: 'QQ 88886666', realName: '欧阳娜娜' },
    });
    expect(applied.body).toMatchObject({ realName: '欧阳娜娜', contact: 'QQ 88886666' });
    const list = await call(t.app, 'GET', '/api/v1/admin/supplier-applications?status=pending&pageSize=100', {
      token: admin,
    });
    const row = list.body.items.find((a: { id: string }) => a.id === applied.body.id);
    expect(row).toMatchObject({ realName: '欧***', contact: 'QQ******66' });
    expect(JSON.stringify(list.body)).not.toContain('88886666');
    expect(
      (
        await call(t.app, 'POST', `/api/v1/admin/supplier-applications/${applied.body.id}/reveal`, {
          token: buyer.token,
        })
      ).status,
    ).toBe(403);
    const revealed = await call(t.app, 'POST', `/api/v1/admin/supplier-applications/${applied.body.id}/reveal`, {
      token: admin,
    });
    expect(revealed.body).toEqual({ realName: '欧阳娜娜', contact: 'QQ 88886666' });
    const audit = await call(
      t.app,
      'GET',
      `/api/v1/admin/audit-log?objectId=${applied.body.id}&action=supplier_application.reveal`,
      {
        token: admin,
      },
    );
    expect(audit.body.total).toBe(1);
    const mine = await call(t.app, 'GET', '/api/v1/supplier/applications', { token: buyer.token });
    expect(mine.body.items[0]).toMatchObject({ realName: '欧阳娜娜', contact: 'QQ 88886666' });
  });

  it('rejection needs a reason and is visible to the applicant', async () => {
    const buyer = await registerAndLogin(t.app);
    const applied = await call(t.app, 'POST', '/api/v1/supplier/applications', {
      token: buyer.token,
      body: { shopName: 'S', contact: 'C', realName: 'R' },
    });
    const noReason = await call(t.app, 'POST', `/api/v1/admin/supplier-applications/${applied.body.id}/reject`, {
      token: admin,
      body: {},
    });
    expect(noReason.status).toBe(400);
    const rejected = await call(t.app, 'POST', `/api/v1/admin/supplier-applications/${applied.body.id}/reject`, {
      token: admin,
      body: { reason: '资质材料不全' },
    });
    expect(rejected.status).toBe(200);
    const mine = await call(t.app, 'GET', '/api/v1/supplier/applications', { token: buyer.token });
    expect(mine.body.items[0]).toMatchObject({ status: 'rejected', reason: '资质材料不全' });
    const me = await call(t.app, 'GET', '/api/v1/me', { token: buyer.token });
    expect(me.body.roles).toEqual(['buyer']);
    // after a rejection the buyer may apply again
    const again = await call(t.app, 'POST', '/api/v1/supplier/applications', {
      token: buyer.token,
      body: { shopName: 'S2', contact: 'C', realName: 'R' },
    });
    expect(again.status).toBe(201);
  });

  it('approving an unknown application is 404', async () => {
    const res = await call(t.app, 'POST', '/api/v1/admin/supplier-applications/sap_nope/approve', { token: admin });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
  });

  it('stores SQL-injection strings in every text field verbatim', async () => {
    const buyer = await registerAndLogin(t.app);
    const body = {
      shopName: INJECTION.slice(0, 64),
      contact: INJECTION,
      realName: INJECTION.slice(0, 64),
      note: INJECTION,
    };
    const applied = await call(t.app, 'POST', '/api/v1/supplier/applications', { token: buyer.token, body });
    expect(applied.status).toBe(201);
    expect(applied.body).toMatchObject(body);
    const rejected = await call(t.app, 'POST', `/api/v1/admin/supplier-applications/${applied.body.id}/reject`, {
      token: admin,
      body: { reason: INJECTION },
    });
    expect(rejected.body.reason).toBe(INJECTION);
    const mine = await call(t.app, 'GET', '/api/v1/supplier/applications', { token: buyer.token });
    expect(mine.body.items[0]).toMatchObject({ ...body, reason: INJECTION });
    const login = await call(t.app, 'POST', '/api/v1/auth/login', { body: { login: INJECTION, password: INJECTION } });
    expect(login.status).toBe(401);
    const search = await call(t.app, 'GET', `/api/v1/admin/users?q=${encodeURIComponent(INJECTION)}`, { token: admin });
    expect(search.status).toBe(200);
    expect(search.body.total).toBe(0);
    const users = await call(t.app, 'GET', '/api/v1/admin/users?pageSize=100', { token: admin });
    expect(users.body.total).toBeGreaterThan(1);
  });

  it('every admin route refuses buyers (403) and anonymous callers (401)', async () => {
    const buyer = await registerAndLogin(t.app);
    const routes: [string, string][] = [
      ['GET', '/api/v1/admin/supplier-applications'],
      ['GET', '/api/v1/admin/users'],
      ['GET', `/api/v1/admin/users/${buyer.userId}`],
      ['PUT', `/api/v1/admin/users/${buyer.userId}/roles`],
      ['PUT', `/api/v1/admin/users/${buyer.userId}/status`],
      ['GET', '/api/v1/admin/audit-log'],
      ['POST', '/api/v1/admin/supplier-applications/x/approve'],
      ['POST', '/api/v1/admin/supplier-applications/x/reject'],
    ];
    for (const [method, url] of routes) {
      const asBuyer = await call(t.app, method as 'GET', url, { token: buyer.token, body: {} });
      expect(asBuyer.status, `${method} ${url}`).toBe(403);
      const anon = await call(t.app, method as 'GET', url, { body: {} });
      expect(anon.status, `${method} ${url}`).toBe(401);
    }
  });

  it('freezing a user ends their sessions and blocks sign-in; roles are set by an admin only', async () => {
    const buyer = await registerAndLogin(t.app);
    const frozen = await call(t.app, 'PUT', `/api/v1/admin/users/${buyer.userId}/status`, {
      token: admin,
      body: { status: 'frozen', reason: '疑似盗号' },
    });
    expect(frozen.status).toBe(200);
    expect((await call(t.app, 'GET', '/api/v1/me', { token: buyer.token })).status).toBe(401);
    const login = await call(t.app, 'POST', '/api/v1/auth/login', { body: { login: buyer.email, password: PASSWORD } });
    expect(login.status).toBe(403);
    expect(login.body.error.code).toBe('ACCOUNT_FROZEN');
    await call(t.app, 'PUT', `/api/v1/admin/users/${buyer.userId}/status`, {
      token: admin,
      body: { status: 'active', reason: '核实无误' },
    });
    const back = await call(t.app, 'POST', '/api/v1/auth/login', { body: { login: buyer.email, password: PASSWORD } });
    expect(back.status).toBe(200);

    const roles = await call(t.app, 'PUT', `/api/v1/admin/users/${buyer.userId}/roles`, {
      token: admin,
      body: { roles: ['operator'] },
    });
    expect(roles.status).toBe(200);
    expect(roles.body.roles.sort()).toEqual(['buyer', 'operator']);
    const op = await call(t.app, 'POST', '/api/v1/auth/login', { body: { login: buyer.email, password: PASSWORD } });
    const escalate = await call(t.app, 'PUT', `/api/v1/admin/users/${buyer.userId}/roles`, {
      token: op.body.token,
      body: { roles: ['admin'] },
    });
    expect(escalate.status).toBe(403);
  });
});
