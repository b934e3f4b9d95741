import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, loginAdmin, registerAndLogin } from './support/client.ts';
import { createTestApp, dialectName, ManualClock, type TestApp } from './support/harness.ts';

// GET /agent/apply-info: what the web's 申请开分站 page shows — the platform's domain, and on an agent's 分站
// Host the site the applicant would join (public, read-only; a Host that is no open 分站 is the main site).
describe(`分站 application info (${dialectName})`, () => {
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

  const info = (host?: string) => call(t.app, 'GET', '/api/v1/agent/apply-info', host ? { headers: { host } } : {});

  it('answers the platform domain, and the parent site only on an approved 分站 Host', async () => {
    const plain = await info();
    expect(plain.status).toBe(200);
    expect(plain.body).toEqual({ siteDomain: 'kameng.local', parentSiteName: null });

    const u = await registerAndLogin(t.app);
    const applied = await call(t.app, 'POST', '/api/v1/agent/applications', {
      token: u.token,
      body: { siteName: '星光小站', subdomain: 'xingguang' },
    });
    expect(applied.status).toBe(201);
    // pending: the Host is still the main site
    expect((await info('xingguang.kameng.local')).body.parentSiteName).toBeNull();
    const ok = await call(t.app, 'POST', `/api/v1/admin/agent-applications/${applied.body.id}/approve`, {
      token: admin,
    });
    expect(ok.status).toBe(200);
    expect((await info('xingguang.kameng.local')).body).toEqual({
      siteDomain: 'kameng.local',
      parentSiteName: '星光小站',
    });
    // unknown labels, other domains and addresses are the main site; nothing else leaks
    for (const host of ['nobody.kameng.local', 'xingguang.evil.test', '127.0.0.1', 'a.b.xingguang.kameng.local']) {
      expect((await info(host)).body).toEqual({ siteDomain: 'kameng.local', parentSiteName: null });
    }
  });

  it('follows the operators’ domain setting', async () => {
    const set = await call(t.app, 'PUT', '/api/v1/admin/agent-settings', {
      token: admin,
      body: { siteDomain: 'shops.example.cn', maxDepth: 3 },
    });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    expect((await info()).body.siteDomain).toBe('shops.example.cn');
    expect((await info('xingguang.shops.example.cn')).body.parentSiteName).toBe('星光小站');
    expect((await info('xingguang.kameng.local')).body.parentSiteName).toBeNull();
  });
});
