import { INestApplication, Logger as NestLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ShutdownState } from '@live/health';
import { CORRELATION_HEADER, Logger, correlationIdFrom, runWithCorrelationId } from '@live/logging';
import type { IncomingMessage, Server } from 'node:http';
import { HttpErrorFilter } from '@live/errors';
import { EventCorrelationInterceptor, KafkaBatchServer, KafkaService, RethrowEventErrors } from '@live/kafka';

export interface RunAppOptions {
  service: string;
  host: string;
  port: number;
  shutdownTimeoutMs: number;
  /**
   * The HTTP stack: Express (default) or Fastify, for the apps whose throughput is the point
   * (burst-api). Middleware, guards, filters and pipes work the same on both.
   */
  http?: 'express' | 'fastify';
  /** browser origins allowed by CORS: a comma list, `*` for any; empty or absent: CORS off */
  corsOrigins?: string;
  /** anything else an app sets up before it listens (socket.io adapter, swagger, ...) */
  configure?: (app: INestApplication) => Promise<void> | void;
}

/**
 * Bootstrap shared by every app: pino logs, one error format, and a SIGTERM/SIGINT path
 * that stops intake (readiness 503, no new connections), lets modules finish and hand back
 * their work, closes connections and exits 0 -- or 1 if that takes longer than the bound.
 */
export async function runApp(module: unknown, options: RunAppOptions): Promise<INestApplication> {
  const app = options.http === 'fastify' ? await createFastifyApp(module) : await NestFactory.create(module as never, { bufferLogs: true, abortOnError: false });
  app.useLogger(app.get(Logger));
  app.useGlobalFilters(new HttpErrorFilter(app.getHttpAdapter()));
  // the web apps (admin console, viewer) are served from their own origin and call the APIs
  // directly with a bearer token (no cookies), so CORS is all they need, in dev and behind an ingress
  const origins = (options.corsOrigins ?? '').split(',').map((o) => o.trim()).filter(Boolean);
  if (origins.length) {
    app.enableCors({ origin: origins.includes('*') ? true : origins, exposedHeaders: ['Retry-After', CORRELATION_HEADER], maxAge: 600 });
  }
  connectKafkaTransport(app);
  await options.configure?.(app);
  // hooks first (topics created, producer connected), then the consumers, then HTTP
  await app.init();
  await app.startAllMicroservices();
  await app.listen(options.port, options.host);
  // outlive the idle timeout of load balancers and client pools (60 s is common): otherwise a
  // client may send on a keep-alive socket the server is closing that very moment
  const httpServer = app.getHttpServer() as Server;
  httpServer.keepAliveTimeout = 65_000;
  httpServer.headersTimeout = 66_000;
  const log = new NestLogger(options.service);
  log.log(`${options.service} listening on http://${options.host}:${options.port}`);

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    log.log(`${signal}: shutting down (bound ${options.shutdownTimeoutMs} ms)`);
    const timer = setTimeout(() => {
      log.error(`shutdown took longer than ${options.shutdownTimeoutMs} ms; exiting`);
      process.exit(1);
    }, options.shutdownTimeoutMs);
    timer.unref();
    try {
      app.get(ShutdownState, { strict: false }).shuttingDown = true;
      const server = app.getHttpServer() as Server;
      server.closeIdleConnections?.();
      await app.close();
      clearTimeout(timer);
      log.log('shutdown complete');
      process.exit(0);
    } catch (err) {
      log.error(`shutdown failed: ${err instanceof Error ? err.stack : err}`);
      process.exit(1);
    }
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
  return app;
}

/** What `app.get` finds, or undefined (an app without Kafka). The app is created with
 * abortOnError off, so a miss throws here instead of ending the process. */
function optional<T>(app: INestApplication, token: abstract new (...a: never[]) => T): T | undefined {
  try {
    return app.get(token as never, { strict: false }) as T;
  } catch {
    return undefined;
  }
}

/**
 * Every app with Kafka is a hybrid app: its `@EventPattern(group, { topics })` handlers are
 * served by our batch transport. Initialisation is deferred so the pipeline below applies to
 * them; the app, not the microservice, runs the lifecycle hooks (once).
 */
export function connectKafkaTransport(app: INestApplication): void {
  const kafka = optional(app, KafkaService);
  if (!kafka) return;
  const strategy = new KafkaBatchServer(kafka);
  const microservice = app.connectMicroservice({ strategy }, { deferInitialization: true });
  (microservice as unknown as { setIsInitHookCalled(called: boolean): void }).setIsInitHookCalled(true);
  microservice.useGlobalInterceptors(new EventCorrelationInterceptor());
  microservice.useGlobalFilters(new RethrowEventErrors());
}

/** Loaded only by the apps that ask for it: the others never load Fastify. */
async function createFastifyApp(module: unknown): Promise<INestApplication> {
  const { FastifyAdapter } = await import('@nestjs/platform-fastify');
  // the request id is the correlation id, as the Express apps' middleware makes it
  const adapter = new FastifyAdapter({ bodyLimit: 100 * 1024, genReqId: (req: IncomingMessage) => correlationIdFrom(req.headers[CORRELATION_HEADER]) });
  // Fastify's own parsers, not Nest's (set below)
  const app = await NestFactory.create(module as never, adapter as never, { bufferLogs: true, bodyParser: false, abortOnError: false });
  const fastify = adapter.getInstance();
  fastify.addHook('onRequest', (request, reply, done) => {
    // what Express calls req.route.path, for the metrics middleware's route label
    (request.raw as { routePattern?: string }).routePattern = request.routeOptions.url;
    reply.header(CORRELATION_HEADER, request.id);
    done();
  });
  // the handler runs inside the correlation id (Kafka headers, logs); bound after body
  // parsing, whose stream events would lose an earlier binding
  fastify.addHook('preHandler', (request, _reply, done) => runWithCorrelationId(request.id, done, true));
  // like Express: an empty JSON body is no body, a malformed one is INVALID_JSON
  const json = fastify.getDefaultJsonParser('error', 'ignore');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body === '') return done(null, undefined);
    json(request, body.toString(), (err, value) => (err ? done(Object.assign(err, { status: 400, type: 'entity.parse.failed' }), undefined) : done(null, value)));
  });
  return app as INestApplication;
}
