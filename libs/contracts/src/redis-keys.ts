/**
 * Every Redis key is built here: `live|<phase>|<entity>:<id>:<field>`. The phase (dev, test,
 * prod, or one value per test run) keeps environments sharing a Redis from seeing each
 * other's data.
 *
 * Redis Cluster: every key of a broadcast -- its own, its coupons', its polls', its heart
 * batches', its unique viewers -- carries the hash tag `{<broadcastId>}`, so it lives in one
 * hash slot and a Lua script or MULTI over one show never fails with CROSSSLOT. The show is
 * the unit of sharding: shows spread over the masters, one show stays on one. The tag comes
 * before any user-supplied part of the key (only the first `{...}` counts).
 * Not tagged on purpose: the per-viewer chat buckets and idempotency records (single-key
 * commands on the hottest write path, spread over all masters) and the platform-wide global
 * bans (one key, never inside a per-show script: see `Bans` in @live/management-bans).
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
  /** `<entity>:{<broadcastId>}:<rest>`: in the broadcast's hash slot */
  const tagged = (entity: string, broadcastId: string, rest: string) => {
    // an empty tag `{}` is ignored by Redis: the show's keys would scatter over the slots
    if (!broadcastId) throw new Error(`empty broadcast id in a ${entity} key`);
    return `${p}${entity}:{${broadcastId}}:${rest}`;
  };
  const show = (broadcastId: string, field: string) => tagged('broadcast', broadcastId, field);
  return {
    prefix: p,
    /** Everything of this phase, for tests that clean up after themselves. */
    pattern: `${p}*`,
    broadcast: {
      status: (broadcastId: string) => show(broadcastId, 'status'),
      /** stream of shown lines (id = the line's seq): join snapshots and reconnect resync */
      chatLog: (broadcastId: string) => show(broadcastId, 'chat-log'),
      /** hash messageId -> seq of the shown lines in the chat log: deletes without a scan */
      chatLogIndex: (broadcastId: string) => show(broadcastId, 'chat-log-index'),
      /** hash: slowModeSeconds, displayBudgetPerSecond */
      chatSettings: (broadcastId: string) => show(broadcastId, 'chat-settings'),
      /** hash gatewayId -> `<count>:<epoch ms>`: concurrent viewers per gateway process */
      viewers: (broadcastId: string) => show(broadcastId, 'viewers'),
      chatCount: (broadcastId: string) => show(broadcastId, 'chat-count'),
      /** the owning seller's user id (who may watch the show's live stats) */
      seller: (broadcastId: string) => show(broadcastId, 'seller'),
      /** epoch ms the show went live (video position 0 of heart taps) */
      startedAt: (broadcastId: string) => show(broadcastId, 'started-at'),
      /** sets of the coupon and poll ids burst-api saw for the show (what the end flush covers) */
      coupons: (broadcastId: string) => show(broadcastId, 'coupons'),
      polls: (broadcastId: string) => show(broadcastId, 'polls'),
      /** the show's heart total (INCRBY) */
      hearts: (broadcastId: string) => show(broadcastId, 'hearts'),
      /**
       * sorted set userId -> taps of every tapper: the ranking of a show first counted before
       * #17 round 12, which keeps it to its end (see heartsCounts and heartsTop)
       */
      heartsRank: (broadcastId: string) => show(broadcastId, 'hearts-rank'),
      /** hash userId -> taps: every tapper's count (what the show-end flush writes) */
      heartsCounts: (broadcastId: string) => show(broadcastId, 'hearts-counts'),
      /** sorted set userId -> taps of the top tappers only (HEARTS_TOP_KEPT): the ranking the summary reads */
      heartsTop: (broadcastId: string) => show(broadcastId, 'hearts-top'),
      /**
       * hash `<userId>/<batchId>` -> `<totalAfter>|<epoch ms>|<taps,...>`: counted batches not yet
       * in the analytics log, one hash per second they were counted in (`bucket` = epoch ms / 1000)
       */
      heartsUnlogged: (broadcastId: string, bucket: number) => show(broadcastId, `hearts-unlogged:${bucket}`),
      /** set of the buckets of heartsUnlogged that may hold batches */
      heartsUnloggedBuckets: (broadcastId: string) => show(broadcastId, 'hearts-unlogged-buckets'),
      /**
       * hash `<userId>/<batchId>` -> `<totalAfter>#<accepted>`: the first answer to each batch
       * counted in the hour `hour` (epoch ms / 3,600,000); a batch is looked up in its hour's, the
       * one before (a retried batch counts once for one to two hours) and the one after (a
       * replica whose clock is behind the one that counted it)
       */
      heartsAnswers: (broadcastId: string, hour: number) => show(broadcastId, `hearts-answers:${hour}`),
      /**
       * hash userId -> one viewer's pace across all their batches,
       * `<wall level>|<wall ms>|<video level>|<video ms>` (two leaky buckets of taps, one over wall
       * time, one over video positions); an entry unchanged for a minute counts as empty
       */
      heartsPace: (broadcastId: string) => show(broadcastId, 'hearts-pace'),
      /**
       * epoch ms until which the counting script also reads the per-batch keys of `hearts` below
       * (0: never): a show live when burst-api moved to heartsAnswers keeps its earlier answers
       */
      heartsLegacyUntil: (broadcastId: string) => show(broadcastId, 'hearts-legacy-until'),
      /** hash userId -> implausible batches in the current minute (anti-cheat throttle) */
      heartsStrikes: (broadcastId: string) => show(broadcastId, 'hearts-strikes'),
      /** hash userId -> ban expiry (epoch ms, 0 = no end) for one show */
      bans: (broadcastId: string) => show(broadcastId, 'bans'),
      /** hash overlay key -> Overlay JSON: what a late joiner gets in its snapshot */
      overlays: (broadcastId: string) => show(broadcastId, 'overlays'),
    },
    /** a coupon's keys sit in its broadcast's slot (the show-end flush reads and drops them with the show's) */
    coupon: {
      /** hash: broadcastId, exposed, remaining, perUser, validFrom, validUntil (ms) */
      state: (broadcastId: string, couponId: string) => tagged('coupon', broadcastId, `${couponId}:state`),
      /** hash userId -> claims so far */
      claims: (broadcastId: string, couponId: string) => tagged('coupon', broadcastId, `${couponId}:claims`),
      /** one viewer's claims over burst-api's socket in a show, in the current window: the socket path's rate limit (checked in the claim's script) */
      claimRate: (broadcastId: string, userId: string) => tagged('claim-rate', broadcastId, `${userId}:window`),
      /**
       * string `kept` | `void`: who decided a claim whose publish failed (burst-api gave the
       * stock back: `void`) or whose event was persisted or counted (the claims consumer or analytics: `kept`); first wins
       */
      claimFate: (broadcastId: string, claimId: string) => tagged('coupon', broadcastId, `claim:${claimId}:fate`),
    },
    /** a poll's keys sit in its broadcast's slot, like a coupon's */
    poll: {
      /** hash: broadcastId, open (1/0), options (how many) */
      state: (broadcastId: string, pollId: string) => tagged('poll', broadcastId, `${pollId}:state`),
      /** hash userId -> option voted */
      voters: (broadcastId: string, pollId: string) => tagged('poll', broadcastId, `${pollId}:voters`),
      /** hash option index -> votes */
      tally: (broadcastId: string, pollId: string) => tagged('poll', broadcastId, `${pollId}:tally`),
      /** string `kept` | `void`: a vote's fate, decided like a claim's (see coupon.claimFate) */
      voteFate: (broadcastId: string, voteId: string) => tagged('poll', broadcastId, `vote:${voteId}:fate`),
    },
    /**
     * Before heartsAnswers and heartsPace (one hash each per show), a key per batch and per
     * viewer. Written no more; read by the counting script during a show's first hour after
     * the upgrade (broadcast.heartsLegacyUntil), by these prefixes.
     */
    hearts: {
      /** the first answer to (show, user, batchId), kept an hour: `<prefix><userId>/<batchId>:answer` */
      batchPrefix: (broadcastId: string) => tagged('hearts-batch', broadcastId, ''),
      batch: (broadcastId: string, userId: string, batchId: string) => `${tagged('hearts-batch', broadcastId, '')}${userId}/${batchId}:answer`,
      /** one viewer's pace, kept a minute: `<prefix><userId>:pace` */
      pacePrefix: (broadcastId: string) => tagged('hearts-pace', broadcastId, ''),
      pace: (broadcastId: string, userId: string) => `${tagged('hearts-pace', broadcastId, '')}${userId}:pace`,
    },
    analytics: {
      /** HyperLogLog of the viewer ids that joined the show's room */
      uniqueViewers: (broadcastId: string) => tagged('analytics', broadcastId, 'unique-viewers'),
    },
    chat: {
      /** token bucket of one viewer in one show */
      rate: (broadcastId: string, userId: string) => key('chat-rate', `${broadcastId}/${userId}`, 'bucket'),
      /** the first answer to (user, clientMessageId), kept 10 minutes */
      idempotency: (userId: string, clientMessageId: string) => key('chat-idem', `${userId}/${clientMessageId}`, 'answer'),
    },
    streamKey: {
      /** broadcastId of the show whose stream key hashes (sha256 hex) to `keyHash` (management-api's mirror); looked up by hash alone, so in no show's slot */
      broadcast: (keyHash: string) => key('stream-key', keyHash, 'broadcast'),
      /**
       * hash broadcastId -> current key hash of every show that may push (not ended): what
       * encoder-orchestrator opens SRT listeners for, read in one HGETALL instead of a scan of
       * every key. Platform-wide, so in no show's slot.
       */
      pushable: () => key('stream-key', 'all', 'pushable'),
      /** the current key hash of a show, so a rotation can drop the old lookup */
      current: (broadcastId: string) => show(broadcastId, 'stream-key-hash'),
      /**
       * hash broadcastId -> `<port>:<ms last wanted>`: the SRT port of each show, the same on every
       * encoder replica (they all open a listener for every show that may push). Platform-wide,
       * so in no show's slot.
       */
      srtPorts: () => key('stream-key', 'all', 'srt-ports'),
      /** the SRT listener port encoder-orchestrator opened for the show (short TTL, refreshed while open) */
      srtPort: (broadcastId: string) => show(broadcastId, 'srt-port'),
    },
    /**
     * hash userId -> ban expiry (epoch ms, 0 = no end) for every show. Platform-wide, so in no
     * show's slot: read on its own (`Bans`), never inside a per-show script or MULTI.
     */
    globalBans: () => key('platform', 'all', 'bans'),
    commerce: {
      /** redemption attempts of one API key in one window (INCR + EXPIRE): codes are not guessable by volume */
      redeemAttempts: (apiKeyId: string, window: number) => key('redeem-rate', apiKeyId, String(window)),
    },
    /**
     * The socket.io Redis adapter's channel prefix, so phases do not hear each other. A pub/sub
     * channel, not a key: on a cluster, PUBLISH reaches the subscribers on every node.
     */
    socketIoChannel: () => `${p}socket.io`,
    /**
     * A rate limit's counter: `what` (a route or socket event), `who` (a user id or an IP).
     * The Redis throttler storage wraps it in its own hash tag (`{<key>:<limit name>}:hits`),
     * so one counter is one slot.
     */
    rateLimit: (what: string, who: string) => key('rate-limit', what, who),
  };
}

export type RedisKeys = ReturnType<typeof redisKeys>;
