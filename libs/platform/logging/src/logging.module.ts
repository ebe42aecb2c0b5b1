import { DynamicModule, Global, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import { CORRELATION_HEADER, correlationIdForLogs, correlationIdFrom, runWithCorrelationId } from './correlation';

export interface LoggingOptions {
  service: string;
  level: string;
  pretty: boolean;
}

export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.headers["x-stream-key"]',
  'req.query.token',
  'req.query.key',
  'res.headers["set-cookie"]',
  'token',
  'accessToken',
  'streamKey',
  'apiKey',
  'secret',
  'password',
  '*.token',
  '*.accessToken',
  '*.streamKey',
  '*.apiKey',
  '*.secret',
  '*.password',
];

type Req = IncomingMessage & { id?: string };

/** Binds the request's correlation id for everything the handler does, Kafka headers included. */
function correlationMiddleware(req: Req, res: ServerResponse, next: () => void): void {
  const id = correlationIdFrom(req.id ?? req.headers[CORRELATION_HEADER]);
  req.id = id;
  if (!res.headersSent) res.setHeader(CORRELATION_HEADER, id);
  runWithCorrelationId(id, next, true);
}

@Global()
@Module({})
export class LoggingModule implements NestModule {
  static forRoot(options: LoggingOptions): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            level: options.level,
            base: { service: options.service },
            // JSON for clusters and CI; pretty only when a person asked for it
            transport: options.pretty
              ? { target: 'pino-pretty', options: { singleLine: true, translateTime: 'HH:MM:ss.l' } }
              : undefined,
            genReqId: (req) => correlationIdFrom(req.headers[CORRELATION_HEADER]),
            customProps: (req) => ({ correlationId: (req as Req).id }),
            // outside a request's own logger (Kafka handlers, timers), the id bound for the work
            // in hand: every line a consumer writes for an event names it
            mixin: () => {
              const id = correlationIdForLogs();
              return id ? { correlationId: id } : {};
            },
            // credentials never reach the logs: bearer tokens, cookies, API and stream keys,
            // wherever a request or a logged object carries them
            redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
            // health probes and scrapes every few seconds would drown the useful lines
            autoLogging: { ignore: (req) => /^\/(health|metrics)/.test(req.url ?? '') },
          },
        }),
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(correlationMiddleware).forRoutes('*');
  }
}
