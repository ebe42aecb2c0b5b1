import { INestApplication, Logger as NestLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ShutdownState } from '@live/health';
import { CORRELATION_HEADER, Logger, correlationIdFrom, runWithCorrelationId } from '@live/logging';
import type { IncomingMessage, Server } from 'node:http';
import { HttpErrorFilter } from '@live/errors';
import { EventCorrelationInterceptor, KafkaBatchServer, KafkaService, RethrowEventErrors } from '@live/kafka';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import type { ServerResponse } from 'node:http';

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
  useSecurityHeaders(app, options.http ?? 'express');
  app.useGlobalFilters(new HttpErrorFilter(app.getHttpAdapter()));
  // the web apps (admin console, viewer) are served from their own origin and call the APIs
  // directly with a bearer token (no cookies), so CORS is all they need, in dev and behind an ingress
  const origins = (options.corsOrigins ?? '').split(',').map((o) => o.trim()).filter(Boolean);
  if (origins.length) {
    app.enableCors({ origin: origins.includes('*') ? true : origins, exposedHeaders: ['Retry-After', CORRELATION_HEADER], maxAge: 600 });
  }
  connectKafkaTransport(app);
  serveOpenApi(app, options.service);
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
  // only once it serves: a failed start still ends the process
  guardProcess(options.service);
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

/**
 * The last line of defence, for the one bad message or request a handler failed to refuse:
 * an unhandled rejection or exception is logged with its stack and the process keeps serving
 * everyone else (the cause is still a bug to fix; the fuzz suites look for exactly these).
 * Once per process, whichever app bootstraps first.
 */
let guarded = false;
export function guardProcess(service: string): void {
  if (guarded) return;
  guarded = true;
  const log = new NestLogger(`${service}:process`);
  const report = (kind: string) => (err: unknown) => log.error(`${kind} (kept serving): ${err instanceof Error ? err.stack : String(err)}`);
  process.on('unhandledRejection', report('unhandled rejection'));
  process.on('uncaughtException', report('uncaught exception'));
}

/**
 * helmet's headers on every HTTP answer. These are JSON APIs (no pages of their own, apart
 * from management-api's Swagger UI), so its defaults fit; on Fastify the same middleware
 * runs on the raw Node request, which is all it touches.
 */
function useSecurityHeaders(app: INestApplication, http: 'express' | 'fastify'): void {
  // Swagger UI loads inline scripts and styles: a CSP strict enough for an API would blank it
  const headers = helmet({ contentSecurityPolicy: false, crossOriginEmbedderPolicy: false });
  if (http === 'express') {
    app.use(headers);
    return;
  }
  const fastify = app.getHttpAdapter().getInstance() as {
    addHook(name: 'onRequest', fn: (req: { raw: IncomingMessage }, reply: { raw: ServerResponse }, done: (err?: Error) => void) => void): void;
  };
  fastify.addHook('onRequest', (req, reply, done) => headers(req.raw, reply.raw, (err?: unknown) => done(err as Error | undefined)));
}

/**
 * Every app's routes as an OpenAPI document at `/openapi.json` (built on first request):
 * what clients, the fuzz suites and the authorization matrix test are generated from.
 */
function serveOpenApi(app: INestApplication, service: string): void {
  let doc: OpenAPIObject | undefined;
  const http = app.getHttpAdapter();
  http.get('/openapi.json', (_req: unknown, res: unknown) => {
    doc ??= SwaggerModule.createDocument(app, new DocumentBuilder().setTitle(service).setVersion('1').addBearerAuth().build());
    http.reply(res, doc, 200);
  });
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

interface FastifyReplyLike {
  code(status: number): FastifyReplyLike;
  header(name: string, value: string): FastifyReplyLike;
  send(body: unknown): unknown;
}

function frameworkError(error: { statusCode?: number; message: string }, request: { id: string }, reply: FastifyReplyLike): void {
  const status = error.statusCode && error.statusCode < 500 ? error.statusCode : 400;
  reply.code(status).header(CORRELATION_HEADER, request.id).send({ code: 'BAD_REQUEST', message: error.message, field: 'path', correlationId: request.id });
}

/** Loaded only by the apps that ask for it: the others never load Fastify. */
async function createFastifyApp(module: unknown): Promise<INestApplication> {
  const { FastifyAdapter } = await import('@nestjs/platform-fastify');
  // the request id is the correlation id, as the Express apps' middleware makes it
  const adapter = new FastifyAdapter({
    bodyLimit: 100 * 1024,
    genReqId: (req: IncomingMessage) => correlationIdFrom(req.headers[CORRELATION_HEADER]),
    // what Fastify refuses before any route (a path it cannot decode) answers in our format too
    frameworkErrors: frameworkError as never,
  });
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
