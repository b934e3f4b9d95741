import type { Role } from '@kameng/contracts';
import type { FastifyInstance, InjectOptions } from 'fastify';
import type { Clock } from '../../src/platform/clock.ts';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from './harness.ts';
import { type SecondFactor, secondFactor } from './second-factor.ts';

export type { SecondFactor };

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

export interface Session {
  token: string;
  userId: string;
  csrfToken: string;
}

/** Turns TOTP on for a signed-in account (its password proved within the last minutes, as a fresh sign-in is). */
export async function enrolTwoFactor(app: FastifyInstance, token: string, clock: Clock): Promise<SecondFactor> {
  const enroll = await call(app, 'POST', '/api/v1/me/2fa/enroll', { token });
  if (enroll.status !== 200) throw new Error(`2FA enrol failed: ${enroll.status} ${JSON.stringify(enroll.body)}`);
  const factor = secondFactor(enroll.body.secret, () => clock.now());
  const confirm = await call(app, 'POST', '/api/v1/me/2fa/confirm', { token, body: { code: factor.next() } });
  if (confirm.status !== 200) throw new Error(`2FA confirm failed: ${confirm.status} ${JSON.stringify(confirm.body)}`);
  factor.recoveryCodes.push(...confirm.body.recoveryCodes);
  return factor;
}

/** Signs in, answering the 2FA prompt with the next code when the account has a second factor. */
export async function login(
  app: FastifyInstance,
  email: string,
  password = PASSWORD,
  factor?: SecondFactor,
): Promise<Session> {
  const body = { login: email, password, ...(factor ? { totp: factor.next() } : {}) };
  const res = await call(app, 'POST', '/api/v1/auth/login', { body });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { token: res.body.token, userId: res.body.user.id, csrfToken: res.body.csrfToken };
}

export async function registerAndLogin(
  app: FastifyInstance,
  email = uniqueEmail(),
  password = PASSWORD,
): Promise<Session & { email: string }> {
  const reg = await call(app, 'POST', '/api/v1/auth/register', { body: { email, password } });
  if (reg.status !== 201) throw new Error(`register failed: ${reg.status} ${JSON.stringify(reg.body)}`);
  return { ...(await login(app, email, password)), email };
}

const adminFactors = new WeakMap<FastifyInstance, SecondFactor>();

/**
 * A fresh session of the bootstrap admin. The operator console needs 2FA, so the first sign-in on an
 * app enrols it, as a real admin does at first start; later ones answer with its codes.
 */
export async function loginAdmin(t: { app: FastifyInstance; clock: Clock }): Promise<string> {
  const factor = adminFactors.get(t.app);
  const session = await login(t.app, ADMIN_EMAIL, ADMIN_PASSWORD, factor);
  if (!factor) adminFactors.set(t.app, await enrolTwoFactor(t.app, session.token, t.clock));
  return session.token;
}

/** The admin proves his password and a fresh TOTP code again, as a sensitive action past the step-up window asks. */
export async function reauthAdmin(t: { app: FastifyInstance }, token: string): Promise<void> {
  const factor = adminFactors.get(t.app);
  const r = await call(t.app, 'POST', '/api/v1/auth/reauth', {
    token,
    body: { password: ADMIN_PASSWORD, ...(factor ? { totp: factor.next() } : {}) },
  });
  if (r.status !== 200) throw new Error(`reauth failed: ${r.status} ${JSON.stringify(r.body)}`);
}

/** A new account holding `roles` (set by the admin) with 2FA on, signed in again after the role change. */
export async function staffUser(
  t: { app: FastifyInstance; clock: Clock },
  admin: string,
  roles: Role[],
): Promise<Session & { email: string; factor: SecondFactor }> {
  const u = await registerAndLogin(t.app);
  const factor = await enrolTwoFactor(t.app, u.token, t.clock);
  const set = await call(t.app, 'PUT', `/api/v1/admin/users/${u.userId}/roles`, { token: admin, body: { roles } });
  if (set.status !== 200) throw new Error(`set roles failed: ${set.status} ${JSON.stringify(set.body)}`);
  // a role change ends the sessions
  return { ...(await login(t.app, u.email, PASSWORD, factor)), email: u.email, factor };
}

/** A new account with 2FA on whose supplier application `admin` approved; its session goes on working. */
export async function approvedSupplier(
  t: { app: FastifyInstance; clock: Clock },
  admin: string,
  shopName = '测试卡行',
): Promise<Session & { email: string; factor: SecondFactor }> {
  const u = await registerAndLogin(t.app);
  const factor = await enrolTwoFactor(t.app, u.token, t.clock);
  const applied = await call(t.app, 'POST', '/api/v1/supplier/applications', {
    token: u.token,
    body: { shopName, contact: 'QQ 10001', realName: '王五' },
  });
  if (applied.status !== 201) throw new Error(`apply failed: ${applied.status} ${JSON.stringify(applied.body)}`);
  const approved = await call(t.app, 'POST', `/api/v1/admin/supplier-applications/${applied.body.id}/approve`, {
    token: admin,
  });
  if (approved.status !== 200) throw new Error(`approve failed: ${approved.status} ${JSON.stringify(approved.body)}`);
  return { ...u, factor };
}

/** `fn(0)` … `fn(n - 1)`, `width` of them at a time, results in order (set-up that makes many accounts). */
export async function manyAtOnce<T>(n: number, fn: (i: number) => Promise<T>, width = 20): Promise<T[]> {
  const out: T[] = new Array(n);
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < n; i = next++) out[i] = await fn(i);
  };
  await Promise.all(Array.from({ length: Math.min(width, n) }, lane));
  return out;
}

/**
 * `n` new signed-in buyers, registered some at a time: one after another, a few hundred accounts were most of
 * a race test's time (each waits for its own commits), seconds that grew to a minute on a loaded machine.
 */
export function registerMany(app: FastifyInstance, n: number): Promise<Array<Session & { email: string }>> {
  return manyAtOnce(n, () => registerAndLogin(app));
}
