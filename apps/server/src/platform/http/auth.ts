import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Role } from '@kameng/contracts';
import { hmacHex, safeEqual } from '../crypto.ts';
import { AppError } from './errors.ts';

export const SESSION_COOKIE = 'kameng_session';
export const CSRF_COOKIE = 'kameng_csrf';
export const CSRF_HEADER = 'x-csrf-token';

/**
 * What every route declares: `public`, `user` (any signed-in account), or the roles allowed.
 * Ownership of the object itself is checked by the service, which knows the object.
 */
export type Guard = 'public' | 'user' | readonly Role[];

export interface RouteLimit {
  max: number;
  windowMs: number;
  /** what the counter is keyed by; default the client IP */
  by?: 'ip' | 'user';
}

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: Guard;
    rateLimit?: RouteLimit;
    /** false: exempt from the per-IP ceiling on the API (payment gateways notify from few addresses); set a rateLimit instead */
    ipLimit?: false;
  }
  interface FastifyRequest {
    auth: AuthContext | null;
  }
}

export interface AuthContext {
  userId: string;
  sessionId: string;
  roles: Role[];
  /** whether the user has confirmed TOTP two-factor sign-in */
  twoFactor: boolean;
  /** when the session last proved the password (login or re-auth) */
  reauthAt: number;
  via: 'cookie' | 'bearer';
  tokenHash: string;
}

export function csrfTokenFor(csrfKey: Buffer, tokenHash: string): string {
  return hmacHex(csrfKey, `csrf:${tokenHash}`).slice(0, 43);
}

export function readToken(req: FastifyRequest): { token: string; via: 'cookie' | 'bearer' } | null {
  const header = req.headers.authorization;
  if (header) {
    const m = /^Bearer\s+([A-Za-z0-9_-]{16,200})$/.exec(header);
    if (!m?.[1]) throw new AppError('UNAUTHENTICATED', 'Malformed Authorization header');
    return { token: m[1], via: 'bearer' };
  }
  const cookie = req.cookies?.[SESSION_COOKIE];
  return cookie ? { token: cookie, via: 'cookie' } : null;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** A cookie-authenticated write must echo the CSRF token a cross-site page cannot read. */
export function checkCsrf(req: FastifyRequest, auth: AuthContext, csrfKey: Buffer): void {
  if (auth.via !== 'cookie' || SAFE_METHODS.has(req.method)) return;
  const sent = req.headers[CSRF_HEADER];
  if (typeof sent !== 'string' || !safeEqual(sent, csrfTokenFor(csrfKey, auth.tokenHash))) {
    throw new AppError('CSRF_FAILED', `Missing or wrong ${CSRF_HEADER} header for a cookie-authenticated request`);
  }
}

/** Every role but buyer: what suppliers and staff do needs two-factor sign-in (PROMISES #24). */
export const TWO_FACTOR_ROLES: ReadonlySet<Role> = new Set(['supplier', 'operator', 'arbitrator', 'admin']);

export function enforceGuard(guard: Guard, auth: AuthContext | null): void {
  if (guard === 'public') return;
  if (!auth) throw new AppError('UNAUTHENTICATED', 'Sign in first');
  if (guard === 'user') return;
  const via = guard.filter((r) => auth.roles.includes(r));
  if (via.length === 0) throw new AppError('FORBIDDEN', 'Your account may not do this', { requiredRoles: guard });
  // the user is let in only through supplier or staff roles: those need a second factor
  if (!auth.twoFactor && via.every((r) => TWO_FACTOR_ROLES.has(r))) {
    throw new AppError(
      'TWO_FACTOR_REQUIRED',
      'Turn on two-factor sign-in under account security (/account/security) before using this',
      { requiredRoles: guard },
    );
  }
}

export function requireAuth(req: FastifyRequest): AuthContext {
  if (!req.auth) throw new AppError('UNAUTHENTICATED', 'Sign in first');
  return req.auth;
}

export function setSessionCookies(
  reply: FastifyReply,
  req: FastifyRequest,
  token: string,
  csrf: string,
  expiresAt: number,
): void {
  const secure = req.protocol === 'https';
  const expires = new Date(expiresAt);
  reply.setCookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'lax', secure, path: '/', expires });
  reply.setCookie(CSRF_COOKIE, csrf, { httpOnly: false, sameSite: 'lax', secure, path: '/', expires });
}

export function clearSessionCookies(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
  reply.clearCookie(CSRF_COOKIE, { path: '/' });
}
