import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../../../..');
export const ADMIN_EMAIL = 'admin@kameng.test';
export const ADMIN_PASSWORD = 'E2e-Admin-Passw0rd!';

export interface RunningServer {
  baseUrl: string;
  /** The last verification code the server sent to `to` (without SMTP it writes messages to its log). */
  codeSentTo(to: string): Promise<string>;
  stop(): Promise<void>;
}

function lastCodeIn(log: string, to: string): string | null {
  let code: string | null = null;
  for (const line of log.split('\n')) {
    if (!line.includes('"notify"')) continue;
    try {
      const entry = JSON.parse(line) as { notify?: { to?: string; text?: string } };
      // a code's message, not the delivery notice (whose order number may hold six digits in a row)
      const m = entry.notify?.to === to ? /验证码是 (\d{6})/.exec(entry.notify.text ?? '') : null;
      if (m?.[1]) code = m[1];
    } catch {
      // not a JSON log line
    }
  }
  return code;
}

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

/**
 * The real server (`apps/server/src/main.ts`: API, built web app and job workers in one process) on SQLite
 * in a fresh temp directory, with the sandbox gateway on and rate limits off, on a random free port (listening on
 * 127.0.0.1, or `host`: 0.0.0.0 to be reached by the machine's other addresses too).
 * `webDist`, or else `E2E_WEB_DIST`, points it at another build of the web app (default apps/web/dist).
 */
export async function startServer(opts: { host?: string; webDist?: string } = {}): Promise<RunningServer> {
  const webDist = opts.webDist ?? process.env.E2E_WEB_DIST ?? join(ROOT, 'apps/web/dist');
  if (!existsSync(join(webDist, 'index.html'))) {
    throw new Error(`no built web app at ${webDist}: run \`npm run build:web\` first (npm run test:browser does)`);
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'kameng-e2e-'));
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [join(ROOT, 'apps/server/src/main.ts')], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      ...(process.env.NODE_COMPILE_CACHE ? { NODE_COMPILE_CACHE: process.env.NODE_COMPILE_CACHE } : {}),
      HOME: process.env.HOME ?? tmpdir(),
      PORT: String(port),
      HOST: opts.host ?? '127.0.0.1',
      DATA_DIR: dataDir,
      KAMENG_MASTER_KEY: randomBytes(32).toString('hex'),
      KAMENG_ADMIN_EMAIL: ADMIN_EMAIL,
      KAMENG_ADMIN_PASSWORD: ADMIN_PASSWORD,
      KAMENG_SANDBOX: 'on',
      RATE_LIMIT_PER_MINUTE: '0',
      BCRYPT_COST: '4',
      // info: the log sender writes verification codes there, where the tests read them
      LOG_LEVEL: 'info',
      WEB_DIST_DIR: webDist,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  const exited = new Promise<number | null>((ok) => child.once('exit', (code) => ok(code)));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}) during start-up:\n${output}`);
    try {
      const res = await fetch(`${baseUrl}/healthz`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server did not answer /healthz within 30 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    baseUrl,
    async codeSentTo(to) {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const code = lastCodeIn(output, to);
        if (code) return code;
        if (Date.now() > deadline) throw new Error(`no code was sent to ${to}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
