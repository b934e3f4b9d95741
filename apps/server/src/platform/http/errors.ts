import type { ErrorCode } from '@kameng/contracts';

export type { ErrorCode } from '@kameng/contracts';

/** The HTTP status of each code of the closed list (`ERROR_CODES` in contracts, shared with the web app). */
export const ERROR_STATUS = {
  VALIDATION_FAILED: 400,
  BAD_REQUEST: 400,
  UNAUTHENTICATED: 401,
  INVALID_CREDENTIALS: 401,
  TOTP_REQUIRED: 401,
  TOTP_INVALID: 401,
  FORBIDDEN: 403,
  CSRF_FAILED: 403,
  REAUTH_REQUIRED: 403,
  ACCOUNT_FROZEN: 403,
  TWO_FACTOR_REQUIRED: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  ALREADY_EXISTS: 409,
  OUT_OF_STOCK: 409,
  INSUFFICIENT_FUNDS: 409,
  INVALID_STATE: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNPROCESSABLE: 422,
  BANNED_GOODS: 422,
  QUALIFICATION_REQUIRED: 422,
  TAKEN_DOWN: 409,
  CODE_INVALID: 422,
  IDEMPOTENCY_MISMATCH: 422,
  WEAK_PASSWORD: 422,
  /** a verification code (or phone sign-up) needs a channel this site has no provider for */
  SMS_NOT_CONFIGURED: 422,
  EMAIL_NOT_CONFIGURED: 422,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  UNAVAILABLE: 503,
} as const satisfies Record<ErrorCode, number>;

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;
  readonly headers: Record<string, string>;
  constructor(code: ErrorCode, message: string, details?: unknown, headers: Record<string, string> = {}) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details ?? null;
    this.headers = headers;
  }
  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details: unknown };
}
