import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { HttpServer } from '@nestjs/common';
import { CORRELATION_HEADER, correlationIdFrom, currentCorrelationId } from '@live/logging';
import { AppError, ErrorBody } from './app-error';
import { isRedisUnavailable, unavailableError } from './unavailable';

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

/**
 * Every error leaves as `{ code, message, field?, correlationId }`; no stack traces leak.
 * Answers through Nest's HTTP adapter, so it serves Express and Fastify apps alike.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpError');

  constructor(private readonly http: HttpServer) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const res = ctx.getResponse<unknown>();
    const req = ctx.getRequest<{ id?: string; raw?: { id?: string }; headers: Record<string, string | string[] | undefined> }>();
    // body-parser failures happen before any middleware bound an id: take the header's or make one
    const correlationId = currentCorrelationId() ?? req.raw?.id ?? req.id ?? correlationIdFrom(req.headers[CORRELATION_HEADER]);
    const sent = this.http.isHeadersSent(res);
    if (!sent) this.http.setHeader(res, CORRELATION_HEADER, correlationId);
    let status = 500;
    let body: ErrorBody = { code: 'INTERNAL', message: 'internal error' };
    // Redis away (a restart, a failover): refused like a broker outage, 503 + Retry-After
    if (isRedisUnavailable(exception)) {
      this.logger.warn(`redis unavailable: ${(exception as Error).message}`);
      exception = unavailableError();
    }

    if (exception instanceof AppError) {
      status = exception.getStatus();
      body = { code: exception.code, message: exception.message, ...(exception.field ? { field: exception.field } : {}) };
      if (!sent) for (const [k, v] of Object.entries(exception.headers)) this.http.setHeader(res, k, v);
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
        body = { code: STATUS_CODES[status] ?? `HTTP_${status}`, message: exception.message, ...requestPartAtFault(status, exception.message) };
        // a failed readiness check keeps terminus' per-dependency report
        if (obj.details) Object.assign(body, { status: obj.status, info: obj.info, error: obj.error, details: obj.details });
      }
    } else if (isBodyParserError(exception)) {
      status = exception.status;
      body =
        exception.type === 'entity.parse.failed' || /JSON/.test(exception.message)
          ? { code: 'INVALID_JSON', message: 'request body is not valid JSON', field: 'body' }
          : { code: STATUS_CODES[status] ?? `HTTP_${status}`, message: exception.message, field: 'body' };
    } else {
      this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    }
    this.http.reply(res, { ...body, correlationId }, status);
  }
}

/**
 * The part of the request a framework-made 4xx is about (our own errors name their field):
 * a path Express could not decode, else the body it could not read (encoding, size, type).
 */
function requestPartAtFault(status: number, message: string): { field?: string } {
  if (status !== 400 && status !== 413 && status !== 415) return {};
  return { field: /^Failed to decode param/.test(message) ? 'path' : 'body' };
}

/** A request body the server could not take: Express' body-parser or Fastify's content parser. */
function isBodyParserError(e: unknown): e is { status: number; type: string; message: string } {
  const x = e as { status?: unknown; statusCode?: unknown; type?: unknown; code?: unknown; message?: string };
  if (typeof x?.status === 'number' && typeof x?.type === 'string') return x.status >= 400 && x.status < 500;
  if (typeof x?.statusCode === 'number' && typeof x?.code === 'string' && x.code.startsWith('FST_')) {
    Object.assign(x, { status: x.statusCode, type: x.code });
    return x.statusCode >= 400 && x.statusCode < 500;
  }
  return false;
}
