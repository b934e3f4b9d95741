import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineJob, enqueue, JobWorker } from '../src/platform/jobs/jobs.ts';
import { call, loginAdmin, registerAndLogin, staffUser } from './support/client.ts';
import { createTestApp, dialectName, type TestApp } from './support/harness.ts';

describe(`dead jobs for operators (${dialectName})`, () => {
  let t: TestApp;
  let operator: string;
  let healthy = false;
  const flaky = defineJob({
    type: 'test.flaky-upstream',
    payload: z.object({ n: z.number() }),
    maxAttempts: 1,
    handler: async () => {
      if (!healthy) throw new Error('upstream answered 502');
    },
  });
  const runJobs = () => new JobWorker(t.db.database, t.deps, [flaky], { concurrency: 2 }).runOnce({ wait: true });
  const jobStatus = async (id: string) =>
    (await t.deps.db.selectFrom('jobs').select('status').where('id', '=', id).executeTakeFirst())?.status;
  const audits = (action: string) =>
    t.deps.db
      .selectFrom('audit_log')
      .select(['actor_id', 'object_id', 'details'])
      .where('action', '=', action)
      .execute();

  beforeAll(async () => {
    t = await createTestApp();
    operator = (await staffUser(t, await loginAdmin(t), ['operator'])).token;
  });
  afterAll(async () => {
    await t.close();
  });

  it('lists jobs that died, retries one into success and discards another, each audited', async () => {
    const first = await enqueue(t.deps.db, t.deps, flaky, { n: 1 });
    const second = await enqueue(t.deps.db, t.deps, flaky, { n: 2 });
    await runJobs();
    expect(await jobStatus(first)).toBe('dead');

    const buyer = await registerAndLogin(t.app);
    expect((await call(t.app, 'GET', '/api/v1/admin/jobs/dead')).status).toBe(401);
    expect((await call(t.app, 'GET', '/api/v1/admin/jobs/dead', { token: buyer.token })).status).toBe(403);
    expect((await call(t.app, 'POST', `/api/v1/admin/jobs/${first}/retry`, { token: buyer.token })).status).toBe(403);
    expect((await call(t.app, 'DELETE', `/api/v1/admin/jobs/${first}`, { token: buyer.token })).status).toBe(403);

    const list = await call(t.app, 'GET', '/api/v1/admin/jobs/dead?type=test.flaky-upstream', { token: operator });
    expect(list.status).toBe(200);
    expect(list.body.total).toBe(2);
    expect(list.body.types).toEqual([{ type: 'test.flaky-upstream', count: 2 }]);
    expect(list.body.items[0]).toMatchObject({
      type: 'test.flaky-upstream',
      attempts: 1,
      lastError: expect.stringContaining('502'),
    });

    healthy = true;
    expect((await call(t.app, 'POST', `/api/v1/admin/jobs/${first}/retry`, { token: operator })).status).toBe(200);
    expect(await jobStatus(first)).toBe('queued');
    // a second retry finds no dead job: nothing runs twice
    expect((await call(t.app, 'POST', `/api/v1/admin/jobs/${first}/retry`, { token: operator })).status).toBe(404);
    await runJobs();
    expect(await jobStatus(first)).toBe('done');

    expect((await call(t.app, 'DELETE', `/api/v1/admin/jobs/${second}`, { token: operator })).status).toBe(200);
    expect(await jobStatus(second)).toBeUndefined();
    expect((await call(t.app, 'DELETE', `/api/v1/admin/jobs/${second}`, { token: operator })).status).toBe(404);

    const retried = await audits('jobs.retry');
    expect(retried).toHaveLength(1);
    expect(retried[0]).toMatchObject({ object_id: first });
    expect(JSON.parse(retried[0]!.details!)).toMatchObject({
      type: 'test.flaky-upstream',
      lastError: expect.stringContaining('502'),
    });
    expect((await audits('jobs.discard'))[0]).toMatchObject({ object_id: second });
    expect((await call(t.app, 'GET', '/api/v1/admin/jobs/dead', { token: operator })).body.total).toBe(0);
  });

  it('leaves a job that is not dead alone', async () => {
    healthy = false;
    const queued = await enqueue(t.deps.db, t.deps, flaky, { n: 3 }, { delayMs: 60_000 });
    for (const [method, path] of [
      ['POST', `/api/v1/admin/jobs/${queued}/retry`],
      ['DELETE', `/api/v1/admin/jobs/${queued}`],
      ['POST', '/api/v1/admin/jobs/job_nosuch/retry'],
    ] as const) {
      expect((await call(t.app, method, path, { token: operator })).status, path).toBe(404);
    }
    expect(await jobStatus(queued)).toBe('queued');
    expect((await call(t.app, 'GET', '/api/v1/admin/jobs/dead?pageSize=1000', { token: operator })).status).toBe(400);
  });
});
