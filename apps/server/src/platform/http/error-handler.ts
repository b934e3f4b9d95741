import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError, type ErrorBody, type ErrorCode } from './errors.ts';

const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'BAD_REQUEST',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'BAD_REQUEST',
  FST_ERR_CTP_INVALID_JSON_BODY: 'BAD_REQUEST',
};

function send(reply: FastifyReply, err: AppError): FastifyReply {
  const body: ErrorBody = { error: { code: err.code, message: err.message, details: err.details } };
  return reply.status(err.status).headers(err.headers).send(body);
}

/** One mapping from every failure to `{"error":{"code","message","details"}}`; a 5xx never shows internals. */
export function errorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error instanceof AppError) return send(reply, error);

  if (hasZodFastifySchemaValidationErrors(error)) {
    const issues = error.validation.map((v) => ({
      in: error.validationContext ?? 'body',
      path: v.instancePath
        .split('/')
        .filter(Boolean)

        .map((p: string) => (/^\d+$/.test(p) ? Number(p) : p)),
      message: v.message ?? 'invalid',
      code: v.params?.issue?.code,
    }));
    return send(reply, new AppError('VALIDATION_FAILED', 'The request is not valid', { issues }));
  }

  const mapped = error.code ? FASTIFY_CODES[error.code] : undefined;
  if (mapped) return send(reply, new AppError(mapped, error.message));

  if (error.statusCode === 429) return send(reply, new AppError('RATE_LIMITED', error.message));
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    const code: ErrorCode =
      error.statusCode === 404 ? 'NOT_FOUND' : error.statusCode === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : 'BAD_REQUEST';
    return send(reply, new AppError(code, error.message));
  }

  request.log.error({ err: error, requestId: request.id }, 'unhandled error');
  return send(
    reply,
    new AppError('INTERNAL', 'Something went wrong on our side; quote the request id to support', {
      requestId: request.id,
    }),
  );
}
