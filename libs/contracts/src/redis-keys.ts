/**
 * Every Redis key is built here: `live|<phase>|<entity>:<id>:<field>`. The phase (dev, test,
 * prod, or one value per test run) keeps environments sharing a Redis from seeing each
 * other's data.
 */
const PHASE = /^[a-z0-9][a-z0-9_-]{0,39}$/;

export function assertPhase(phase: string): string {
  if (!PHASE.test(phase)) {
    throw new Error(`invalid Redis phase "${phase}": lower-case letters, digits, '-' and '_', at most 40`);
  }
  return phase;
}

export function redisKeys(phase: string) {
  const p = `live|${assertPhase(phase)}|`;
  const key = (entity: string, id: string, field: string) => `${p}${entity}:${id}:${field}`;
  return {
    prefix: p,
    /** Everything of this phase, for tests that clean up after themselves. */
    pattern: `${p}*`,
    broadcast: {
      status: (broadcastId: string) => key('broadcast', broadcastId, 'status'),
      /** stream of shown lines (id = the line's seq): join snapshots and reconnect resync */
      chatLog: (broadcastId: string) => key('broadcast', broadcastId, 'chat-log'),
      /** hash: slowModeSeconds, displayBudgetPerSecond */
      chatSettings: (broadcastId: string) => key('broadcast', broadcastId, 'chat-settings'),
      /** hash gatewayId -> `<count>:<epoch ms>`: concurrent viewers per gateway process */
      viewers: (broadcastId: string) => key('broadcast', broadcastId, 'viewers'),
      chatCount: (broadcastId: string) => key('broadcast', broadcastId, 'chat-count'),
      /** the owning seller's user id (who may watch the show's live stats) */
      seller: (broadcastId: string) => key('broadcast', broadcastId, 'seller'),
      /** epoch ms the show went live (video position 0 of heart taps) */
      startedAt: (broadcastId: string) => key('broadcast', broadcastId, 'started-at'),
      /** sets of the coupon and poll ids burst-api saw for the show (what the end flush covers) */
      coupons: (broadcastId: string) => key('broadcast', broadcastId, 'coupons'),
      polls: (broadcastId: string) => key('broadcast', broadcastId, 'polls'),
      /** the show's heart total (INCRBY) */
      hearts: (broadcastId: string) => key('broadcast', broadcastId, 'hearts'),
      /** sorted set userId -> taps: the tappers' ranking */
      heartsRank: (broadcastId: string) => key('broadcast', broadcastId, 'hearts-rank'),
      /** hash `<userId>/<batchId>` -> `<totalAfter>|<epoch ms>|<taps,...>`: counted batches not yet in the analytics log */
      heartsUnlogged: (broadcastId: string) => key('broadcast', broadcastId, 'hearts-unlogged'),
      /** hash userId -> implausible batches in the current minute (anti-cheat throttle) */
      heartsStrikes: (broadcastId: string) => key('broadcast', broadcastId, 'hearts-strikes'),
      /** hash userId -> ban expiry (epoch ms, 0 = no end) for one show */
      bans: (broadcastId: string) => key('broadcast', broadcastId, 'bans'),
      /** hash overlay key -> Overlay JSON: what a late joiner gets in its snapshot */
      overlays: (broadcastId: string) => key('broadcast', broadcastId, 'overlays'),
    },
    coupon: {
      /** hash: broadcastId, exposed, remaining, perUser, validFrom, validUntil (ms) */
      state: (couponId: string) => key('coupon', couponId, 'state'),
      /** hash userId -> claims so far */
      claims: (couponId: string) => key('coupon', couponId, 'claims'),
    },
    poll: {
      /** hash: broadcastId, open (1/0), options (how many) */
      state: (pollId: string) => key('poll', pollId, 'state'),
      /** hash userId -> option voted */
      voters: (pollId: string) => key('poll', pollId, 'voters'),
      /** hash option index -> votes */
      tally: (pollId: string) => key('poll', pollId, 'tally'),
    },
    hearts: {
      /** the first answer to (show, user, batchId), kept an hour: a retried batch counts once */
      batch: (broadcastId: string, userId: string, batchId: string) => key('hearts-batch', `${broadcastId}/${userId}/${batchId}`, 'answer'),
    },
    analytics: {
      /** HyperLogLog of the viewer ids that joined the show's room */
      uniqueViewers: (broadcastId: string) => key('analytics', broadcastId, 'unique-viewers'),
    },
    chat: {
      /** token bucket of one viewer in one show */
      rate: (broadcastId: string, userId: string) => key('chat-rate', `${broadcastId}/${userId}`, 'bucket'),
      /** the first answer to (user, clientMessageId), kept 10 minutes */
      idempotency: (userId: string, clientMessageId: string) => key('chat-idem', `${userId}/${clientMessageId}`, 'answer'),
    },
    streamKey: {
      /** broadcastId of the show whose stream key hashes (sha256 hex) to `keyHash` (management-api's mirror) */
      broadcast: (keyHash: string) => key('stream-key', keyHash, 'broadcast'),
      /** the current key hash of a show, so a rotation can drop the old lookup */
      current: (broadcastId: string) => key('broadcast', broadcastId, 'stream-key-hash'),
    },
    /** hash userId -> ban expiry (epoch ms, 0 = no end) for every show */
    globalBans: () => key('platform', 'all', 'bans'),
    /** The socket.io Redis adapter's channel prefix, so phases do not hear each other. */
    socketIoChannel: () => `${p}socket.io`,
  };
}

export type RedisKeys = ReturnType<typeof redisKeys>;
