// A load worker of the burst benchmark: open-loop heart batches (or coupon claims) at a rate
// that follows a schedule; reports every answer's status and latency. Traffic goes to
// 127.0.0.1 only.
//
// Heart batches come from honest clients, as the viewer SDK sends them: a viewer has at most
// one batch open (the next waits for the answer; one due meanwhile is `held`), its taps are
// video positions moving with the show (the last second before now), and it sends over
// burst-api's socket (transport `socket`, one connection per viewer, the token verified when
// it connects), over burst-api's plain websocket (transport `ws`, `/v1/ws`: the same events
// without socket.io's packet layers; tools/bench/lean-ws.mjs's client, which costs the shared
// cores less a message than ws's) or over HTTP (transport `http`, an undici keep-alive
// pool). Coupon claimers use the same transport: `coupon.claim` over their own socket (as the
// SDK claims when it is up), or POST /claims.
//
// Protocol with the parent: setup (tokens, sockets), then `{ ready: true }`; the parent sends
// `{ go: <epoch ms> }` to every worker and the schedule starts at that moment in all of them.
import { createRequire } from 'node:module';
import { PerformanceObserver, constants } from 'node:perf_hooks';
import { connectLean } from './lean-ws.mjs';
import { openLoop } from './open-loop.mjs';

const require = createRequire(import.meta.url);
process.on('disconnect', () => process.exit(0));
const jwt = require('jsonwebtoken');
const { Pool } = require('undici');
const { io } = require('socket.io-client');
const setup = JSON.parse(process.argv[2]);
const { url, show, secret, users, userOffset, schedule, mode, runId, transport, startedAt } = setup;
/** the coupon claimed: the setup's, or each `go`'s own (one audience, several drops) */
let { couponId } = setup;
const useSocket = transport === 'socket';
const useWs = transport === 'ws';

// undici's pool: a keep-alive connection pool at a fraction of node:http's cost per request,
// so more of the shared cores are left to the servers under test
const pool = useSocket || useWs ? null : new Pool(url, { connections: 256, pipelining: 1 });
const tokens = Array.from({ length: users }, (_, i) =>
  jwt.sign({ sub: `bench-${runId}-u${userOffset + i}`, roles: ['viewer'] }, secret, { algorithm: 'HS256', expiresIn: '1h' }),
);

async function post(path, token, body) {
  const started = performance.now();
  try {
    const res = await pool.request({ path, method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body });
    const text = await res.body.text();
    return { status: res.statusCode, ms: performance.now() - started, text };
  } catch (err) {
    return { status: err.code ?? 'error', ms: performance.now() - started };
  }
}

// one socket per viewer, connected before the schedule starts (a few hundred at a time)
const sockets = [];
if (useSocket) {
  for (let from = 0; from < users; from += 250) {
    await Promise.all(
      tokens.slice(from, from + 250).map(
        (token, k) =>
          new Promise((resolve, reject) => {
            const s = io(url, { transports: ['websocket'], auth: { token }, forceNew: true, reconnection: false });
            sockets[from + k] = s;
            s.once('connect', resolve);
            s.once('connect_error', reject);
          }),
      ),
    );
  }
}

// or one plain websocket per viewer: frames `{ id, event, data }`, answers `{ id, ...ack }`
const pending = new Map();
let nextId = 1;
if (useWs) {
  // an answer not back in 60 s is a timeout: one sweep a second, not a timer per message (the
  // load processes share the cores with the servers they measure)
  setInterval(() => {
    const now = performance.now();
    for (const [id, waiting] of pending) {
      if (now - waiting.started < 60_000) break; // in the order sent
      pending.delete(id);
      waiting.resolve({ status: 'timeout', ms: now - waiting.started });
    }
  }, 1_000).unref();
  const wsUrl = `${url.replace(/^http/, 'ws')}/v1/ws`;
  const onText = (text) => {
    const ack = JSON.parse(text);
    const waiting = pending.get(ack.id);
    if (waiting) {
      pending.delete(ack.id);
      waiting.done(ack);
    }
  };
  for (let from = 0; from < users; from += 250) {
    const opened = await Promise.all(tokens.slice(from, from + 250).map((token) => connectLean(wsUrl, ['burst.v1', token], { onText })));
    opened.forEach((s, k) => (sockets[from + k] = s));
  }
}

function emit(u, event, message, okStatus) {
  const started = performance.now();
  if (useWs) {
    return new Promise((resolve) => {
      const id = nextId++;
      pending.set(id, { started, resolve, done: (ack) => resolve({ status: ack.ok ? okStatus : ack.code, ms: performance.now() - started }) });
      sockets[u].send(JSON.stringify({ id, event, data: message }));
    });
  }
  return new Promise((resolve) => {
    sockets[u].timeout(60_000).emit(event, message, (err, ack) => {
      const ms = performance.now() - started;
      if (err) resolve({ status: 'timeout', ms });
      else resolve({ status: ack.ok ? okStatus : ack.code, ms });
    });
  });
}

/** one schedule's results (a `go`): each message's status and latency, and when it was sent */
function newRound() {
  return {
    latencies: [],
    /** when each message of `latencies` was sent (epoch ms, same order) */
    sentAt: [],
    statuses: {},
    /** successful answers by the second they arrived in (since the schedule started) */
    perSecond: [],
    taps: 0,
    held: 0,
    /** when the last answer came (epoch ms) */
    lastAnswer: 0,
    /** this process's scavenges while the schedule ran: an answer that comes during one is timed late by its length */
    gc: { scavenges: 0, pausedMs: 0, maxMs: 0, over50ms: 0 },
  };
}
let round = newRound();
let scheduleRunning = false;
new PerformanceObserver((list) => {
  if (!scheduleRunning) return;
  for (const e of list.getEntries()) {
    if (e.detail?.kind !== constants.NODE_PERFORMANCE_GC_MINOR) continue;
    const gc = round.gc;
    gc.scavenges += 1;
    gc.pausedMs += e.duration;
    gc.maxMs = Math.max(gc.maxMs, e.duration);
    if (e.duration > 50) gc.over50ms += 1;
  }
}).observe({ entryTypes: ['gc'] });
const batchSeq = new Array(users).fill(0);
const open = new Uint8Array(users);
let started = 0;

async function one(i) {
  const u = i % users;
  let res;
  if (mode === 'claims') {
    res = useSocket || useWs
      ? await emit(u, 'coupon.claim', { broadcastId: show, couponId }, 201)
      : await post(`/v1/broadcasts/${show}/coupons/${couponId}/claims`, tokens[u], '{}');
  } else {
    if (open[u]) {
      round.held += 1; // this viewer's last batch is unanswered: an honest client waits
      return;
    }
    open[u] = 1;
    // 1-10 taps over the last second of the show, as a player stamps them
    const n = 1 + (i % 10);
    const now = Math.max(1_000, Date.now() - startedAt);
    const list = Array.from({ length: n }, (_, k) => now - 1_000 + Math.floor(((k + 1) * 1_000) / n));
    const batchId = `b${batchSeq[u]++}`;
    res = useSocket || useWs
      ? await emit(u, 'hearts.batch', { broadcastId: show, batchId, taps: list }, 200)
      : await post(`/v1/broadcasts/${show}/hearts`, tokens[u], JSON.stringify({ batchId, taps: list }));
    open[u] = 0;
    if (res.status === 200) round.taps += n;
  }
  const now = Date.now();
  round.statuses[res.status] = (round.statuses[res.status] ?? 0) + 1;
  if (res.status === 200 || res.status === 201) {
    const second = Math.floor((now - started) / 1000);
    round.perSecond[second] = (round.perSecond[second] ?? 0) + 1;
  }
  round.latencies.push(res.ms);
  round.sentAt.push(Math.round(now - res.ms));
  round.lastAnswer = now;
}

// `{ go: <epoch ms>, couponId? }` runs the schedule (again, on the same connections: a show's
// audience takes part in every drop); the sockets stay open until the bench says `close` (after
// the phase they share the cores with): a viewer who claimed a coupon stays in the show, and a
// phase's time and CPU are its messages', not the teardown of thousands of connections (measured
// as part of the phase until round 4 of #17; the claimers of the mid-spike drop closed theirs
// while the heart spike was still held until round 5)
process.on('message', async (m) => {
  if (m.close) {
    for (const s of sockets) s.close();
    process.exit(0);
  }
  if (!m.go) return;
  if (m.couponId) couponId = m.couponId;
  round = newRound();
  started = m.go;
  await new Promise((r) => setTimeout(r, Math.max(0, m.go - Date.now())));
  scheduleRunning = true;
  // an open loop, bounded: past 20,000 requests in flight the client, not the server, is measured
  const { sent, unsent } = await openLoop(schedule, one, { maxInFlight: 20_000, started });
  scheduleRunning = false;
  // to the last answer, not to when the open loop noticed that nothing is in flight (it looks every 20 ms)
  const seconds = (Math.max(round.lastAnswer, started) - started) / 1000;
  const { latencies, sentAt, statuses, perSecond, taps, held, gc } = round;
  process.send({ statuses, perSecond: Array.from(perSecond, (n) => n ?? 0), latencies, sentAt, taps, sent, unsent, held, started, seconds, gc });
});
process.send({ ready: true });
