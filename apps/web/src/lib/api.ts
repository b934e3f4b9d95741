export interface ApiError {
  code: string;
  message: string;
  details: unknown;
}

export class ApiFailure extends Error {
  readonly error: ApiError;
  readonly status: number;
  constructor(status: number, error: ApiError) {
    super(error.message);
    this.status = status;
    this.error = error;
  }
}

function csrfToken(): string | null {
  const m = /(?:^|;\s*)kameng_csrf=([^;]+)/.exec(document.cookie);
  return m?.[1] ? decodeURIComponent(m[1]) : null;
}

/** fetch wrapper: JSON in and out, CSRF header on writes, API errors thrown as ApiFailure. */
export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  const csrf = csrfToken();
  if (method !== 'GET' && csrf) headers['x-csrf-token'] = csrf;
  const res = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  const data = text ? (JSON.parse(text) as unknown) : null;
  if (!res.ok) {
    const err = (data as { error?: ApiError } | null)?.error ?? {
      code: `HTTP_${res.status}`,
      message: res.statusText,
      details: null,
    };
    throw new ApiFailure(res.status, err);
  }
  return data as T;
}

export interface Me {
  id: string;
  email: string | null;
  phone: string | null;
  roles: string[];
}
