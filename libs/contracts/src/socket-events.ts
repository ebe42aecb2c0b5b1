import type { StreamHealth } from './events/encoder';
import type { ChatLine } from './chat-payloads';
import type { Overlay } from './events/overlay';

/** socket.io event names: short and stable, shared by ws-gateway and its clients. */
export const SocketEvents = {
  Join: 'join',
  Leave: 'leave',
  BroadcastStatus: 'broadcast.status',
  ChatBatch: 'chat.batch',
  ChatDeleted: 'chat.deleted',
  OverlayShow: 'overlay.show',
  OverlayHide: 'overlay.hide',
  ViewersCount: 'viewers.count',
  HeartsCount: 'hearts.count',
  CouponStock: 'coupon.stock',
  PollTally: 'poll.tally',
  /** an operator, admin or the owning seller asks for a show's live scoreboard */
  StatsJoin: 'stats.join',
  StatsLeave: 'stats.leave',
  StatsTick: 'stats.tick',
  /** a replay job's step state and progress, to the show's admin room */
  EncoderProgress: 'encoder.progress',
} as const;

/**
 * burst-api's own socket (viewer -> burst-api, each with an ack): the cheap channel for what a
 * viewer sends many times a show. The HTTP endpoints stay for clients without a socket.
 */
/**
 * burst-api's plain websocket: the same events as its socket.io channel, without engine.io's
 * and socket.io's packet layers. Text frames `{ id, event, data }` in, `{ id, ...ack }` out; the
 * subprotocol must be offered, and carries the token for browsers (`[BURST_WS_PROTOCOL, token]`).
 */
export const BURST_WS_PATH = '/v1/ws';
export const BURST_WS_PROTOCOL = 'burst.v1';

export const BurstSocketEvents = {
  /** `{ broadcastId, batchId, taps }` -> HeartsBatchAck */
  HeartsBatch: 'hearts.batch',
  /** `{ broadcastId, pollId, option }` -> PollVoteAck */
  PollVote: 'poll.vote',
  /** `{ broadcastId, couponId }` -> CouponClaimAck */
  CouponClaim: 'coupon.claim',
} as const;

/** A heart batch's acknowledgement: as the HTTP answer, or a refusal with `retryAfter` (s) when it is a 429. */
export type HeartsBatchAck =
  | { ok: true; batchId: string; accepted: number; total: number }
  | { ok: false; code: string; message: string; field?: string; retryAfter?: number };

/** A vote's acknowledgement: `{ voteId }` as the HTTP 201, or a refusal as HTTP's. */
export type PollVoteAck = { ok: true; voteId: string } | { ok: false; code: string; message: string; field?: string; retryAfter?: number };

/**
 * A coupon claim's acknowledgement: `{ claimId, remaining }` as the HTTP 201 (sent only once the
 * claim is in the Kafka log), or a refusal with the HTTP answer's code and field
 * (NOT_EXPOSED, ALREADY_CLAIMED, SOLD_OUT, BANNED, RATE_LIMITED with `retryAfter`, ...).
 */
export type CouponClaimAck =
  | { ok: true; claimId: string; remaining: number }
  | { ok: false; code: string; message: string; field?: string; retryAfter?: number };

export type SocketEventName = (typeof SocketEvents)[keyof typeof SocketEvents];
export type BurstSocketEventName = (typeof BurstSocketEvents)[keyof typeof BurstSocketEvents];

/** `hearts.count`: the show's heart total, pushed at most every 500 ms */
export interface HeartsCount {
  broadcastId: string;
  total: number;
}

/** `coupon.stock`: what is left of an exposed coupon, pushed at most every 500 ms */
export interface CouponStock {
  broadcastId: string;
  couponId: string;
  remaining: number;
}

/** `poll.tally`: votes per option of an open poll, pushed at most twice a second */
export interface PollTally {
  broadcastId: string;
  pollId: string;
  votes: number[];
}

/** Counts of one window (or of the whole show so far) in analytics. */
export interface StatsFigures {
  /** events counted (after dedupe), of every kind */
  events: number;
  chatsAccepted: number;
  chatsShown: number;
  chatsSuppressed: number;
  hearts: number;
  couponClaims: number;
  pollVotes: number;
  viewersJoined: number;
  viewersLeft: number;
}

/** `stats.tick`: the live scoreboard, every second, to the show's admin room only. */
export interface StatsTick {
  broadcastId: string;
  at: string;
  /** the last complete second of event time */
  lastSecond: StatsFigures & { start: string };
  totals: StatsFigures & { concurrentViewers: number; peakViewers: number; uniqueViewers: number };
  /** the live input's latest health (encoder.stream.health.v1), while the encoder reports it */
  stream?: StatsStream;
}

/** Encoder health as the admin stats room sees it. */
export interface StatsStream extends StreamHealth {
  session: number;
  at: string;
}

/** `encoder.progress`: the same fields as the Kafka event encoder.replay.progress.v1. */
export interface EncoderProgress {
  jobId: string;
  broadcastId: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed';
  step: string | null;
  stepState: 'pending' | 'running' | 'succeeded' | 'failed' | null;
  stepProgress: number | null;
  progress: number;
  reason: string | null;
  at: string;
}

/** socket.io room names. */
export const SocketRooms = {
  broadcast: (broadcastId: string) => `broadcast:${broadcastId}`,
  broadcastAdmin: (broadcastId: string) => `broadcast-admin:${broadcastId}`,
} as const;

/** What a `join` acknowledgement carries: everything a late joiner needs to draw the room. */
export interface JoinSnapshot {
  broadcastId: string;
  status: 'scheduled' | 'live' | 'ended';
  overlays: Overlay[];
  /** the last 50 shown chat lines, oldest first */
  recentChat: ChatLine[];
  serverTime: string;
}

/** Every acknowledgement: `{ ok: true, ... }` or `{ ok: false, code, message, field? }`. */
export type Ack<T> = ({ ok: true } & T) | { ok: false; code: string; message: string; field?: string };
