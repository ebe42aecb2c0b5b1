import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { Principal, bearerToken, verifyAccessTokenUntil } from '@live/auth';
import { BURST_WS_PATH, BURST_WS_PROTOCOL } from '@live/contracts';
import { CommonErrorCode } from '@live/errors';
import { MetricsService } from '@live/metrics';
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import { Histogram } from 'prom-client';
import { Server, Socket } from 'socket.io';
import { RawData, WebSocket, WebSocketServer } from 'ws';
import { AppConfig } from '../app.config';
import { Refusal, ackOf, expired } from './ack';
import { Backpressure, Reader } from './backpressure';

export type BurstSocket = Socket & { data: { user: Principal; expiresAtMs: number } };

/** What a viewer's message turns into: the ack, sent on whichever channel it came by. */
export type BurstHandler = (user: Principal, message: unknown) => Promise<object> | object;

/** a heart batch is at most 60 numbers; a vote or claim a few ids */
const MAX_MESSAGE_BYTES = 16 * 1024;
const MESSAGE_ID = /^[A-Za-z0-9_.:-]{1,64}$/;
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2.5, 5];

/**
 * burst-api's channels for a viewer's heart batches, votes and claims, on its HTTP port, both
 * dispatching to the same handlers:
 *
 * - socket.io (`/socket.io/`): `socket.emit(event, message, ack)`, what the viewer SDK uses.
 * - a plain websocket (`/v1/ws`, subprotocol `burst.v1`): text frames `{ id, event, data }`,
 *   each answered `{ id, ...ack }`. No engine.io/socket.io packet layers, for clients that want
 *   the cheapest path per message (the bench's, a native app's).
 *
 * The token is verified once, when a connection opens (no anonymous connections: every message
 * counts for someone); each message only checks that it has not expired since. Handlers are
 * plain functions, outside Nest's per-request chain (guards, pipes, interceptors, request
 * logging): that chain was most of the cost of a tap batch. No Redis adapter: burst-api never
 * pushes to rooms, it only acknowledges (ws-gateway pushes).
 */
@Injectable()
export class RealtimeServer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(RealtimeServer.name);
  private io?: Server;
  private wss?: WebSocketServer;
  private readonly handlers = new Map<string, BurstHandler>();

  /** messages read and not answered yet, both channels: past BURST_SOCKET_MAX_IN_FLIGHT, connections wait (see Backpressure) */
  private readonly backpressure: Backpressure;

  /** message in to ack out, per channel and event: what the server adds, whatever the network and the client do */
  private readonly latency: Histogram<'channel' | 'event'>;
  private readonly timers = new Map<string, (seconds: number) => void>();
  /** the plain websocket's connections and what each did since the last liveness sweep */
  private readonly liveness = new Map<WebSocket, Liveness>();
  private sweepTimer?: NodeJS.Timeout;

  constructor(
    private readonly httpHost: HttpAdapterHost,
    @Inject(AppConfig) private readonly config: AppConfig,
    metrics: MetricsService,
  ) {
    this.latency = metrics.histogram('burst_socket_message_seconds', 'socket message received to ack sent, by channel and event', ['channel', 'event'], LATENCY_BUCKETS);
    const pauses = metrics.counter('burst_socket_pauses_total', 'times a connection was paused past the in-flight bound (BURST_SOCKET_MAX_IN_FLIGHT)');
    const backpressure = (this.backpressure = new Backpressure(config.BURST_SOCKET_MAX_IN_FLIGHT, () => pauses.inc()));
    metrics.gauge('burst_socket_messages_in_flight', 'socket messages read and not answered yet', () => backpressure.inFlight);
    metrics.gauge('burst_socket_connections_paused', 'connections not read until answers leave (backpressure)', () => backpressure.pausedConnections);
  }

  /** The histogram child of a channel's event, made once (a labelled observe hashes its labels each time). */
  private timer(channel: 'socket.io' | 'ws', event: string): (seconds: number) => void {
    const key = `${channel} ${event}`;
    let observe = this.timers.get(key);
    if (!observe) {
      const child = this.latency.labels(channel, event);
      this.timers.set(key, (observe = (seconds) => child.observe(seconds)));
    }
    return observe;
  }

  /** Connections open on this process, both channels. */
  connectedCount(): number {
    return (this.io?.engine?.clientsCount ?? 0) + (this.wss?.clients.size ?? 0);
  }

  /** Feature modules register their events here before the server starts. */
  on(event: string, handler: BurstHandler): void {
    this.handlers.set(event, handler);
  }

  onApplicationBootstrap(): void {
    const http = this.httpHost.httpAdapter.getHttpServer() as HttpServer;
    this.io = new Server(http, {
      // websocket only: no polling sessions, so replicas behind a Service need no stickiness
      transports: ['websocket'],
      serveClient: false,
      maxHttpBufferSize: MAX_MESSAGE_BYTES,
      pingInterval: 25_000,
      pingTimeout: 20_000,
    });
    this.io.use((socket, next) => {
      const token = (socket.handshake.auth as { token?: unknown })?.token ?? bearerToken(socket.handshake.headers.authorization);
      const verified = this.verify(token);
      if ('refusal' in verified) return next(Object.assign(new Error('UNAUTHORIZED'), { data: verified.refusal }));
      socket.data.user = verified.user;
      socket.data.expiresAtMs = verified.expiresAtMs;
      next();
    });
    this.io.on('connection', (s) => this.bindSocketIo(s as BurstSocket));

    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: MAX_MESSAGE_BYTES,
      perMessageDeflate: false,
      handleProtocols: (protocols) => (protocols.has(BURST_WS_PROTOCOL) ? BURST_WS_PROTOCOL : false),
    });
    this.sweepTimer = setInterval(() => this.sweep(), this.config.BURST_WS_PING_MS);
    this.sweepTimer.unref();
    // socket.io's engine answers its own path's upgrades and leaves the others alone
    http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      if (req.url !== BURST_WS_PATH && !req.url?.startsWith(`${BURST_WS_PATH}?`)) return;
      this.upgrade(req, socket, head);
    });
    this.logger.log(`socket.io and ${BURST_WS_PATH} ready (heart batches, votes, claims)`);
  }

  /**
   * Connections go before the HTTP server closes (an open websocket would hold it open). Not
   * io.close(): that closes the HTTP server too, which is Fastify's to close.
   */
  beforeApplicationShutdown(): void {
    clearInterval(this.sweepTimer);
    this.io?.disconnectSockets(true);
    this.io?.engine.close();
    for (const ws of this.wss?.clients ?? []) ws.close(1001, 'server shutting down');
    this.wss?.close();
  }

  private verify(token: unknown): { user: Principal; expiresAtMs: number } | { refusal: Refusal } {
    if (typeof token !== 'string' || !token) return { refusal: { ok: false, code: CommonErrorCode.Unauthorized, message: 'auth.token is required', field: 'token' } };
    try {
      const { principal, expiresAtMs } = verifyAccessTokenUntil(token, this.config.AUTH_JWT_SECRET);
      return { user: principal, expiresAtMs };
    } catch (err) {
      return { refusal: { ok: false, code: CommonErrorCode.Unauthorized, message: `invalid token: ${(err as Error).message}`, field: 'token' } };
    }
  }

  /**
   * Runs a message's handler and gives `answer` its ack: at once for an answer the handler knew
   * at once (a refusal of bad input), no promise in between. A throw or rejection (a bug) is an
   * UNAVAILABLE ack, never an unhandled rejection.
   */
  private dispatch(handler: BurstHandler, user: Principal, message: unknown, answer: (ack: object) => void): void {
    let result: Promise<object> | object;
    try {
      result = handler(user, message);
    } catch (err) {
      return answer(this.failed(err));
    }
    if (result instanceof Promise) result.then(answer, (err: unknown) => answer(this.failed(err)));
    else answer(result);
  }

  private failed(err: unknown): Refusal {
    this.logger.error(`burst message failed: ${err instanceof Error ? err.stack : String(err)}`);
    return { ok: false, code: 'UNAVAILABLE', message: 'could not do it now; send it again', retryAfter: 1 };
  }

  // ------------------------------------------------------------------ socket.io

  private bindSocketIo(socket: BurstSocket): void {
    for (const [event, handler] of this.handlers) {
      socket.on(event, (message: unknown, ...rest: unknown[]) => {
        const ack = ackOf(rest);
        // nobody to answer: a tap, vote or claim nobody waits for is not done at all
        if (typeof ack !== 'function') return;
        if (Date.now() >= socket.data.expiresAtMs) {
          ack(expired());
          socket.disconnect(true);
          return;
        }
        const started = performance.now();
        const observe = this.timer('socket.io', event);
        this.backpressure.received(readerOf(socket));
        this.dispatch(handler, socket.data.user, message, (a) => {
          this.backpressure.answered();
          ack(a);
          observe((performance.now() - started) / 1000);
        });
      });
    }
  }

  // ------------------------------------------------------------------ plain websocket

  /**
   * The token comes in the `Authorization: Bearer` header, or (browsers cannot set headers on
   * a WebSocket) as the second subprotocol: `new WebSocket(url, ['burst.v1', token])`. A
   * refused upgrade is a plain HTTP 400/401 with the JSON refusal, before any frame.
   */
  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const offered = String(req.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean);
    if (!offered.includes(BURST_WS_PROTOCOL)) {
      return refuseUpgrade(socket, 400, { ok: false, code: CommonErrorCode.ValidationFailed, message: `Sec-WebSocket-Protocol: must offer ${BURST_WS_PROTOCOL}`, field: 'Sec-WebSocket-Protocol' });
    }
    const token = bearerToken(req.headers.authorization) ?? offered.find((p) => p !== BURST_WS_PROTOCOL);
    const verified = this.verify(token);
    if ('refusal' in verified) return refuseUpgrade(socket, 401, verified.refusal);
    this.wss!.handleUpgrade(req, socket, head, (ws) => this.bindWs(ws, verified.user, verified.expiresAtMs));
  }

  /**
   * The plain websocket's liveness (socket.io has its own pings): every BURST_WS_PING_MS, a
   * connection that sent nothing since the last sweep is pinged, and one still silent since its
   * ping is cut. Browsers and `ws` answer pings by themselves. A connection that taps, votes or
   * claims is never pinged, so a spike's connections cost the sweep nothing but a flag.
   */
  private sweep(): void {
    for (const [ws, live] of this.liveness) {
      if (live.heard) {
        live.heard = false;
        live.pinged = false;
      } else if (live.pinged) {
        this.liveness.delete(ws);
        ws.terminate();
      } else {
        live.pinged = true;
        ws.ping();
      }
    }
  }

  private bindWs(ws: WebSocket, user: Principal, expiresAtMs: number): void {
    const live: Liveness = { heard: true, pinged: false };
    this.liveness.set(ws, live);
    ws.on('close', () => this.liveness.delete(ws));
    ws.on('pong', () => (live.heard = true));
    ws.on('error', () => ws.terminate()); // an oversize or malformed frame: the library closes with 1009/1002
    ws.on('message', (raw: RawData, isBinary: boolean) => {
      live.heard = true;
      let frame: unknown;
      try {
        frame = isBinary ? undefined : JSON.parse(raw.toString());
      } catch {
        frame = undefined;
      }
      if (typeof frame !== 'object' || frame === null || Array.isArray(frame)) {
        return send(ws, null, { ok: false, code: CommonErrorCode.ValidationFailed, message: 'message: must be a JSON object { id, event, data } in a text frame', field: 'message' });
      }
      const { id, event, data } = frame as { id?: unknown; event?: unknown; data?: unknown };
      if (!(typeof id === 'number' && Number.isSafeInteger(id)) && !(typeof id === 'string' && MESSAGE_ID.test(id))) {
        return send(ws, null, { ok: false, code: CommonErrorCode.ValidationFailed, message: 'id: must be an integer or a string of 1-64 letters, digits, _.:-', field: 'id' });
      }
      const handler = typeof event === 'string' ? this.handlers.get(event) : undefined;
      if (!handler) {
        return send(ws, id, { ok: false, code: CommonErrorCode.ValidationFailed, message: `event: must be one of ${[...this.handlers.keys()].join(', ')}`, field: 'event' });
      }
      if (Date.now() >= expiresAtMs) {
        send(ws, id, expired());
        ws.close(4001, 'token expired');
        return;
      }
      const started = performance.now();
      const observe = this.timer('ws', event as string);
      this.backpressure.received(ws);
      this.dispatch(handler, user, data, (ack) => {
        this.backpressure.answered();
        send(ws, id, ack);
        observe((performance.now() - started) / 1000);
      });
    });
  }
}

/** What a plain websocket did since the last liveness sweep. */
interface Liveness {
  /** a message or a pong came */
  heard: boolean;
  /** pinged by the last sweep, nothing heard since */
  pinged: boolean;
}

/**
 * The ws WebSocket under a socket.io connection (engine.io's websocket transport keeps it as
 * `socket`); undefined if another engine.io ever keeps it elsewhere: that connection is then
 * never paused, and the bound counts its messages all the same.
 */
function readerOf(socket: Socket): Reader | undefined {
  const ws = (socket.conn as unknown as { transport?: { socket?: Partial<Reader> } }).transport?.socket;
  return typeof ws?.pause === 'function' && typeof ws.resume === 'function' && typeof ws.isPaused === 'boolean' ? (ws as Reader) : undefined;
}

function send(ws: WebSocket, id: unknown, ack: object): void {
  if (ws.readyState !== WebSocket.OPEN) return; // the viewer left; a heart batch sent again (same batchId) gets the stored answer
  ws.send(JSON.stringify({ id, ...ack }));
}

function refuseUpgrade(socket: Duplex, status: 400 | 401, body: Refusal): void {
  const json = JSON.stringify(body);
  socket.end(
    `HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : 'Bad Request'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(json)}\r\nConnection: close\r\n\r\n${json}`,
  );
}
