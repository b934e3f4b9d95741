import { randomUuid } from './uuid.ts';
export interface ApiError {
  code: string;
  message: string;
  details: unknown;
}

/** An error answer from the server (`{"error":{…}}`), or NETWORK when no answer came. */
export class ApiFailure extends Error {
  readonly status: number;
  readonly error: ApiError;
  constructor(status: number, error: ApiError) {
    super(error.message);
    this.name = 'ApiFailure';
    this.status = status;
    this.error = error;
  }
  get code(): string {
    return this.error.code;
  }
}

/** A field problem of a VALIDATION_FAILED or UNPROCESSABLE answer. */
export interface Issue {
  path: (string | number)[];
  message: string | null;
}

/** The field problems an answer names (`details.issues[]`), none when it names none or is no answer. */
export function issuesOf(err: unknown): Issue[] {
  if (!(err instanceof ApiFailure)) return [];
  const d = err.error.details;
  if (typeof d !== 'object' || d === null || !('issues' in d) || !Array.isArray(d.issues)) return [];
  const out: Issue[] = [];
  for (const i of d.issues as unknown[]) {
    if (typeof i !== 'object' || i === null || !('path' in i) || !Array.isArray(i.path)) continue;
    out.push({ path: i.path, message: 'message' in i && typeof i.message === 'string' ? i.message : null });
  }
  return out;
}

const CSRF_COOKIE = 'kameng_csrf';
const CSRF_HEADER = 'x-csrf-token';

function readCookie(name: string): string | null {
  for (const part of document.cookie.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return null;
}

function isErrorBody(data: unknown): data is { error: ApiError } {
  if (typeof data !== 'object' || data === null || !('error' in data)) return false;
  const e = data.error;
  return typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string';
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

const DEVICE_HEADER = 'x-device-fingerprint';
const DEVICE_STORE = 'kameng_device';

/**
 * A random id this browser keeps: sent with writes, the server hashes it with the user agent and the
 * network into a device signal for after-sales bad-faith checks (several accounts on one device).
 */
function deviceId(): string | null {
  try {
    let id = localStorage.getItem(DEVICE_STORE);
    if (!id) {
      id = randomUuid();
      localStorage.setItem(DEVICE_STORE, id);
    }
    return id;
  } catch {
    return null; // storage off (private mode): the user agent and the network still count
  }
}

/**
 * JSON in and out with the session cookie. The server checks cookie-authenticated writes against the
 * readable CSRF cookie, so every non-GET request echoes it.
 */
export async function api<T>(
  method: Method,
  path: string,
  body?: unknown,
  extraHeaders: Record<string, string> = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...extraHeaders };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') {
    const csrf = readCookie(CSRF_COOKIE);
    if (csrf) headers[CSRF_HEADER] = csrf;
    const device = deviceId();
    if (device) headers[DEVICE_HEADER] = device;
  }
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  } catch (err) {
    throw new ApiFailure(0, {
      code: 'NETWORK',
      message: err instanceof Error ? err.message : String(err),
      details: null,
    });
  }
  const text = await res.text();
  let data: unknown = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    // a proxy in front of the server can answer with HTML; treated below by status
  }
  if (!res.ok) {
    if (isErrorBody(data)) throw new ApiFailure(res.status, data.error);
    const code = res.status === 502 || res.status === 503 || res.status === 504 ? 'UNAVAILABLE' : `HTTP_${res.status}`;
    throw new ApiFailure(res.status, { code, message: res.statusText || `HTTP ${res.status}`, details: null });
  }
  return data as T;
}
