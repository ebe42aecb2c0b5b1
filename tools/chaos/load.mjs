// The steady mixed load of `npm run chaos` and `npm run soak` on one live show: chat lines
// (message-api), heart batches, coupon claims and poll votes (burst-api, two replicas, taken
// in turn as a Service would; a refused connection goes to the other replica, as a Service
// drops a dead endpoint), and viewers joining and leaving over socket.io (two gateways).
// It records what clients were told: every 202 chat messageId, every heart batch's
// `accepted`, every 201 claim and vote, every chat line the watching sockets received.
import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';
import { sleep } from '../bench/lib.mjs';

const require = createRequire(import.meta.url);
const jwt = require('jsonwebtoken');
const { io } = require('socket.io-client');

export const DEFAULT_RATES = { chat: 5, hearts: 12, claims: 2, votes: 2, viewers: 8, churnPerSec: 1 };

/** A live show with a coupon of `couponStock` and an open three-option poll, made through management-api. */
export async function newShow(platform, tag, { couponStock }) {
  const seller = jwt.sign({ sub: `chaos-seller-${tag}`, roles: ['seller'] }, platform.secret, { expiresIn: '2h' });
  const call = async (p, body) => {
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await fetch(`${platform.url('management-api')}/v1${p}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${seller}`, 'content-type': 'application/json' },
          body: body ? JSON.stringify(body) : undefined,
          signal: AbortSignal.timeout(10_000),
        });
        if (res.status < 300) return res.status === 204 ? {} : res.json();
        if (res.status < 500 || attempt > 20) throw new Error(`POST ${p}: ${res.status} ${await res.text()}`);
      } catch (err) {
        if (attempt > 20) throw err;
      }
      await sleep(1_000);
    }
  };
  const now = Date.now();
  const show = await call('/broadcasts', { title: `chaos ${tag}`, scheduledAt: new Date().toISOString() });
  const coupon = await call(`/broadcasts/${show.id}/coupons`, {
    name: 'chaos drop', discountType: 'percent', discountValue: 10, totalQuantity: couponStock,
    validFrom: new Date(now - 60_000).toISOString(), validUntil: new Date(now + 6 * 3600_000).toISOString(),
  });
  const poll = await call(`/broadcasts/${show.id}/polls`, { question: 'Which one?', options: ['A', 'B', 'C'] });
  await call(`/broadcasts/${show.id}/start`);
  await call(`/broadcasts/${show.id}/coupons/${coupon.id}/expose`);
  await call(`/broadcasts/${show.id}/polls/${poll.id}/open`);
  return { id: show.id, couponId: coupon.id, pollId: poll.id, couponStock, seller, end: () => call(`/broadcasts/${show.id}/end`) };
}

const STREAMS = ['chat', 'hearts', 'claims', 'votes', 'join'];

export class Load {
  /** boundedUsers: claims and votes come from that many users, not a new one each (a soak's data stops growing) */
  constructor(platform, show, tag, rates = DEFAULT_RATES, { boundedUsers = Infinity } = {}) {
    Object.assign(this, { platform, show, tag, rates, boundedUsers });
    this.timers = [];
    this.inFlight = new Set();
    this.tokens = new Map();
    this.told = { chat: new Set(), heartBatches: 0, heartsAccepted: 0, claims: new Map(), votes: new Set(), chatAttempts: 0 };
    this.clientErrors = { total: 0, byKind: {} };
    this.refusals = {};
    // the start time of the newest request each stream had answered with success
    this.served = Object.fromEntries(STREAMS.map((s) => [s, 0]));
    this.minRemaining = Infinity;
    this.sockets = { disconnects: 0, reconnects: 0, joinsOk: 0, joinsFailed: 0, leaves: 0 };
    this.watchers = [];
    this.viewers = [];
    this.seq = { chat: 0, hearts: 0, claims: 0, votes: 0, heartBatch: new Map() };
  }

  token(sub) {
    if (!this.tokens.has(sub)) this.tokens.set(sub, jwt.sign({ sub, name: sub, roles: ['viewer'] }, this.platform.secret, { expiresIn: '6h' }));
    return this.tokens.get(sub);
  }

  error(kind, what) {
    this.clientErrors.total += 1;
    const k = `${kind} ${what}`;
    this.clientErrors.byKind[k] = (this.clientErrors.byKind[k] ?? 0) + 1;
  }

  /** POST with a viewer token; 5xx, timeouts and connection errors are client errors, 4xx refusals */
  async post(kind, app, path, sub, body) {
    const started = Date.now();
    const urls = this.platform.procs.get(app).map((h) => h.url);
    const first = this.seq[kind] % urls.length;
    for (let i = 0; i < urls.length; i++) {
      try {
        const res = await fetch(`${urls[(first + i) % urls.length]}${path}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${this.token(sub)}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(5_000),
        });
        const json = await res.json().catch(() => ({}));
        if (res.status >= 500) this.error(kind, res.status);
        else if (res.status >= 400) this.refusals[`${kind} ${res.status} ${json.code ?? ''}`.trim()] = (this.refusals[`${kind} ${res.status} ${json.code ?? ''}`.trim()] ?? 0) + 1;
        else this.served[kind] = Math.max(this.served[kind], started);
        return { status: res.status, json };
      } catch (err) {
        const code = err.cause?.code ?? err.name;
        // nothing was sent over a refused connection: the next replica may take it
        if (code === 'ECONNREFUSED' && i < urls.length - 1) continue;
        this.error(kind, code);
        return { status: code, json: {} };
      }
    }
    return { status: 'none', json: {} };
  }

  track(promise) {
    this.inFlight.add(promise);
    promise.finally(() => this.inFlight.delete(promise));
  }

  every(perSec, fn) {
    if (perSec <= 0) return;
    this.timers.push(setInterval(() => this.track(fn()), 1000 / perSec));
  }

  async chat() {
    const n = this.seq.chat++;
    const sub = `chaos-${this.tag}-c${n % Math.max(10, this.rates.chat * 4)}`;
    this.told.chatAttempts += 1;
    const r = await this.post('chat', 'message-api', `/v1/broadcasts/${this.show.id}/messages`, sub, { clientMessageId: randomUUID(), text: `line ${n}` });
    if (r.status === 202) this.told.chat.add(r.json.messageId);
  }

  async hearts() {
    const n = this.seq.hearts++;
    const sub = `chaos-${this.tag}-h${n % Math.max(20, this.rates.hearts * 10)}`;
    const b = (this.seq.heartBatch.get(sub) ?? 0) + 1;
    this.seq.heartBatch.set(sub, b);
    const r = await this.post('hearts', 'burst-api', `/v1/broadcasts/${this.show.id}/hearts`, sub, { batchId: `b${b}`, taps: [0, 200, 400] });
    if (r.status === 200) {
      this.told.heartBatches += 1;
      this.told.heartsAccepted += r.json.accepted;
    }
  }

  async claims() {
    const n = this.seq.claims++;
    const r = await this.post('claims', 'burst-api', `/v1/broadcasts/${this.show.id}/coupons/${this.show.couponId}/claims`, `chaos-${this.tag}-k${n % this.boundedUsers}`, {});
    if (r.status === 201) {
      this.told.claims.set(r.json.claimId, r.json.remaining);
      this.minRemaining = Math.min(this.minRemaining, r.json.remaining);
    } else if (r.json.code === 'SOLD_OUT') {
      // sold out: an answer, so the stream is served
      this.served.claims = Math.max(this.served.claims, Date.now() - 1);
    }
  }

  async votes() {
    const n = this.seq.votes++;
    const r = await this.post('votes', 'burst-api', `/v1/broadcasts/${this.show.id}/polls/${this.show.pollId}/votes`, `chaos-${this.tag}-v${n % this.boundedUsers}`, { option: n % 3 });
    if (r.status === 201) this.told.votes.add(r.json.voteId);
  }

  socket(i, onConnect) {
    const gateways = this.platform.procs.get('ws-gateway');
    const s = io(gateways[i % gateways.length].url, { transports: ['websocket'], auth: { token: this.token(`chaos-${this.tag}-w${i}`) }, reconnectionDelayMax: 2_000 });
    let connectedOnce = false;
    s.on('connect', () => {
      if (connectedOnce) this.sockets.reconnects += 1;
      connectedOnce = true;
      onConnect(s);
    });
    s.on('disconnect', (reason) => {
      if (reason === 'io client disconnect') return; // our own close()
      this.sockets.disconnects += 1;
      // a server that closes the socket on purpose (drain on SIGTERM): the client comes back itself
      if (reason === 'io server disconnect') setTimeout(() => s.connect(), 500);
    });
    return s;
  }

  async join(s, lastSeq) {
    const started = Date.now();
    try {
      const ack = await s.timeout(5_000).emitWithAck('join', lastSeq ? { broadcastId: this.show.id, lastSeq } : { broadcastId: this.show.id });
      if (ack.ok) {
        this.sockets.joinsOk += 1;
        this.served.join = Math.max(this.served.join, started);
      } else {
        this.sockets.joinsFailed += 1;
        this.error('join', ack.code);
      }
      return ack;
    } catch {
      this.sockets.joinsFailed += 1;
      this.error('join', 'timeout');
      return { ok: false };
    }
  }

  start() {
    const r = this.rates;
    this.every(r.chat, () => this.chat());
    this.every(r.hearts, () => this.hearts());
    this.every(r.claims, () => this.claims());
    this.every(r.votes, () => this.votes());
    // two watchers (one per gateway) keep every chat line they get, and resync by lastSeq on reconnect
    for (let w = 0; w < 2; w++) {
      const watcher = { received: new Map(), lastSeq: undefined };
      const note = (line) => {
        watcher.received.set(line.messageId, (watcher.received.get(line.messageId) ?? 0) + 1);
        watcher.lastSeq = line.seq;
      };
      watcher.socket = this.socket(w, async (s) => {
        const ack = await this.join(s, watcher.lastSeq);
        for (const line of ack.missed?.lines ?? []) note(line);
      });
      watcher.socket.on('chat.batch', (b) => b.broadcastId === this.show.id && b.lines.forEach(note));
      this.watchers.push(watcher);
    }
    for (let v = 0; v < r.viewers; v++) this.viewers.push(this.socket(v + 2, (s) => this.track(this.join(s))));
    // churn: a viewer leaves the show and joins it again
    this.every(r.churnPerSec, async () => {
      const s = this.viewers[Math.floor(Math.random() * this.viewers.length)];
      if (!s?.connected) return;
      s.emit('leave', { broadcastId: this.show.id });
      this.sockets.leaves += 1;
      await this.join(s);
    });
  }

  /** every stream has had a success that started after `since` */
  servedSince(since) {
    return STREAMS.every((s) => this.served[s] >= since);
  }

  async stop() {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await Promise.allSettled([...this.inFlight]);
  }

  close() {
    for (const s of [...this.viewers, ...this.watchers.map((w) => w.socket)]) s.close();
  }

  /** chat lines a watcher got twice (allowed: clients dedupe by messageId) */
  deliveredTwice() {
    return this.watchers.reduce((n, w) => n + [...w.received.values()].filter((c) => c > 1).length, 0);
  }
}
