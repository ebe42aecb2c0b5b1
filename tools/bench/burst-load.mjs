// A load worker of the burst benchmark: open-loop heart batches (or coupon claims) at a rate
// that follows a schedule, over a bounded keep-alive pool; reports every answer's status and
// latency. Traffic goes to 127.0.0.1 only.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
process.on('disconnect', () => process.exit(0));
const jwt = require('jsonwebtoken');
const { Pool } = require('undici');
const { url, show, secret, users, userOffset, schedule, mode, couponId, runId } = JSON.parse(process.argv[2]);

// undici's pool: a keep-alive connection pool at a fraction of node:http's cost per request,
// so more of the shared cores are left to the servers under test
const pool = new Pool(url, { connections: 256, pipelining: 1 });
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

const latencies = [];
const statuses = {};
/** successful answers by the second they arrived in (since the schedule started) */
const perSecond = [];
let taps = 0;
let sent = 0;
let inFlight = 0;
let unsent = 0;
const batchSeq = new Array(users).fill(0);

async function one(i) {
  inFlight += 1;
  const u = i % users;
  let res;
  if (mode === 'claims') {
    res = await post(`/v1/broadcasts/${show}/coupons/${couponId}/claims`, tokens[u], '{}');
  } else {
    const n = 1 + (i % 10);
    const list = Array.from({ length: n }, (_, k) => k * 100);
    res = await post(`/v1/broadcasts/${show}/hearts`, tokens[u], JSON.stringify({ batchId: `b${batchSeq[u]++}`, taps: list }));
    if (res.status === 200) taps += n;
  }
  statuses[res.status] = (statuses[res.status] ?? 0) + 1;
  if (res.status === 200 || res.status === 201) {
    const second = Math.floor((Date.now() - started) / 1000);
    perSecond[second] = (perSecond[second] ?? 0) + 1;
  }
  latencies.push(res.ms);
  inFlight -= 1;
}

// schedule: [{ seconds, rate }]; the due count integrates the rate over time
const started = Date.now();
const segments = [];
let t = 0;
for (const s of schedule) {
  segments.push({ from: t, to: t + s.seconds * 1000, rate: s.rate });
  t += s.seconds * 1000;
}
const dueAt = (ms) => segments.reduce((n, s) => n + Math.max(0, Math.min(ms, s.to) - s.from) * (s.rate / 1000), 0);
await new Promise((resolve) => {
  const tick = setInterval(() => {
    const now = Date.now() - started;
    const due = Math.floor(dueAt(Math.min(now, t)));
    // an open loop, but bounded: past 20,000 requests in flight the client, not the server, is measured
    while (sent < due && inFlight < 20_000) void one(sent++);
    // the schedule is over: stop issuing (what the server could not take is reported as
    // unsent), wait for what is in flight
    if (now >= t) {
      unsent = Math.max(0, due - sent);
      clearInterval(tick);
      const wait = setInterval(() => {
        if (inFlight === 0) {
          clearInterval(wait);
          resolve();
        }
      }, 20);
    }
  }, 2);
});
process.send({ statuses, perSecond: Array.from(perSecond, (n) => n ?? 0), latencies, taps, sent, unsent, seconds: (Date.now() - started) / 1000 }, () => process.exit(0));
