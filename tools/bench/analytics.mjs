#!/usr/bin/env node
// npm run bench:analytics -- mixed events (chat, sampling, hearts, claims, votes, presence)
// across many shows through the real broker into analytics; measures the lag from producing
// an event to the first `stats.tick` (through ws-gateway, on an admin socket) that includes
// it, then checks the final report of every show against the input counts. Starts what it
// needs (its own database, Redis phase and topic prefix) and writes
// bench/results/analytics.json. Traffic goes to 127.0.0.1 only.
//
// Settings (env): BENCH_RATE (events/s, 10000), BENCH_SHOWS (20), BENCH_SECONDS (60).
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { benchRun, num, percentile, sleep, writeResult } from './lib.mjs';
import { usage } from '../lib/usage.mjs';
import { kafkajs } from '../lib/kafkajs.mjs';

usage(import.meta.url);

const require = createRequire(import.meta.url);
const jwt = require('jsonwebtoken');
const Redis = require('ioredis');
const { Kafka, logLevel } = await kafkajs();
const { io } = require('socket.io-client');

const params = { eventsPerSec: num('BENCH_RATE', 10_000), shows: num('BENCH_SHOWS', 20), seconds: num('BENCH_SECONDS', 60) };
const { runId, secret, env, log, apps, startApp, prepare, cleanUp } = benchRun('analytics');
const TICK_MS = 20;
const TAPS = 3;
const SAMPLED_LINES = 5;

// what each kind of event adds to the tick's totals, and how many of them a tick shows
const kinds = [
  { name: 'chat', topic: 'chat.message.accepted.v1', share: 0.25, seen: (t) => t.chatsAccepted },
  { name: 'sampled', topic: 'chat.window.sampled.v1', share: 0.05, seen: (t) => (t.chatsShown + t.chatsSuppressed) / SAMPLED_LINES },
  { name: 'hearts', topic: 'burst.hearts.tapped.v1', share: 0.4, seen: (t) => t.hearts / TAPS },
  { name: 'claim', topic: 'burst.coupon.claimed.v1', share: 0.1, seen: (t) => t.couponClaims },
  { name: 'vote', topic: 'burst.poll.voted.v1', share: 0.1, seen: (t) => t.pollVotes },
  { name: 'presence', topic: 'presence.viewer.changed.v1', share: 0.1, seen: (t) => t.viewersJoined + t.viewersLeft },
];

function event(kind, show, state) {
  const now = new Date().toISOString();
  const base = { eventId: randomUUID(), occurredAt: now, broadcastId: show.id };
  const user = `u${Math.floor(Math.random() * 500)}`;
  switch (kind.name) {
    case 'chat':
      return { ...base, messageId: randomUUID(), clientMessageId: randomUUID(), userId: user, userName: user, roles: ['viewer'], text: 'wow', acceptedAt: now };
    case 'sampled': {
      const ids = Array.from({ length: SAMPLED_LINES }, () => randomUUID());
      return { ...base, shown: ids.slice(0, 3), suppressed: ids.slice(3) };
    }
    case 'hearts':
      return { ...base, userId: user, batchId: randomUUID().slice(0, 12), taps: [1000, 1500, 2000].map((t) => t + state.seconds * 1000), totalAfter: 0 };
    case 'claim':
      return { ...base, claimId: randomUUID(), couponId: show.coupon, userId: user, ordinal: 1, remaining: 0 };
    case 'vote':
      return { ...base, voteId: randomUUID(), pollId: show.poll, userId: user, option: Math.floor(Math.random() * 3) };
    default: {
      // join three times for every two leaves: concurrency grows, leaves only of who joined
      const leave = show.viewers.length > 0 && Math.random() < 0.4;
      const viewerId = leave ? show.viewers.pop() : `v-${randomUUID().slice(0, 8)}`;
      if (!leave) show.viewers.push(viewerId);
      return { ...base, viewerId, change: leave ? 'left' : 'joined', gatewayId: 'bench' };
    }
  }
}

async function main() {
  log(`run ${runId}: ${JSON.stringify(params)}`);
  await prepare(['analytics', 'ws-gateway'], ['analytics']);
  const analytics = await startApp('analytics');
  const gateway = await startApp('ws-gateway');
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');

  const shows = Array.from({ length: params.shows }, () => ({ id: randomUUID(), coupon: randomUUID(), poll: randomUUID(), viewers: [], produced: new Map(), included: new Map() }));
  for (const show of shows) for (const k of kinds) {
    show.produced.set(k.name, []); // production times not yet seen in a tick, oldest first
    show.included.set(k.name, 0);
  }
  const byId = new Map(shows.map((s) => [s.id, s]));
  const sent = new Map(shows.map((s) => [s.id, Object.fromEntries(kinds.map((k) => [k.name, 0]))]));
  const lags = [];
  let ticks = 0;

  const admin = jwt.sign({ sub: 'bench-admin', roles: ['admin'] }, secret, { algorithm: 'HS256', expiresIn: '1h' });
  const socket = io(gateway.url, { auth: { token: admin }, transports: ['websocket'] });
  await new Promise((resolve, reject) => socket.once('connect', resolve).once('connect_error', reject));
  socket.on('stats.tick', (tick) => {
    const received = Date.now();
    const show = byId.get(tick.broadcastId);
    if (!show) return;
    ticks += 1;
    for (const k of kinds) {
      const seen = Math.floor(k.seen(tick.totals));
      const fresh = seen - show.included.get(k.name);
      if (fresh <= 0) continue;
      show.included.set(k.name, seen);
      for (const producedAt of show.produced.get(k.name).splice(0, fresh)) lags.push(received - producedAt);
    }
  });
  for (const show of shows) {
    const ack = await socket.timeout(10_000).emitWithAck('stats.join', { broadcastId: show.id });
    if (!ack.ok) throw new Error(`stats.join refused: ${JSON.stringify(ack)}`);
  }

  const producer = new Kafka({ brokers: (env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','), logLevel: logLevel.NOTHING }).producer();
  await producer.connect();
  log(`producing ${params.eventsPerSec} events/s across ${params.shows} shows for ${params.seconds} s`);
  const started = Date.now();
  let produced = 0;
  let inFlight = 0;
  const state = { seconds: 0 };
  while (Date.now() - started < params.seconds * 1000) {
    const elapsed = Date.now() - started;
    state.seconds = Math.floor(elapsed / 1000);
    const due = Math.floor((elapsed / 1000) * params.eventsPerSec) - produced;
    if (due > 0 && inFlight < 20) {
      const perTopic = new Map(kinds.map((k) => [k.topic, []]));
      const now = Date.now();
      for (let i = 0; i < due; i++) {
        const r = Math.random();
        let acc = 0;
        const kind = kinds.find((k) => (acc += k.share) >= r) ?? kinds[0];
        const show = shows[(produced + i) % shows.length];
        perTopic.get(kind.topic).push({ key: show.id, value: JSON.stringify(event(kind, show, state)) });
        show.produced.get(kind.name).push(now);
        sent.get(show.id)[kind.name] += 1;
      }
      produced += due;
      inFlight += 1;
      producer
        .sendBatch({ topicMessages: [...perTopic].filter(([, m]) => m.length).map(([topic, messages]) => ({ topic: `${env.KAFKA_TOPIC_PREFIX}${topic}`, messages })) })
        .catch((err) => log(`send failed: ${err.message}`))
        .finally(() => (inFlight -= 1));
    }
    if (state.seconds !== state.logged && state.seconds % 10 === 0) {
      state.logged = state.seconds;
      log(`${state.seconds} s: ${produced} produced, ${lags.length} seen in ticks, ${ticks} ticks`);
    }
    await sleep(TICK_MS);
  }
  const producingSeconds = (Date.now() - started) / 1000;
  while (inFlight > 0) await sleep(20);
  log(`produced ${produced} in ${producingSeconds.toFixed(1)} s; waiting for the last ticks`);
  for (let i = 0; i < 300 && lags.length < produced; i++) await sleep(100);
  const allSeenAt = (Date.now() - started) / 1000;

  // exact: each show's report equals what was sent
  const reports = await Promise.all(
    shows.map((s) => fetch(`${analytics.url}/v1/broadcasts/${s.id}/report`, { headers: { authorization: `Bearer ${admin}` } }).then((r) => r.json())),
  );
  const mismatches = [];
  shows.forEach((s, i) => {
    const t = reports[i].totals;
    const want = sent.get(s.id);
    const got = Object.fromEntries(kinds.map((k) => [k.name, k.seen(t)]));
    const events = Object.values(want).reduce((a, b) => a + b, 0);
    if (kinds.some((k) => got[k.name] !== want[k.name]) || t.events !== events) mismatches.push({ show: s.id, want, got, events: t.events });
  });
  lags.sort((a, b) => a - b);
  const result = {
    lagMs: { p50: percentile(lags, 50), p95: percentile(lags, 95), p99: percentile(lags, 99), max: lags[lags.length - 1] ?? null },
    exact: mismatches.length === 0 && lags.length === produced,
    eventsPerSecSustained: Math.round(produced / Math.max(producingSeconds, allSeenAt - 0)),
    eventsProduced: produced,
    eventsSeenInTicks: lags.length,
    ticks,
    mismatches: mismatches.slice(0, 3),
  };
  log(`result: ${JSON.stringify(result)}`);
  writeResult('analytics', {
    params,
    result,
  });

  socket.close();
  await producer.disconnect();
  await cleanUp(redis);
  redis.disconnect();
  process.exit(result.exact ? 0 : 1);
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    for (const a of apps) a.child.kill('SIGKILL');
    process.exit(130);
  });
}

main().catch((err) => {
  console.error(`[bench:analytics] failed: ${err.stack ?? err}`);
  for (const a of apps) a.child.kill('SIGKILL');
  process.exit(1);
});
