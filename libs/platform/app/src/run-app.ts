import { INestApplication, Logger as NestLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ShutdownState } from '@live/health';
import { Logger } from '@live/logging';
import type { Server } from 'node:http';
import { HttpErrorFilter } from './http-error.filter';

export interface RunAppOptions {
  service: string;
  host: string;
  port: number;
  shutdownTimeoutMs: number;
  /** anything else an app sets up before it listens (socket.io adapter, swagger, ...) */
  configure?: (app: INestApplication) => Promise<void> | void;
}

/**
 * Bootstrap shared by every app: pino logs, one error format, and a SIGTERM/SIGINT path
 * that stops intake (readiness 503, no new connections), lets modules finish and hand back
 * their work, closes connections and exits 0 -- or 1 if that takes longer than the bound.
 */
export async function runApp(module: unknown, options: RunAppOptions): Promise<INestApplication> {
  const app = await NestFactory.create(module as never, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.useGlobalFilters(new HttpErrorFilter());
  await options.configure?.(app);
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
