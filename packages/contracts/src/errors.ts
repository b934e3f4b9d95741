/**
 * The closed list of error codes Kameng answers with (`{"error":{"code",…}}`). The server maps each to an HTTP
 * status; the web app must have a sentence for each in every language, so a code added here without both
 * fails the type check of both.
 */
export const ERROR_CODES = [
  'VALIDATION_FAILED',
  'BAD_REQUEST',
  'UNAUTHENTICATED',
  'INVALID_CREDENTIALS',
  'TOTP_REQUIRED',
  'TOTP_INVALID',
  'FORBIDDEN',
  'CSRF_FAILED',
  'REAUTH_REQUIRED',
  'ACCOUNT_FROZEN',
  'TWO_FACTOR_REQUIRED',
  'NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'CONFLICT',
  'ALREADY_EXISTS',
  'OUT_OF_STOCK',
  'INSUFFICIENT_FUNDS',
  'INVALID_STATE',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'UNPROCESSABLE',
  'BANNED_GOODS',
  'QUALIFICATION_REQUIRED',
  'TAKEN_DOWN',
  'CODE_INVALID',
  'IDEMPOTENCY_MISMATCH',
  'WEAK_PASSWORD',
  'SMS_NOT_CONFIGURED',
  'EMAIL_NOT_CONFIGURED',
  'RATE_LIMITED',
  'INTERNAL',
  'UNAVAILABLE',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];
