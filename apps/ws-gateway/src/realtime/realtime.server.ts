import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { Principal, bearerToken, verifyAccessToken } from '@live/auth';
import { RateLimits, limitFromEnv } from '@live/bootstrap';
import { Ack } from '@live/contracts';
import { answerAck, isRedisUnavailable } from '@live/errors';
import { RedisClient, RedisService } from '@live/redis';
import { createAdapter } from '@socket.io/redis-adapter';
import { Server, Socket } from 'socket.io';
import { AppConfig } from '../app.config';

export interface SocketUser extends Principal {
  anonymous: boolean;
}

export type RealtimeSocket = Socket & { data: { user: SocketUser } };

/**
 * The socket.io server on the app's HTTP port. The Redis adapter makes every gateway
 * process one server: an emit to a room reaches its sockets wherever they are connected.
 */
@Injectable()
export class RealtimeServer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(RealtimeServer.name);
  private io?: Server;
  private pub?: RedisClient;
  private sub?: RedisClient;
  private readonly onConnect: ((socket: RealtimeSocket) => void)[] = [];
  private readonly socketsPerIp = new Map<string, number>();

  constructor(
    private readonly httpHost: HttpAdapterHost,
    private readonly redis: RedisService,
    @Inject(AppConfig) private readonly config: AppConfig,
    private readonly limits: RateLimits,
  ) {}

  get server(): Server {
    if (!this.io) throw new Error('socket.io server not started');
    return this.io;
  }

  /** Sockets open on this process (0 before the server starts). */
  connectedCount(): number {
    return this.io?.engine?.clientsCount ?? 0;
  }

  /** Feature modules register their event handlers here before the server starts. */
  handle(fn: (socket: RealtimeSocket) => void): void {
    this.onConnect.push(fn);
  }

  /**
   * One client event with an acknowledgement, safe against whatever a client sends: the ack
   * is the last argument only when it is a function (a client may send more arguments, or
   * none), a Redis that is away answers `{ ok: false, code: 'UNAVAILABLE' }`, and a handler
   * that throws otherwise answers `{ ok: false, code: 'INTERNAL' }` instead of
   * leaving an unhandled rejection, which would end the process for every viewer on it.
   */
  on<T extends object>(socket: RealtimeSocket, event: string, handler: (payload: unknown) => Promise<Ack<T>>): void {
    socket.on(event, (...args: unknown[]) => {
      const last = args[args.length - 1];
      const ack = typeof last === 'function' ? (last as (a: Ack<T>) => void) : undefined;
      const answer = (a: Ack<T>) => {
        try {
          ack?.(a);
        } catch (err) {
          this.logger.warn(`${event} ack failed: ${err instanceof Error ? err.message : err}`);
        }
      };
      let pending: Promise<Ack<T>>;
      try {
        pending = handler(args[0]);
      } catch (err) {
        pending = Promise.reject(err);
      }
      // Redis away answers UNAVAILABLE (the client tries again), anything else INTERNAL
      answerAck(pending, answer as (a: unknown) => void, (err) =>
        isRedisUnavailable(err)
          ? this.logger.warn(`${event} from ${socket.id}: Redis unavailable (${err instanceof Error ? err.message : err})`)
          : this.logger.error(`${event} from ${socket.id} failed: ${err instanceof Error ? err.stack : err}`),
      );
    });
  }

  onApplicationBootstrap(): void {
    this.pub = this.redis.duplicate('socket.io-pub');
    this.sub = this.redis.duplicate('socket.io-sub');
    const origin = this.config.WS_CORS_ORIGIN === '*' ? true : this.config.WS_CORS_ORIGIN.split(',');
    this.io = new Server(this.httpHost.httpAdapter.getHttpServer(), {
      cors: { origin },
      // the classic (PUBLISH) adapter, also on a Redis Cluster: the emitters of the other apps
      // publish with plain PUBLISH, which a sharded (SSUBSCRIBE) adapter would not hear
      adapter: createAdapter(this.pub, this.sub, { key: this.redis.keys.socketIoChannel() }),
      pingInterval: 10_000,
      pingTimeout: 10_000,
      maxHttpBufferSize: this.config.WS_MAX_MESSAGE_BYTES,
    });
    // abuse limits first: sockets open per IP (this process), connects per IP (every replica, in Redis)
    this.io.use((socket, next) => {
      const ip = socket.handshake.address;
      if ((this.socketsPerIp.get(ip) ?? 0) >= this.config.WS_MAX_SOCKETS_PER_IP) {
        return next(Object.assign(new Error('RATE_LIMITED'), { data: { code: 'RATE_LIMITED', message: 'too many open sockets from this address' } }));
      }
      this.limits.hit('ws.connect', ip, limitFromEnv('ws_connect_ip', { limit: 5_000, seconds: 10 })).then(
        ({ limited, retryAfter }) =>
          limited ? next(Object.assign(new Error('RATE_LIMITED'), { data: { code: 'RATE_LIMITED', message: `too many connects; retry in ${retryAfter} s`, retryAfter } })) : next(),
        // Redis down: readiness says so; a viewer still connects
        () => next(),
      );
    });
    this.io.use((socket, next) => {
      const token = (socket.handshake.auth as { token?: unknown })?.token ?? bearerToken(socket.handshake.headers.authorization);
      if (typeof token === 'string' && token) {
        try {
          socket.data.user = { ...verifyAccessToken(token, this.config.AUTH_JWT_SECRET), anonymous: false };
          return next();
        } catch (err) {
          return next(Object.assign(new Error('UNAUTHORIZED'), { data: { code: 'UNAUTHORIZED', message: `invalid token: ${(err as Error).message}` } }));
        }
      }
      if (!this.config.WS_ALLOW_ANONYMOUS) {
        return next(Object.assign(new Error('UNAUTHORIZED'), { data: { code: 'UNAUTHORIZED', message: 'auth.token is required' } }));
      }
      socket.data.user = { sub: `anon:${socket.id}`, name: '', roles: ['viewer'], anonymous: true };
      next();
    });
    this.io.on('connection', (socket) => {
      const ip = socket.handshake.address;
      this.socketsPerIp.set(ip, (this.socketsPerIp.get(ip) ?? 0) + 1);
      socket.once('disconnect', () => {
        const n = (this.socketsPerIp.get(ip) ?? 1) - 1;
        if (n > 0) this.socketsPerIp.set(ip, n);
        else this.socketsPerIp.delete(ip);
      });
      for (const fn of this.onConnect) fn(socket as RealtimeSocket);
    });
    this.logger.log(`socket.io ready (anonymous viewers ${this.config.WS_ALLOW_ANONYMOUS ? 'allowed' : 'refused'})`);
  }

  /** Sockets go before the HTTP server closes (an open websocket would hold it open). */
  async beforeApplicationShutdown(): Promise<void> {
    await new Promise<void>((resolve) => (this.io ? this.io.close(() => resolve()) : resolve()));
    this.pub?.disconnect();
    this.sub?.disconnect();
  }
}
