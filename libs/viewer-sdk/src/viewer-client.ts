import type { Ack, BurstSocketEventName, ChatBatch, CouponClaimAck, HeartsBatchAck, PollVoteAck, ChatDeleted, ChatLine, CouponStock, HeartsCount, JoinSnapshot, Overlay, PollTally, StatsTick, ViewersCount } from '@live/contracts';
import { Emitter } from '@socket.io/component-emitter';
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import { BurstChannel, type WebSocketFactory } from './burst-channel';
import { HeartBuffer, type HeartBatch } from './hearts';
import type { OverlayCue } from './timed-metadata';

export type BroadcastStatus = JoinSnapshot['status'];
export type ConnectionState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'closed';

/** Everything a viewer screen draws, as one immutable value (a new object on every change). */
export interface ViewerState {
  connection: ConnectionState;
  broadcastId: string | null;
  status: BroadcastStatus | null;
  /** current overlays by key (`pin`, `coupon:<id>`, `notice:<id>`, `poll:<id>`) */
  overlays: Record<string, Overlay>;
  /** shown chat lines, oldest first, at most `maxChatLines` */
  chat: ChatLine[];
  /** lines the display budget left out since joining ("+N more") */
  suppressed: number;
  viewers: number | null;
  hearts: number | null;
  /** remaining stock by coupon id */
  couponStock: Record<string, number>;
  /** votes per option by poll id */
  pollTallies: Record<string, number[]>;
  /** taps tapped but not yet acknowledged by the server */
  pendingHearts: number;
}

/** Events of a ViewerClient. `change` fires after any state change; the others carry the detail. */
export interface ViewerEvents {
  change: (state: ViewerState) => void;
  chat: (lines: ChatLine[], suppressed: number) => void;
  'chat.deleted': (messageId: string) => void;
  overlay: (action: 'show' | 'hide', key: string, overlay: Overlay | null) => void;
  status: (status: BroadcastStatus) => void;
  /** after a reconnect: how many lines were missed, and whether the log reached back far enough */
  resync: (missed: number, complete: boolean) => void;
  'hearts.sent': (batch: HeartBatch, total: number) => void;
  'hearts.refused': (batch: HeartBatch, error: ViewerApiError) => void;
  /** staff only, after watchStats(): analytics' live scoreboard, every second */
  'stats.tick': (tick: StatsTick) => void;
  /** staff only, after watchStats(): the replay job's progress, when the encoder reports it */
  'encoder.progress': (progress: Record<string, unknown>) => void;
  error: (error: Error) => void;
}

/** An HTTP or socket refusal: `{ code, message, field? }` as the platform answers it. */
export class ViewerApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ViewerApiError';
  }
}

export type ClaimResult =
  | { result: 'won'; claimId: string; remaining: number }
  | { result: 'sold_out' | 'already_claimed' | 'not_exposed'; message: string };
export type VoteResult = { result: 'voted'; voteId: string } | { result: 'already_voted' | 'not_open'; message: string };

export interface ViewerClientOptions {
  /** ws-gateway, e.g. http://127.0.0.1:3002 */
  gatewayUrl: string;
  /** message-api (chat posts), e.g. http://127.0.0.1:3001 */
  messageApiUrl: string;
  /** burst-api (hearts, claims, votes), e.g. http://127.0.0.1:3003 */
  burstApiUrl: string;
  /** a viewer JWT; none: anonymous (can watch, cannot chat, tap, claim or vote) */
  token?: string | null;
  /** the video position in ms a heart tap is stamped with; default: time since the show was seen live */
  videoPositionMs?: () => number;
  /** heart window, 1-3 s in the LINE LIVE design (default 1000) */
  heartWindowMs?: number;
  /** burst-api's HEARTS_MAX_TAPS_PER_SECOND (default 15) */
  maxTapsPerSecond?: number;
  maxPendingTaps?: number;
  maxChatLines?: number;
  /**
   * how heart batches, claims and votes travel: `socket` (default) over burst-api's plain
   * websocket, opened at join (a fraction of an HTTP request's cost there; HTTP whenever it is
   * not connected or an answer does not come), or `http`
   */
  heartsChannel?: 'socket' | 'http';
  /** retries of a heart batch or chat line after a network error or 5xx (default 5) */
  maxRetries?: number;
  /** injectable for tests and platforms without a global fetch */
  fetch?: typeof fetch;
  /** injectable for tests: ws-gateway's socket.io socket */
  socketFactory?: (url: string, options: Partial<ManagerOptions & SocketOptions>) => Socket;
  /** injectable for tests and platforms without a global WebSocket: burst-api's websocket */
  webSocketFactory?: WebSocketFactory;
  newId?: () => string;
  now?: () => number;
  ackTimeoutMs?: number;
}

type JoinAck = Ack<{ snapshot: JoinSnapshot; missed?: { lines: ChatLine[]; complete: boolean } }>;

const DEDUPE_MEMORY = 5_000;

function defaultId(): string {
  const c = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  if (c?.randomUUID) return c.randomUUID();
  // React Native without a crypto polyfill: unique enough for idempotency keys
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}-${Math.random().toString(36).slice(2)}`;
}

/** Orders chat seqs (`<ms>-<n>`, Redis stream ids) without losing precision. */
export function compareSeq(a: string, b: string): number {
  const [am, an] = a.split('-').map(BigInt);
  const [bm, bn] = b.split('-').map(BigInt);
  if (am !== bm) return am < bm ? -1 : 1;
  if (an !== bn) return (an ?? 0n) < (bn ?? 0n) ? -1 : 1;
  return 0;
}

/**
 * A viewer's connection to one show: the socket (snapshot, live events, resync after a
 * reconnect) plus the HTTP calls of a viewer (chat, hearts, claims, votes). No DOM: it runs in
 * browsers, React Native and Node alike.
 */
export class ViewerClient extends Emitter<Record<string, never>, Record<string, never>, ViewerEvents> {
  private socket: Socket | null = null;
  /** burst-api's websocket: heart batches, claims, votes (see heartsChannel) */
  private burstChannel: BurstChannel | null = null;
  private token: string | null;
  private readonly fetchFn: typeof fetch;
  private readonly newId: () => string;
  private readonly now: () => number;
  private readonly hearts: HeartBuffer;
  private heartTimer: ReturnType<typeof setTimeout> | null = null;
  private heartsInFlight = 0;
  private liveSince: number | null = null;
  private lastSeq: string | null = null;
  private readonly seen = new Set<string>();
  private readonly deleted = new Set<string>();
  private useTimedMetadata = false;
  private watchingStats = false;
  private readonly pendingConnects = new Set<() => void>();
  private joinedOnce = false;
  private state: ViewerState = {
    connection: 'idle',
    broadcastId: null,
    status: null,
    overlays: {},
    chat: [],
    suppressed: 0,
    viewers: null,
    hearts: null,
    couponStock: {},
    pollTallies: {},
    pendingHearts: 0,
  };

  constructor(private readonly options: ViewerClientOptions) {
    super();
    this.token = options.token ?? null;
    this.fetchFn = options.fetch ?? ((...args) => fetch(...args));
    this.newId = options.newId ?? defaultId;
    this.now = options.now ?? (() => Date.now());
    this.hearts = new HeartBuffer({
      maxTapsPerSecond: options.maxTapsPerSecond ?? 15,
      maxTapsPerBatch: 60,
      maxPendingTaps: options.maxPendingTaps ?? 600,
    });
  }

  /** The current state (immutable; compare by reference). Fits React's useSyncExternalStore. */
  getState(): ViewerState {
    return this.state;
  }

  /** Subscribes to `change`; returns the unsubscribe function. */
  subscribe(listener: (state: ViewerState) => void): () => void {
    this.on('change', listener);
    return () => this.off('change', listener);
  }

  get signedIn(): boolean {
    return this.token !== null;
  }

  private set(patch: Partial<ViewerState>): void {
    this.state = { ...this.state, ...patch };
    this.emitReserved('change', this.state);
  }

  // ------------------------------------------------------------------ socket

  /** Opens the socket (anonymous without a token); resolves once connected. */
  connect(): Promise<void> {
    if (this.socket?.connected) return Promise.resolve();
    if (!this.socket) this.openSocket();
    const socket = this.socket!;
    return new Promise((resolve, reject) => {
      const done = () => {
        socket.off('connect', ok);
        socket.off('connect_error', bad);
        this.pendingConnects.delete(closed);
      };
      const ok = () => {
        done();
        resolve();
      };
      const bad = (err: Error & { data?: { code?: string; message?: string } }) => {
        // a refused token will not get better by retrying
        if (err.data?.code === 'UNAUTHORIZED') {
          done();
          reject(new ViewerApiError(401, 'UNAUTHORIZED', err.data.message ?? err.message));
        }
      };
      // close() while connecting: the wait ends instead of hanging on a socket that is gone
      const closed = () => {
        done();
        reject(new ViewerApiError(0, 'CLOSED', 'the client was closed'));
      };
      socket.once('connect', ok);
      socket.on('connect_error', bad);
      this.pendingConnects.add(closed);
    });
  }

  private openSocket(): void {
    const factory = this.options.socketFactory ?? ((url, opts) => io(url, opts));
    // websocket only: several gateways behind a load balancer need no sticky sessions then
    const socket = factory(this.options.gatewayUrl, {
      transports: ['websocket'],
      auth: this.token ? { token: this.token } : {},
      reconnectionDelay: 500,
      reconnectionDelayMax: 5_000,
    });
    this.socket = socket;
    this.set({ connection: 'connecting' });
    socket.on('connect', () => {
      this.set({ connection: 'connected' });
      // a reconnect: join again and fetch what was missed
      if (this.state.broadcastId && this.joinedOnce) void this.rejoin();
    });
    socket.on('stats.tick', (t: StatsTick) => this.mine(t.broadcastId) && this.emitReserved('stats.tick', t));
    socket.on('encoder.progress', (p: Record<string, unknown>) => this.mine(p.broadcastId as string | undefined) && this.emitReserved('encoder.progress', p));
    socket.on('disconnect', () => this.socket === socket && this.set({ connection: 'reconnecting' }));
    socket.on('connect_error', () => this.socket === socket && this.set({ connection: 'reconnecting' }));
    socket.on('broadcast.status', (e: { broadcastId: string; status: BroadcastStatus }) => this.onStatus(e.broadcastId, e.status));
    socket.on('chat.batch', (b: ChatBatch) => this.onChat(b.broadcastId, b.lines, b.suppressed));
    socket.on('chat.deleted', (d: ChatDeleted) => this.onDeleted(d));
    socket.on('overlay.show', (o: Overlay & { broadcastId?: string }) => {
      if (!this.useTimedMetadata) this.applyOverlay('show', o.key, o);
    });
    socket.on('overlay.hide', (o: { key: string; broadcastId?: string }) => {
      if (!this.useTimedMetadata) this.applyOverlay('hide', o.key, null);
    });
    socket.on('viewers.count', (v: ViewersCount) => this.mine(v.broadcastId) && this.set({ viewers: v.count }));
    socket.on('hearts.count', (h: HeartsCount) => this.mine(h.broadcastId) && this.set({ hearts: Math.max(h.total, this.state.hearts ?? 0) }));
    socket.on('coupon.stock', (s: CouponStock) => this.mine(s.broadcastId) && this.set({ couponStock: { ...this.state.couponStock, [s.couponId]: s.remaining } }));
    socket.on('poll.tally', (t: PollTally) => this.mine(t.broadcastId) && this.set({ pollTallies: { ...this.state.pollTallies, [t.pollId]: t.votes } }));
  }

  private mine(broadcastId: string | undefined): boolean {
    return broadcastId === undefined || broadcastId === this.state.broadcastId;
  }

  /** Joins a show: the snapshot (status, overlays, the last 50 lines) becomes the state. */
  async join(broadcastId: string): Promise<JoinSnapshot> {
    await this.connect();
    if (this.state.broadcastId && this.state.broadcastId !== broadcastId) this.leave();
    this.set({ broadcastId });
    const ack = await this.emitJoin(broadcastId, undefined);
    this.joinedOnce = true;
    this.applySnapshot(ack.snapshot, true);
    // the snapshot has no counters and hearts.count comes only when the total moves: ask once
    if (this.token && ack.snapshot.status !== 'scheduled') void this.loadHeartTotal(broadcastId);
    this.openBurstChannel();
    return ack.snapshot;
  }

  private async emitJoin(broadcastId: string, lastSeq: string | undefined) {
    const ack: JoinAck = await this.socket!.timeout(this.options.ackTimeoutMs ?? 10_000).emitWithAck('join', { broadcastId, ...(lastSeq ? { lastSeq } : {}) });
    if (!ack.ok) throw new ViewerApiError(400, ack.code, ack.message, ack.field);
    return ack;
  }

  private async rejoin(): Promise<void> {
    const broadcastId = this.state.broadcastId!;
    try {
      const ack = await this.emitJoin(broadcastId, this.lastSeq ?? undefined);
      if (this.watchingStats) await this.emitStatsJoin(broadcastId);
      this.applySnapshot(ack.snapshot, false);
      if (ack.missed) {
        this.onChat(broadcastId, ack.missed.lines, 0);
        this.emitReserved('resync', ack.missed.lines.length, ack.missed.complete);
      }
    } catch (err) {
      this.emitReserved('error', err instanceof Error ? err : new Error(String(err)));
    }
  }

  private applySnapshot(s: JoinSnapshot, fresh: boolean): void {
    const overlays: Record<string, Overlay> = {};
    for (const o of s.overlays) overlays[o.key] = o;
    this.set({ overlays, ...(fresh ? { chat: [], suppressed: 0, couponStock: {}, pollTallies: {} } : {}) });
    this.onStatus(s.broadcastId, s.status);
    if (fresh) {
      this.seen.clear();
      this.lastSeq = null;
    }
    this.onChat(s.broadcastId, s.recentChat, 0);
  }

  /**
   * Staff (admin, operator, the show's seller): join the show's admin room for `stats.tick`
   * and `encoder.progress`; kept across reconnects. FORBIDDEN for anyone else.
   */
  async watchStats(): Promise<void> {
    const id = this.state.broadcastId;
    if (!id) throw new ViewerApiError(400, 'NOT_JOINED', 'join a show first');
    await this.emitStatsJoin(id);
    this.watchingStats = true;
  }

  private async emitStatsJoin(broadcastId: string): Promise<void> {
    const ack: Ack<object> = await this.socket!.timeout(this.options.ackTimeoutMs ?? 10_000).emitWithAck('stats.join', { broadcastId });
    if (!ack.ok) throw new ViewerApiError(403, ack.code, ack.message, ack.field);
  }

  /** Leaves the current show (the socket stays open for another join). */
  leave(): void {
    const id = this.state.broadcastId;
    if (!id) return;
    // taps belong to this show: one last batch leaves now, a fast tapper's surplus is dropped
    void this.flushHearts();
    this.hearts.clear();
    this.socket?.emit('leave', { broadcastId: id });
    if (this.watchingStats) this.socket?.emit('stats.leave', { broadcastId: id });
    this.watchingStats = false;
    this.joinedOnce = false;
    this.liveSince = null;
    this.set({ broadcastId: null, status: null, overlays: {}, chat: [], suppressed: 0, viewers: null, hearts: null, couponStock: {}, pollTallies: {}, pendingHearts: this.heartsInFlight });
  }

  /**
   * Closes the socket at once and sends the hearts still buffered. A later join() opens a new
   * socket (React's StrictMode mounts, unmounts and mounts again).
   */
  async close(): Promise<void> {
    const socket = this.socket;
    this.socket = null;
    this.burstChannel?.close();
    this.burstChannel = null;
    this.joinedOnce = false;
    this.watchingStats = false;
    if (this.heartTimer) clearTimeout(this.heartTimer);
    this.heartTimer = null;
    socket?.off();
    socket?.close();
    for (const closed of [...this.pendingConnects]) closed();
    this.set({ connection: 'closed' });
    while (this.hearts.size > 0) {
      const before = this.hearts.size;
      await this.flushHearts();
      if (this.hearts.size >= before) break;
    }
  }

  private onStatus(broadcastId: string, status: BroadcastStatus): void {
    if (!this.mine(broadcastId)) return;
    if (status === 'live' && this.liveSince === null) this.liveSince = this.now();
    if (status !== this.state.status) {
      this.set({ status, ...(status === 'ended' ? { overlays: {} } : {}) });
      this.emitReserved('status', status);
    }
  }

  private onChat(broadcastId: string, lines: ChatLine[], suppressed: number): void {
    if (!this.mine(broadcastId)) return;
    // a line may come twice (in a resync and a batch, or a window broadcast again): dedupe
    const fresh = lines.filter((l) => !this.seen.has(l.messageId) && !this.deleted.has(l.messageId));
    for (const l of fresh) {
      this.seen.add(l.messageId);
      if (this.lastSeq === null || compareSeq(l.seq, this.lastSeq) > 0) this.lastSeq = l.seq;
    }
    if (this.seen.size > DEDUPE_MEMORY) {
      const drop = this.seen.size - DEDUPE_MEMORY;
      let i = 0;
      for (const id of this.seen) {
        if (i++ >= drop) break;
        this.seen.delete(id);
      }
    }
    if (fresh.length === 0 && suppressed === 0) return;
    const max = this.options.maxChatLines ?? 200;
    const chat = [...this.state.chat, ...fresh].sort((a, b) => compareSeq(a.seq, b.seq)).slice(-max);
    this.set({ chat, suppressed: this.state.suppressed + suppressed });
    this.emitReserved('chat', fresh, suppressed);
  }

  private onDeleted(d: ChatDeleted): void {
    if (!this.mine(d.broadcastId)) return;
    this.deleted.add(d.messageId);
    if (this.state.chat.some((l) => l.messageId === d.messageId)) this.set({ chat: this.state.chat.filter((l) => l.messageId !== d.messageId) });
    this.emitReserved('chat.deleted', d.messageId);
  }

  private applyOverlay(action: 'show' | 'hide', key: string, overlay: Overlay | null): void {
    const overlays = { ...this.state.overlays };
    if (action === 'show' && overlay) overlays[key] = overlay;
    else if (overlays[key]) delete overlays[key];
    else return; // a repeated hide changes nothing
    this.set({ overlays });
    this.emitReserved('overlay', action, key, overlay);
  }

  /**
   * Overlays from the video's timed metadata instead of the socket, so they appear on the
   * frame they belong to. Call it once the player delivers cues; the join snapshot still applies.
   */
  setTimedMetadataOverlays(on: boolean): void {
    this.useTimedMetadata = on;
  }

  /** Applies one cue from the player's timed metadata (see timed-metadata.ts). */
  applyCue(cue: OverlayCue): void {
    if (!this.mine(cue.broadcastId)) return;
    this.applyOverlay(cue.action, cue.key, cue.overlay);
  }

  /** Hides overlays whose `expiresAt` has passed (call it on a timer, e.g. every second). */
  expireOverlays(now = this.now()): void {
    const live = Object.entries(this.state.overlays).filter(([, o]) => !o.expiresAt || Date.parse(o.expiresAt) > now);
    if (live.length !== Object.keys(this.state.overlays).length) this.set({ overlays: Object.fromEntries(live) });
  }

  // ------------------------------------------------------------------ HTTP

  private async request<T>(base: string, path: string, body: unknown, retries = 0): Promise<T> {
    if (!this.token) throw new ViewerApiError(401, 'SIGN_IN_REQUIRED', 'sign in to do this');
    const max = this.options.maxRetries ?? 5;
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      try {
        res = await this.fetchFn(`${base}${path}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
      } catch (err) {
        if (attempt < retries && attempt < max) {
          await delay(backoff(attempt));
          continue;
        }
        throw new ViewerApiError(0, 'NETWORK', `network error: ${err instanceof Error ? err.message : String(err)}`);
      }
      const text = await res.text();
      let parsed: Record<string, unknown> = {};
      try {
        parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      } catch {
        parsed = { message: text };
      }
      if (res.ok) return parsed as T;
      if (res.status >= 500 && attempt < retries && attempt < max) {
        const after = Number(res.headers.get('retry-after'));
        await delay(Number.isFinite(after) && after > 0 ? after * 1000 : backoff(attempt));
        continue;
      }
      throw new ViewerApiError(res.status, String(parsed.code ?? `HTTP_${res.status}`), String(parsed.message ?? res.statusText), parsed.field as string | undefined);
    }
  }

  /** burst-api's websocket: signed-in viewers only, unless heartsChannel is `http`. */
  private openBurstChannel(): void {
    if (this.burstChannel || !this.token || this.options.heartsChannel === 'http') return;
    this.burstChannel = new BurstChannel({ burstApiUrl: this.options.burstApiUrl, token: this.token, webSocketFactory: this.options.webSocketFactory });
  }

  /**
   * One message over burst-api's websocket when it is connected: its ack, or null when it must
   * go over HTTP instead (not connected, dropped, no answer in time, or a refusal another
   * channel may not share: UNAVAILABLE, UNAUTHORIZED). Other refusals throw as HTTP ones.
   */
  private async overBurstChannel<A extends HeartsBatchAck | PollVoteAck | CouponClaimAck>(event: BurstSocketEventName, data: object): Promise<Extract<A, { ok: true }> | null> {
    const channel = this.burstChannel;
    if (!channel?.connected) return null;
    let ack: A;
    try {
      ack = await channel.request<A>(event, data, this.options.ackTimeoutMs ?? 10_000);
    } catch {
      return null; // no answer (a dropped connection, a timeout): HTTP, same idempotency key
    }
    if (ack.ok) return ack as Extract<A, { ok: true }>;
    if (ack.code === 'UNAVAILABLE' || ack.code === 'UNAUTHORIZED') return null;
    throw new ViewerApiError(socketStatus(ack.code), ack.code, ack.message, ack.field);
  }

  /**
   * One heart batch: over burst-api's websocket when it is connected, else (or when its ack
   * does not come) over HTTP with the same batch id -- burst-api counts a batch id once,
   * whichever way it came and however often.
   */
  private async sendHeartBatch(broadcastId: string, batch: HeartBatch): Promise<{ total: number }> {
    const ack = await this.overBurstChannel<HeartsBatchAck>('hearts.batch', { broadcastId, ...batch });
    if (ack) return ack;
    return this.request<{ total: number }>(this.options.burstApiUrl, `/v1/broadcasts/${encodeURIComponent(broadcastId)}/hearts`, batch, this.options.maxRetries ?? 5);
  }

  /** A vote over burst-api's websocket when it is connected, else (or without an ack) over HTTP: one vote per poll either way. */
  private async sendVote(pollId: string, option: number): Promise<{ voteId: string }> {
    const path = `${this.showPath()}/polls/${encodeURIComponent(pollId)}/votes`;
    const ack = await this.overBurstChannel<PollVoteAck>('poll.vote', { broadcastId: this.state.broadcastId, pollId, option });
    if (ack) return ack;
    return this.request<{ voteId: string }>(this.options.burstApiUrl, path, { option }, 2);
  }

  /**
   * A claim over burst-api's websocket when it is connected, else (or without an ack) over
   * HTTP. One per viewer and coupon either way: a claim that won over the websocket while its
   * ack was lost answers ALREADY_CLAIMED over HTTP.
   */
  private async sendClaim(couponId: string): Promise<{ claimId: string; remaining: number }> {
    const path = `${this.showPath()}/coupons/${encodeURIComponent(couponId)}/claims`;
    const ack = await this.overBurstChannel<CouponClaimAck>('coupon.claim', { broadcastId: this.state.broadcastId, couponId });
    if (ack) return ack;
    return this.request<{ claimId: string; remaining: number }>(this.options.burstApiUrl, path, undefined, 2);
  }

  private async loadHeartTotal(broadcastId: string): Promise<void> {
    try {
      const res = await this.fetchFn(`${this.options.burstApiUrl}/v1/broadcasts/${encodeURIComponent(broadcastId)}/hearts?limit=1`, {
        headers: { authorization: `Bearer ${this.token}` },
      });
      if (!res.ok) return;
      const { total } = (await res.json()) as { total?: number };
      if (typeof total === 'number' && this.state.broadcastId === broadcastId) this.set({ hearts: Math.max(total, this.state.hearts ?? 0) });
    } catch {
      // best effort: the next hearts.count brings it
    }
  }

  private showPath(): string {
    if (!this.state.broadcastId) throw new ViewerApiError(400, 'NOT_JOINED', 'join a show first');
    return `/v1/broadcasts/${encodeURIComponent(this.state.broadcastId)}`;
  }

  /**
   * Posts a chat line (202 once the broker has it). Retried with the same clientMessageId after
   * a network error or 503, so a line is never doubled. Refusals throw ViewerApiError: BANNED
   * (403), RATE_LIMITED (429, slow mode), NOT_LIVE (409), VALIDATION_FAILED (400).
   */
  sendChat(text: string, clientMessageId = this.newId()): Promise<{ messageId: string; acceptedAt: string }> {
    return this.request(this.options.messageApiUrl, `${this.showPath()}/messages`, { clientMessageId, text }, this.options.maxRetries ?? 5);
  }

  /** One heart tap: buffered, sent with the others of its window. */
  tapHeart(): void {
    if (!this.token || !this.state.broadcastId) return;
    const position = this.options.videoPositionMs?.() ?? (this.liveSince === null ? 0 : this.now() - this.liveSince);
    if (!this.hearts.tap(position)) return;
    this.set({ pendingHearts: this.hearts.size + this.heartsInFlight });
    this.scheduleHearts();
  }

  private scheduleHearts(): void {
    if (this.heartTimer || this.hearts.size === 0) return;
    this.heartTimer = setTimeout(() => {
      this.heartTimer = null;
      void this.flushHearts().finally(() => this.scheduleHearts());
    }, this.options.heartWindowMs ?? 1_000);
  }

  /** Sends one batch of what is buffered now (the window timer calls it; so does close()). */
  async flushHearts(): Promise<void> {
    const batch = this.hearts.take(this.newId);
    if (!batch || !this.state.broadcastId) return;
    this.heartsInFlight += batch.taps.length;
    try {
      const res = await this.sendHeartBatch(this.state.broadcastId, batch);
      this.heartsInFlight -= batch.taps.length;
      this.set({ hearts: Math.max(res.total, this.state.hearts ?? 0), pendingHearts: this.hearts.size + this.heartsInFlight });
      this.emitReserved('hearts.sent', batch, res.total);
    } catch (err) {
      this.heartsInFlight -= batch.taps.length;
      this.set({ pendingHearts: this.hearts.size + this.heartsInFlight });
      const e = err instanceof ViewerApiError ? err : new ViewerApiError(0, 'NETWORK', String(err));
      this.emitReserved('hearts.refused', batch, e);
    }
  }

  /**
   * Claims a coupon: won, or why not (sold out, already claimed, not on offer). A coupon
   * exposed a moment ago may reach the viewer before burst-api has heard of it: while its
   * overlay is on screen, NOT_EXPOSED is retried for a few seconds before it is the answer.
   */
  async claimCoupon(couponId: string): Promise<ClaimResult> {
    for (let attempt = 0; ; attempt++) {
      const r = await this.claimOnce(couponId);
      const onScreen = Boolean(this.state.overlays[`coupon:${couponId}`]);
      if (r.result !== 'not_exposed' || !onScreen || attempt >= 10) return r;
      await delay(300);
    }
  }

  private async claimOnce(couponId: string): Promise<ClaimResult> {
    try {
      const r = await this.sendClaim(couponId);
      this.set({ couponStock: { ...this.state.couponStock, [couponId]: r.remaining } });
      return { result: 'won', claimId: r.claimId, remaining: r.remaining };
    } catch (err) {
      if (err instanceof ViewerApiError) {
        if (err.code === 'SOLD_OUT') {
          this.set({ couponStock: { ...this.state.couponStock, [couponId]: 0 } });
          return { result: 'sold_out', message: err.message };
        }
        if (err.code === 'ALREADY_CLAIMED') return { result: 'already_claimed', message: err.message };
        if (err.code === 'NOT_EXPOSED') return { result: 'not_exposed', message: err.message };
      }
      throw err;
    }
  }

  /** Votes for an option (its index) of an open poll. */
  async vote(pollId: string, option: number): Promise<VoteResult> {
    try {
      const r = await this.sendVote(pollId, option);
      return { result: 'voted', voteId: r.voteId };
    } catch (err) {
      if (err instanceof ViewerApiError && err.code === 'ALREADY_VOTED') return { result: 'already_voted', message: err.message };
      if (err instanceof ViewerApiError && err.code === 'POLL_NOT_OPEN') return { result: 'not_open', message: err.message };
      throw err;
    }
  }
}

const backoff = (attempt: number) => Math.min(4_000, 250 * 2 ** attempt) * (0.5 + Math.random() / 2);
const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The HTTP status a socket refusal stands for (ViewerApiError carries one either way). */
function socketStatus(code: string): number {
  switch (code) {
    case 'RATE_LIMITED':
    case 'THROTTLED':
      return 429;
    case 'BANNED':
      return 403;
    case 'NOT_LIVE':
    case 'BATCH_ID_REUSED':
    case 'ALREADY_VOTED':
    case 'POLL_NOT_OPEN':
    case 'ALREADY_CLAIMED':
    case 'NOT_EXPOSED':
      return 409;
    case 'SOLD_OUT':
      return 410;
    case 'NOT_FOUND':
      return 404;
    default:
      return 400;
  }
}
