import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { CORRELATION_HEADER, correlationIdFrom, currentCorrelationId } from '@live/logging';
import type { Request, Response } from 'express';
import { AppError, ErrorBody } from './app-error';

const STATUS_CODES: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
  503: 'UNAVAILABLE',
};

/** Every error leaves as `{ code, message, field?, correlationId }`; no stack traces leak. */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpError');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const res = ctx.getResponse<Response>();
    const req = ctx.getRequest<Request & { id?: string }>();
    // body-parser failures happen before any middleware bound an id: take the header's or make one
    const correlationId = currentCorrelationId() ?? req.id ?? correlationIdFrom(req.headers[CORRELATION_HEADER]);
    if (!res.headersSent) res.setHeader(CORRELATION_HEADER, correlationId);
    let status = 500;
    let body: ErrorBody = { code: 'INTERNAL', message: 'internal error' };

    if (exception instanceof AppError) {
      status = exception.getStatus();
      body = { code: exception.code, message: exception.message, ...(exception.field ? { field: exception.field } : {}) };
      for (const [k, v] of Object.entries(exception.headers)) res.setHeader(k, v);
    } else if (exception instanceof HttpException) {
      status = exception.getStatus();
      const raw = exception.getResponse();
      const obj = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
      // express' JSON parser fails before any handler: answer with a code, name the body
      const type = (exception as { type?: string }).type ?? (exception.cause as { type?: string } | undefined)?.type;
      if (status === 400 && (type === 'entity.parse.failed' || /JSON/.test(exception.message))) {
        body = { code: 'INVALID_JSON', message: 'request body is not valid JSON', field: 'body' };
      } else if (typeof obj.code === 'string') {
        body = obj as unknown as ErrorBody;
      } else {
        body = { code: STATUS_CODES[status] ?? `HTTP_${status}`, message: exception.message };
        // a failed readiness check keeps terminus' per-dependency report
        if (obj.details) Object.assign(body, { status: obj.status, info: obj.info, error: obj.error, details: obj.details });
      }
    } else if (isBodyParserError(exception)) {
      status = exception.status;
      body =
        exception.type === 'entity.parse.failed'
          ? { code: 'INVALID_JSON', message: 'request body is not valid JSON', field: 'body' }
          : { code: STATUS_CODES[status] ?? `HTTP_${status}`, message: exception.message, field: 'body' };
    } else {
      this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    }
    res.status(status).json({ ...body, correlationId });
  }
}

function isBodyParserError(e: unknown): e is { status: number; type: string; message: string } {
  const x = e as { status?: unknown; type?: unknown };
  return typeof x?.status === 'number' && typeof x?.type === 'string' && x.status >= 400 && x.status < 500;
}
