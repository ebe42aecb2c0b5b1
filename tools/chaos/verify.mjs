// After a fault: what the load generator was told, checked against where it must be.
//   chat     every 202'd messageId is in chat.messages (Postgres), and, if it was shown (not
//            left out by the display budget), was delivered to the watching sockets or comes
//            back in a resync (join with lastSeq 0-0)
//   hearts   accepted taps = burst-api's live total (Redis) = the flushed total after the end
//            (burst.hearts_totals) = analytics' hearts
//   claims   every 201 claimId is in burst.coupon_claims; stock never below zero; no user twice;
//            stored claims + remaining stock never above the coupon's total
//   votes    every 201 vote is in the tally (burst.poll_tallies after the end, analytics)
//   analytics totals equal the input (chats accepted, hearts, claims, votes)
// `lost` counts acknowledged effects missing at the end; `duplicates` effects counted more than
// once (more than acknowledged, where nothing unacknowledged could explain it is not claimed:
// an answer lost in a fault can leave an effect the client never heard of; those are `unacked`).
import { createRequire } from 'node:module';
import { sleep } from '../bench/lib.mjs';

const require = createRequire(import.meta.url);
const pg = require('pg');
const jwt = require('jsonwebtoken');
const { io } = require('socket.io-client');

async function query(platform, sql, params) {
  const client = new pg.Client({ connectionString: platform.env.DATABASE_URL });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows;
  } finally {
    await client.end();
  }
}

async function getJson(url, token) {
  try {
    const res = await fetch(url, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(5_000) });
    return res.status === 200 ? res.json() : undefined;
  } catch {
    return undefined;
  }
}

/** the lines a fresh socket gets back from a resync from the start of the show's chat log */
async function resync(platform, show) {
  const s = io(platform.url('ws-gateway'), { transports: ['websocket'] });
  try {
    await new Promise((resolve, reject) => s.once('connect', resolve).once('connect_error', reject));
    const ack = await s.timeout(10_000).emitWithAck('join', { broadcastId: show.id, lastSeq: '0-0' });
    return new Set((ack.missed?.lines ?? []).map((l) => l.messageId));
  } catch {
    return new Set();
  } finally {
    s.close();
  }
}

/** waits (up to `settleSeconds`) until the stores have caught up with what clients were told, ends the show, checks */
export async function verify(platform, load, { settleSeconds = 60 } = {}) {
  const { show, told } = load;
  const admin = jwt.sign({ sub: 'chaos-admin', roles: ['admin'] }, platform.secret, { expiresIn: '1h' });
  const analyticsReport = () => getJson(`${platform.url('analytics')}/v1/broadcasts/${show.id}/report`, admin);
  // message_id -> shown (the display budget may leave a line off screens; it is stored all the same)
  const storedChat = async () => new Map((await query(platform, 'SELECT message_id, shown FROM chat.messages WHERE broadcast_id = $1', [show.id])).map((r) => [r.message_id, r.shown]));
  const storedClaims = async () => query(platform, 'SELECT claim_id, user_id FROM burst.coupon_claims WHERE coupon_id = $1', [show.couponId]);

  // 1. settle: the consumers catch up (bounded: what is still missing then is lost)
  const deadline = Date.now() + settleSeconds * 1000;
  let chat;
  let claims;
  let report;
  let live;
  for (;;) {
    [chat, claims, report, live] = await Promise.all([
      storedChat().catch(() => new Map()),
      storedClaims().catch(() => []),
      analyticsReport(),
      getJson(`${platform.url('burst-api')}/v1/broadcasts/${show.id}/hearts`, admin),
    ]);
    const claimIds = new Set(claims.map((c) => c.claim_id));
    const t = report?.totals;
    const caughtUp =
      [...told.chat].every((id) => chat.has(id)) &&
      [...told.claims.keys()].every((id) => claimIds.has(id)) &&
      t && t.chatsAccepted >= told.chat.size && t.hearts >= told.heartsAccepted && t.couponClaims >= told.claims.size && t.pollVotes >= told.votes.size;
    if (caughtUp || Date.now() > deadline) break;
    await sleep(1_000);
  }
  const liveHearts = live?.total ?? null;

  // 2. end the show: burst-api flushes its counters to Postgres
  await show.end().catch(() => undefined);
  let flushed;
  for (let i = 0; i < settleSeconds && !flushed; i++) {
    flushed = (await query(platform, 'SELECT 1 FROM burst.show_flushes WHERE broadcast_id = $1', [show.id]).catch(() => []))[0];
    if (!flushed) await sleep(1_000);
  }
  const [heartsRow] = await query(platform, 'SELECT total FROM burst.hearts_totals WHERE broadcast_id = $1', [show.id]);
  const [stockRow] = await query(platform, 'SELECT remaining, claimed FROM burst.coupon_stock WHERE coupon_id = $1', [show.couponId]);
  const [tallyRow] = await query(platform, 'SELECT COALESCE(SUM(votes), 0)::int AS votes FROM burst.poll_tallies WHERE poll_id = $1', [show.pollId]);
  report = (await analyticsReport()) ?? report;
  const t = report?.totals ?? {};

  // 3. compare
  const delivered = new Set(load.watchers.flatMap((w) => [...w.received.keys()]));
  const recoverable = await resync(platform, show);
  const claimIds = new Set(claims.map((c) => c.claim_id));
  const users = claims.map((c) => c.user_id);
  const flushedHearts = heartsRow ? Number(heartsRow.total) : null;
  const tallied = tallyRow?.votes ?? 0;
  const missing = (n, have) => Math.max(0, n - (have ?? 0));
  const over = (n, have) => Math.max(0, (have ?? 0) - n);

  const lost = {
    chatNotStored: [...told.chat].filter((id) => !chat.has(id)).length,
    // a line the display budget suppressed is not sent to screens by design
    chatShownNotDeliveredNorResyncable: [...told.chat].filter((id) => chat.get(id) === true && !delivered.has(id) && !recoverable.has(id)).length,
    heartsLive: missing(told.heartsAccepted, liveHearts),
    heartsFlushed: missing(told.heartsAccepted, flushedHearts),
    heartsAnalytics: missing(told.heartsAccepted, t.hearts),
    claimsNotStored: [...told.claims.keys()].filter((id) => !claimIds.has(id)).length,
    votesTallied: missing(told.votes.size, tallied),
    chatAnalytics: missing(told.chat.size, t.chatsAccepted),
    claimsAnalytics: missing(told.claims.size, t.couponClaims),
    votesAnalytics: missing(told.votes.size, t.pollVotes),
  };
  const duplicates = {
    claimsSameUser: users.length - new Set(users).size,
    chatRowsVsDistinct: 0, // message_id is the primary key: a second insert cannot happen
    // a unit of stock both given back (remaining) and claimed (a stored claim): claims + remaining > total
    stockGivenBackButClaimed: stockRow ? Math.max(0, claims.length + stockRow.remaining - show.couponStock) : 0,
  };
  // more counted than acknowledged: an effect whose answer the client never got, or a double count
  const unacked = {
    chatStored: Math.max(0, chat.size - told.chat.size),
    heartsLive: over(told.heartsAccepted, liveHearts),
    heartsFlushed: over(told.heartsAccepted, flushedHearts),
    heartsAnalytics: over(told.heartsAccepted, t.hearts),
    claimsStored: Math.max(0, claimIds.size - told.claims.size),
    votesTallied: over(told.votes.size, tallied),
    chatAnalytics: over(told.chat.size, t.chatsAccepted),
    // a claim or vote whose publish timed out is given back (503) but may be in the log all the same
    claimsAnalytics: over(told.claims.size, t.couponClaims),
    votesAnalytics: over(told.votes.size, t.pollVotes),
  };
  const stock = {
    minRemainingTold: Number.isFinite(load.minRemaining) ? load.minRemaining : null,
    remainingFlushed: stockRow?.remaining ?? null,
    claimedFlushed: stockRow?.claimed ?? null,
    stored: claimIds.size,
    total: show.couponStock,
  };
  const stockViolation = (stock.minRemainingTold ?? 0) < 0 || (stock.remainingFlushed ?? 0) < 0 || claimIds.size > show.couponStock;
  // (claims + remaining > total is counted in duplicates.stockGivenBackButClaimed)
  return {
    told: { chat: told.chat.size, heartsAccepted: told.heartsAccepted, heartBatches: told.heartBatches, claims: told.claims.size, votes: told.votes.size },
    found: { chatStored: chat.size, chatSuppressed: [...chat.values()].filter((shown) => !shown).length, heartsLive: liveHearts, heartsFlushed: flushedHearts, heartsAnalytics: t.hearts ?? null, claimsStored: claimIds.size, votesTallied: tallied, analytics: t },
    lost,
    lostTotal: Object.values(lost).reduce((a, b) => a + b, 0),
    duplicates,
    duplicatesTotal: Object.values(duplicates).reduce((a, b) => a + b, 0) + (stockViolation ? 1 : 0),
    unacked,
    stock,
    stockViolation,
    flushed: Boolean(flushed),
    deliveredTwice: load.deliveredTwice(),
  };
}
