// A load worker of the burst benchmark: open-loop heart batches (or coupon claims) at a rate
// that follows a schedule, over a bounded keep-alive pool; reports every answer's status and
// latency. Traffic goes to 127.0.0.1 only.
import { createRequire } from 'node:module';
import { openLoop } from './open-loop.mjs';

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
const started = Date.now();
const batchSeq = new Array(users).fill(0);

async function one(i) {
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
}

// an open loop, bounded: past 20,000 requests in flight the client, not the server, is measured
const { sent, unsent } = await openLoop(schedule, one, { maxInFlight: 20_000, started });
process.send({ statuses, perSecond: Array.from(perSecond, (n) => n ?? 0), latencies, taps, sent, unsent, seconds: (Date.now() - started) / 1000 }, () => process.exit(0));
