import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import type { Response } from 'express';
import type { ErrorDetail, ErrorResponse } from '@idm/contracts';
import { RetryLaterException } from './retry-later.exception';

/**
 * Turns every error into IDM's one REST error shape `{statusCode, error, message, details?}`.
 * Unexpected errors are logged with their stack and answered with a 500 that leaks nothing.
 */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const res = host.switchToHttp().getResponse<Response>();
    const body = this.toBody(exception);
    if (body.statusCode >= 500) {
      this.logger.error(exception instanceof Error ? exception.stack ?? exception.message : String(exception));
    }
    if (res.headersSent) return;
    if (exception instanceof RetryLaterException) res.setHeader('Retry-After', String(exception.retryAfterSeconds));
    else if (body.statusCode === HttpStatus.SERVICE_UNAVAILABLE && isDatabaseUnavailable(exception)) res.setHeader('Retry-After', String(DATABASE_RETRY_AFTER_S));
    res.status(body.statusCode).json(body);
  }

  private toBody(exception: unknown): ErrorResponse {
    if (exception instanceof HttpException) {
      const statusCode = exception.getStatus();
      const raw = exception.getResponse();
      const error = STATUS_CODES[statusCode] ?? 'Error';
      if (typeof raw === 'string') return { statusCode, error, message: raw };
      const r = raw as { message?: unknown; details?: ErrorDetail[]; error?: string };
      const message = Array.isArray(r.message) ? r.message.join('; ') : String(r.message ?? exception.message);
      return { statusCode, error, message, ...(r.details ? { details: r.details } : {}) };
    }
    if (isDatabaseUnavailable(exception)) {
      return { statusCode: HttpStatus.SERVICE_UNAVAILABLE, error: 'Service Unavailable', message: 'the database is unreachable: retry when it is back' };
    }
    // Body-parser errors (malformed JSON, too large) carry an HTTP status of their own.
    const e = exception as { status?: number; statusCode?: number; type?: string; message?: string };
    const status = e?.status ?? e?.statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      const message = e.type === 'entity.parse.failed' ? 'body is not valid JSON' : e.type === 'entity.too.large' ? 'body is too large' : String(e.message);
      return { statusCode: status, error: STATUS_CODES[status] ?? 'Error', message };
    }
    return { statusCode: HttpStatus.INTERNAL_SERVER_ERROR, error: 'Internal Server Error', message: 'internal error' };
  }
}

const DATABASE_RETRY_AFTER_S = 5;
const DATABASE_AWAY_ERRORS = new Set(['MongoServerSelectionError', 'MongoNetworkError', 'MongoNetworkTimeoutError', 'MongoNotConnectedError', 'MongoTopologyClosedError']);

/** The database did not answer (away, or not connected yet): the request may succeed later, so 503, not 500. */
function isDatabaseUnavailable(exception: unknown): boolean {
  if (!(exception instanceof Error)) return false;
  if (DATABASE_AWAY_ERRORS.has(exception.name)) return true;
  // Mongoose buffers calls until its first connection, then gives up with this message.
  return exception.name === 'MongooseError' && /buffering timed out/.test(exception.message);
}
