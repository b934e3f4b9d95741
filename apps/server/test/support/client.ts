import type { FastifyInstance, InjectOptions } from 'fastify';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from './harness.ts';

export interface Res<T = any> {
  status: number;
  body: T;
  headers: Record<string, string | string[] | number | undefined>;
  cookies: { name: string; value: string }[];
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Calls the app through HTTP (app.inject) with an optional bearer token. */
export async function call<T = any>(
  app: FastifyInstance,
  method: Method,
  url: string,
  opts: { token?: string; body?: unknown; headers?: Record<string, string>; raw?: string; ip?: string } = {},
): Promise<Res<T>> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  // each call comes from its own address unless the test names one, so per-IP limits only bite where tested
  const req: InjectOptions = { method, url, headers, remoteAddress: opts.ip ?? randomIp() };
  if (opts.raw !== undefined) {
    req.payload = opts.raw;
    headers['content-type'] ??= 'application/json';
  } else if (opts.body !== undefined) {
    req.payload = opts.body as InjectOptions['payload'];
  }
  const res = await app.inject(req);
  const text = res.body;
  let body: unknown = text;
  if ((res.headers['content-type'] ?? '').toString().includes('json') && text) body = JSON.parse(text);
  return { status: res.statusCode, body: body as T, headers: res.headers, cookies: res.cookies as Res['cookies'] };
}

function randomIp(): string {
  return `198.18.${Math.floor(Math.random() * 256)}.${Math.floor(Math.random() * 256)}`;
}

let counter = 0;
export function uniqueEmail(tag = 'user'): string {
  counter += 1;
  return `${tag}.${Date.now().toString(36)}.${counter}@example.cn`;
}

export const PASSWORD = 'Hunter-2-Kameng!';

export async function registerAndLogin(
  app: FastifyInstance,
  email = uniqueEmail(),
  password = PASSWORD,
): Promise<{ token: string; userId: string; email: string; csrfToken: string }> {
  const reg = await call(app, 'POST', '/api/v1/auth/register', { body: { email, password } });
  if (reg.status !== 201) throw new Error(`register failed: ${reg.status} ${JSON.stringify(reg.body)}`);
  const login = await call(app, 'POST', '/api/v1/auth/login', { body: { login: email, password } });
  if (login.status !== 200) throw new Error(`login failed: ${login.status} ${JSON.stringify(login.body)}`);
  return { token: login.body.token, userId: login.body.user.id, email, csrfToken: login.body.csrfToken };
}

export async function loginAdmin(app: FastifyInstance): Promise<string> {
  const res = await call(app, 'POST', '/api/v1/auth/login', { body: { login: ADMIN_EMAIL, password: ADMIN_PASSWORD } });
  if (res.status !== 200) throw new Error(`admin login failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.token;
}
