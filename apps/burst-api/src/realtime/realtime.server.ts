import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { Principal, bearerToken, verifyAccessTokenUntil } from '@live/auth';
import { Server, Socket } from 'socket.io';
import { AppConfig } from '../app.config';

export type BurstSocket = Socket & { data: { user: Principal; expiresAtMs: number } };

/**
 * burst-api's socket.io server, on its HTTP port: a viewer's persistent channel for heart
 * batches. The token is verified once, when the socket connects (no anonymous sockets: every
 * message counts for someone); each message only checks that the token has not expired
 * since. Handlers are plain socket.io listeners, outside Nest's per-request chain (guards,
 * pipes, interceptors, request logging): that chain was most of the cost of a tap batch.
 * No Redis adapter: burst-api never pushes to rooms, it only acknowledges (ws-gateway pushes).
 */
@Injectable()
export class RealtimeServer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(RealtimeServer.name);
  private io?: Server;
  private readonly onConnect: ((socket: BurstSocket) => void)[] = [];

  constructor(
    private readonly httpHost: HttpAdapterHost,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  /** Sockets open on this process. */
  connectedCount(): number {
    return this.io?.engine?.clientsCount ?? 0;
  }

  /** Feature modules register their event handlers here before the server starts. */
  handle(fn: (socket: BurstSocket) => void): void {
    this.onConnect.push(fn);
  }

  onApplicationBootstrap(): void {
    this.io = new Server(this.httpHost.httpAdapter.getHttpServer(), {
      // websocket only: no polling sessions, so replicas behind a Service need no stickiness
      transports: ['websocket'],
      serveClient: false,
      // a heart batch is at most 60 numbers
      maxHttpBufferSize: 16 * 1024,
      pingInterval: 25_000,
      pingTimeout: 20_000,
    });
    this.io.use((socket, next) => {
      const token = (socket.handshake.auth as { token?: unknown })?.token ?? bearerToken(socket.handshake.headers.authorization);
      if (typeof token !== 'string' || !token) {
        return next(Object.assign(new Error('UNAUTHORIZED'), { data: { code: 'UNAUTHORIZED', message: 'auth.token is required' } }));
      }
      try {
        const { principal, expiresAtMs } = verifyAccessTokenUntil(token, this.config.AUTH_JWT_SECRET);
        socket.data.user = principal;
        socket.data.expiresAtMs = expiresAtMs;
        next();
      } catch (err) {
        next(Object.assign(new Error('UNAUTHORIZED'), { data: { code: 'UNAUTHORIZED', message: `invalid token: ${(err as Error).message}` } }));
      }
    });
    this.io.on('connection', (socket) => {
      for (const fn of this.onConnect) fn(socket as BurstSocket);
    });
    this.logger.log('socket.io ready (heart batches)');
  }

  /**
   * Sockets go before the HTTP server closes (an open websocket would hold it open). Not
   * io.close(): that closes the HTTP server too, which is Fastify's to close.
   */
  beforeApplicationShutdown(): void {
    this.io?.disconnectSockets(true);
    this.io?.engine.close();
  }
}
