import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestDatabase,
  dialectName,
  TEST_DATABASE_URL,
  TEST_REDIS_URL,
  type TestDatabase,
} from './support/harness.ts';
import { compileCache } from './support/cli.ts';

const CLI = resolve(dirname(fileURLToPath(import.meta.url)), '../src/cli.ts');

/** `kameng health` as a container runs it: a fresh process with only the environment it is given. */
function health(env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [CLI, 'health'], {
      env: { PATH: process.env.PATH ?? '', ...compileCache(), ...env },
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', fail);
    child.on('close', (code) => done({ code, out }));
  });
}

describe(`kameng health, the worker container's probe (${dialectName})`, () => {
  let db: TestDatabase;
  const empty = mkdtempSync(join(tmpdir(), 'kameng-health-'));
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
    rmSync(empty, { recursive: true, force: true });
  });

  const configured = () => ({
    DATA_DIR: db.dataDir,
    ...(TEST_DATABASE_URL ? { DATABASE_URL: TEST_DATABASE_URL } : {}),
    ...(TEST_REDIS_URL ? { REDIS_URL: TEST_REDIS_URL } : {}),
  });

  it('exits 0 when the configured database (and Redis) answer, without a master key', async () => {
    const res = await health(configured());
    expect(res).toEqual({ code: 0, out: 'ok\n' });
    expect(existsSync(join(db.dataDir, 'master.key'))).toBe(false);
  });

  it('exits 1 naming the database when it does not answer', async () => {
    const res = await health({ ...configured(), DATABASE_URL: 'postgres://kameng@127.0.0.1:9/kameng' });
    expect(res.code).toBe(1);
    expect(res.out).toMatch(/^database: .*ECONNREFUSED/m);
  });

  it('exits 1 naming Redis when it does not answer', async () => {
    const res = await health({ ...configured(), REDIS_URL: 'redis://127.0.0.1:9' });
    expect(res.code).toBe(1);
    expect(res.out).toMatch(/^redis: .*ECONNREFUSED/m);
    expect(res.out).not.toMatch(/^database:/m);
  });

  it('an empty data folder is unhealthy and stays empty (a probe never creates a database)', async () => {
    const res = await health({ DATA_DIR: empty });
    expect(res.code).toBe(1);
    expect(res.out).toContain('database: no kameng.sqlite');
    expect(existsSync(join(empty, 'kameng.sqlite'))).toBe(false);
    expect(existsSync(join(empty, 'master.key'))).toBe(false);
  });

  it('a bad setting exits 1 with the configuration message', async () => {
    const res = await health({ DATA_DIR: empty, DATABASE_URL: 'mysql://x' });
    expect(res.code).toBe(1);
    expect(res.out).toContain('DATABASE_URL');
  });
});
