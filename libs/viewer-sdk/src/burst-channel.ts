/**
 * `@live/contracts`' BURST_WS_PATH and BURST_WS_PROTOCOL: the SDK ships the contracts' types
 * only, not their JavaScript (tools/build/build-sdk.mjs), so the values are repeated here and a
 * unit test holds them equal.
 */
export const BURST_WS_PATH = '/v1/ws';
export const BURST_WS_PROTOCOL = 'burst.v1';

/**
 * The part of the WHATWG WebSocket the channel uses: browsers', React Native's and Node 22+'s
 * global `WebSocket` all have it.
 */
export interface WebSocketLike {
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason?: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export type WebSocketFactory = (url: string, protocols: string[]) => WebSocketLike;

export interface BurstChannelOptions {
  /** burst-api's base URL (http(s)://...), as for its HTTP routes */
  burstApiUrl: string;
  token: string;
  /** default: the global WebSocket; none there (Node 20), no channel: everything goes over HTTP */
  webSocketFactory?: WebSocketFactory;
  /** the first reconnect's delay (default 1 s), doubled per failed attempt up to reconnectDelayMaxMs (10 s) */
  reconnectDelayMs?: number;
  reconnectDelayMaxMs?: number;
  random?: () => number;
}

/** burst-api closes with this when the token expired: the same token would be refused again. */
export const TOKEN_EXPIRED_CLOSE = 4001;

/** Why a request got no answer: the caller sends it over HTTP instead. */
export class BurstChannelError extends Error {
  constructor(readonly reason: 'not_connected' | 'closed' | 'timeout') {
    super(`burst-api's websocket: ${reason.replace('_', ' ')}`);
    this.name = 'BurstChannelError';
  }
}

interface Pending {
  resolve: (ack: object) => void;
  reject: (error: BurstChannelError) => void;
  timer: ReturnType<typeof setTimeout>;
}

/** `http://host:3003/prefix` -> `ws://host:3003/prefix/v1/ws` (https -> wss) */
export function burstWebSocketUrl(burstApiUrl: string): string {
  return `${burstApiUrl.replace(/^http/i, 'ws').replace(/\/+$/, '')}${BURST_WS_PATH}`;
}

/**
 * burst-api's plain websocket (`/v1/ws`, subprotocol `burst.v1`, the token as the second
 * subprotocol): a frame `{ id, event, data }` per heart batch, vote or claim, answered
 * `{ id, ...ack }`. It is the cheapest way to burst-api per message (no HTTP request, no
 * engine.io/socket.io packet layers: docs/benchmarks.md, #17).
 *
 * It reconnects by itself (1 s, doubling to 10 s, with jitter) until `close()`, or until
 * burst-api says the token expired (close 4001). A request made while it is down, or whose
 * connection drops before the answer, or whose answer does not come in time, rejects with a
 * `BurstChannelError` at once: the caller sends it over HTTP with the same idempotency key, so
 * nothing waits on a dead connection and nothing counts twice.
 */
export class BurstChannel {
  private ws: WebSocketLike | null = null;
  private open = false;
  private stopped = false;
  private attempts = 0;
  private nextId = 1;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly pending = new Map<string, Pending>();
  private readonly factory: WebSocketFactory | null;

  constructor(private readonly options: BurstChannelOptions) {
    const global = (globalThis as { WebSocket?: new (url: string, protocols: string[]) => WebSocketLike }).WebSocket;
    this.factory = options.webSocketFactory ?? (global ? (url, protocols) => new global(url, protocols) : null);
    this.connect();
  }

  get connected(): boolean {
    return this.open;
  }

  /** One message; resolves with burst-api's ack (`ok` true or false), rejects when there is none. */
  request<T extends object>(event: string, data: object, timeoutMs: number): Promise<T> {
    const ws = this.ws;
    if (!ws || !this.open) return Promise.reject(new BurstChannelError('not_connected'));
    const id = String(this.nextId++);
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new BurstChannelError('timeout'));
      }, timeoutMs);
      this.pending.set(id, { resolve: resolve as (ack: object) => void, reject, timer });
      try {
        ws.send(JSON.stringify({ id, event, data }));
      } catch {
        this.settle(id)?.reject(new BurstChannelError('closed'));
      }
    });
  }

  /** Closes the connection for good; requests waiting on it reject. */
  close(): void {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.drop();
  }

  private connect(): void {
    if (this.stopped || !this.factory) return;
    let ws: WebSocketLike;
    try {
      ws = this.factory(burstWebSocketUrl(this.options.burstApiUrl), [BURST_WS_PROTOCOL, this.options.token]);
    } catch {
      // a malformed URL or a token the platform will not put in a header: HTTP it is
      return this.scheduleReconnect();
    }
    this.ws = ws;
    ws.onopen = () => {
      if (this.ws !== ws) return;
      this.open = true;
      this.attempts = 0;
    };
    ws.onmessage = (event) => this.onMessage(event.data);
    ws.onerror = () => undefined; // a close follows; that is where the channel reacts
    ws.onclose = (event) => {
      if (this.ws !== ws) return;
      this.drop();
      if (event.code === TOKEN_EXPIRED_CLOSE) this.stopped = true;
      this.scheduleReconnect();
    };
  }

  private onMessage(raw: unknown): void {
    if (typeof raw !== 'string') return;
    let frame: unknown;
    try {
      frame = JSON.parse(raw);
    } catch {
      return;
    }
    if (!frame || typeof frame !== 'object') return;
    const { id, ...ack } = frame as { id?: unknown };
    // answers without an id of ours (a frame burst-api could not read) match no request
    if (typeof id !== 'string' && typeof id !== 'number') return;
    this.settle(String(id))?.resolve(ack);
  }

  private settle(id: string): Pending | undefined {
    const pending = this.pending.get(id);
    if (!pending) return undefined;
    clearTimeout(pending.timer);
    this.pending.delete(id);
    return pending;
  }

  /** Forgets the connection; what waited on it goes over HTTP. */
  private drop(): void {
    const ws = this.ws;
    this.ws = null;
    this.open = false;
    if (ws) {
      ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
      try {
        ws.close(1000);
      } catch {
        // already closing
      }
    }
    for (const id of [...this.pending.keys()]) this.settle(id)?.reject(new BurstChannelError('closed'));
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.retryTimer) return;
    const base = this.options.reconnectDelayMs ?? 1_000;
    const max = this.options.reconnectDelayMaxMs ?? 10_000;
    const delay = Math.min(max, base * 2 ** this.attempts) * (0.5 + (this.options.random ?? Math.random)() / 2);
    this.attempts += 1;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, delay);
  }
}
