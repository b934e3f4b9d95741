import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileCache } from './support/cli.ts';

// The README's quick start, as a person runs it: `npm start` from the repository root. It must put the
// database where the README says (./data under the directory it was started in, unless DATA_DIR says
// otherwise) and stop, with its server, when it is sent SIGTERM or SIGINT (a service manager, Ctrl-C).

const ROOT = resolve(import.meta.dirname, '../../..');

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => ok(port));
    });
  });
}

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(url)).ok;
  } catch {
    return false;
  }
}

const started: ChildProcess[] = [];
const dirs: string[] = [];
afterAll(() => {
  for (const c of started) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function npmStart(dataDir: string): Promise<{ child: ChildProcess; base: string; output: () => string }> {
  const port = await freePort();
  const child = spawn('npm', ['start'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      ...compileCache(),
      HOME: process.env.HOME ?? tmpdir(),
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      KAMENG_SANDBOX: 'on',
      BCRYPT_COST: '4',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  let out = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 150_000;
  while (!(await answers(`${base}/healthz`))) {
    if (child.exitCode !== null) throw new Error(`npm start exited (${child.exitCode}):\n${out}`);
    if (Date.now() > deadline) throw new Error(`npm start did not answer /healthz:\n${out}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return { child, base, output: () => out };
}

async function exitOf(child: ChildProcess, ms: number): Promise<number | string | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode ?? child.signalCode;
  return new Promise((ok) => {
    const timer = setTimeout(() => ok('still running'), ms);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      ok(code ?? signal);
    });
  });
}

describe('npm start', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`keeps its data in DATA_DIR and stops with its server on ${signal}`, { timeout: 240_000 }, async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'kameng-start-'));
      dirs.push(dataDir);
      const { child, base, output } = await npmStart(dataDir);
      expect(existsSync(join(dataDir, 'master.key'))).toBe(true);
      // the build says nothing the README does not (zod's comments beside its pure marks once made Rollup warn)
      expect(output()).not.toMatch(/cannot interpret|EBADENGINE|\(!\) /);
      // only the npm process is signalled, as systemd or `kill <pid>` would
      child.kill(signal);
      const exit = await exitOf(child, 40_000);
      expect(exit, output()).not.toBe('still running');
      // the server went with it: nothing answers on its port any more
      expect(await answers(`${base}/healthz`)).toBe(false);
    });
  }
});
