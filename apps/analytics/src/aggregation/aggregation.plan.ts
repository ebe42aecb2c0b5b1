import { StatsFigures, TopicName, TopicPayloads, Topics } from '@live/contracts';
import { WindowRow, emptyFigures } from '@live/analytics-data-access';

/** What the aggregator needs of a consumed event. */
export interface InputEvent {
  topic: TopicName;
  value: TopicPayloads[TopicName];
  /** when the record entered the log (ms): lateness is measured against it, so a replay judges the same */
  timestamp: number;
}

export interface Increments {
  seconds: WindowRow[];
  minutes: WindowRow[];
  viewers: { broadcastId: string; userId: string; chats: number; hearts: number; couponClaims: number }[];
  heatmap: { broadcastId: string; videoSecond: number; hearts: number }[];
  coupons: { broadcastId: string; couponId: string; claims: number }[];
  votes: { broadcastId: string; pollId: string; option: number; votes: number }[];
  shows: { broadcastId: string; lateDropped: number; lastEventAt: Date }[];
  /** counted this batch, per show: the shows the scoreboard should tick for */
  counted: Map<string, number>;
}

type Countable = Exclude<TopicName, typeof Topics.HeartsTappedV2 | typeof Topics.BroadcastLifecycle | typeof Topics.OverlayChanged | typeof Topics.ModerationAction | typeof Topics.ChatSettings | typeof Topics.EncoderIngest | typeof Topics.EncoderHealth | typeof Topics.StreamKeyRotated | typeof Topics.DailyReport>;

type CountedEvent = { [T in Countable]: { topic: T; value: TopicPayloads[T] } }[Countable];

/**
 * The topics analytics counts event by event (lifecycle is read for show status, not counted;
 * a `burst.hearts.tapped.v2` record is counted as the v1 events of its batches).
 */
export const COUNTED_TOPICS = [Topics.ChatAccepted, Topics.ChatSampled, Topics.HeartsTapped, Topics.CouponClaimed, Topics.PollVoted, Topics.ViewerPresence] as const satisfies readonly Countable[];

/**
 * The dedupe keys of an event: what makes "the same event again" the same. Ids that survive
 * a producer's retry are preferred to the envelope's eventId (a claim republished keeps its
 * claimId); a sampled chat window is keyed per line, so a replayed window that decides
 * differently still counts each line once.
 */
export function keysOf(e: InputEvent): string[] {
  const v = e.value as Record<string, unknown>;
  switch (e.topic) {
    case Topics.ChatAccepted:
      return [`chat:${v.messageId}`];
    case Topics.ChatSampled:
      return [...(v.shown as string[]), ...(v.suppressed as string[])].map((id) => `sampled:${id}`);
    case Topics.CouponClaimed:
      return [`claim:${v.claimId}`];
    case Topics.PollVoted:
      return [`vote:${v.voteId}`];
    default:
      return [`event:${v.eventId}`];
  }
}

const SECOND = 1_000;
const MINUTE = 60_000;

/**
 * Folds a batch into increments: `keys[i]` are `keysOf(events[i])` (computed once by the
 * caller, which claims them first); only keys in `fresh` count (the rest were counted before),
 * each in the 1 s and 1 min window of its event time; events that entered the log more than
 * `latenessMs` after they happened are counted as dropped instead.
 */
export function fold(events: InputEvent[], keys: string[][], fresh: Set<string>, latenessMs: number): Increments {
  const seconds = new Map<string, WindowRow>();
  const minutes = new Map<string, WindowRow>();
  const viewers = new Map<string, Increments['viewers'][number]>();
  const heatmap = new Map<string, Increments['heatmap'][number]>();
  const coupons = new Map<string, Increments['coupons'][number]>();
  const votes = new Map<string, Increments['votes'][number]>();
  const shows = new Map<string, Increments['shows'][number]>();
  const counted = new Map<string, number>();

  const window = (map: Map<string, WindowRow>, show: string, at: number, size: number): StatsFigures => {
    const start = at - (at % size);
    const key = `${show}|${start}`;
    let row = map.get(key);
    if (!row) map.set(key, (row = { broadcastId: show, start: new Date(start), ...emptyFigures() }));
    return row;
  };
  const viewer = (show: string, userId: string) => {
    const key = `${show}|${userId}`;
    let row = viewers.get(key);
    if (!row) viewers.set(key, (row = { broadcastId: show, userId, chats: 0, hearts: 0, couponClaims: 0 }));
    return row;
  };
  const add = <T extends { [k: string]: unknown }>(map: Map<string, T>, key: string, init: T, field: keyof T, n: number) => {
    const row = map.get(key) ?? map.set(key, init).get(key)!;
    (row[field] as number) += n;
  };

  for (const [i, e] of events.entries()) {
    const fresh_ = keys[i].filter((k) => fresh.has(k));
    if (fresh_.length === 0) continue;
    // a key appears once per batch as fresh: the next copy of the event in this batch is a duplicate
    for (const k of fresh_) fresh.delete(k);
    const v = e.value as TopicPayloads[Countable];
    const show = v.broadcastId;
    const at = Date.parse(v.occurredAt);
    const s = shows.get(show) ?? shows.set(show, { broadcastId: show, lateDropped: 0, lastEventAt: new Date(at) }).get(show)!;
    if (at > s.lastEventAt.getTime()) s.lastEventAt = new Date(at);
    if (e.timestamp - at > latenessMs) {
      s.lateDropped += 1;
      continue;
    }
    counted.set(show, (counted.get(show) ?? 0) + 1);
    const figures = [window(seconds, show, at, SECOND), window(minutes, show, at, MINUTE)];
    const bump = (field: keyof StatsFigures, n = 1) => figures.forEach((f) => (f[field] += n));
    bump('events');
    const c = e as CountedEvent;
    switch (c.topic) {
      case Topics.ChatAccepted:
        bump('chatsAccepted');
        viewer(show, c.value.userId).chats += 1;
        break;
      case Topics.ChatSampled: {
        const shown = new Set(c.value.shown);
        for (const k of fresh_) bump(shown.has(k.slice('sampled:'.length)) ? 'chatsShown' : 'chatsSuppressed');
        break;
      }
      case Topics.HeartsTapped: {
        const taps = c.value.taps;
        bump('hearts', taps.length);
        viewer(show, c.value.userId).hearts += taps.length;
        for (const t of taps) {
          const second = Math.floor(t / 1000);
          add(heatmap, `${show}|${second}`, { broadcastId: show, videoSecond: second, hearts: 0 }, 'hearts', 1);
        }
        break;
      }
      case Topics.CouponClaimed:
        bump('couponClaims');
        viewer(show, c.value.userId).couponClaims += 1;
        add(coupons, `${show}|${c.value.couponId}`, { broadcastId: show, couponId: c.value.couponId, claims: 0 }, 'claims', 1);
        break;
      case Topics.PollVoted:
        bump('pollVotes');
        add(votes, `${show}|${c.value.pollId}|${c.value.option}`, { broadcastId: show, pollId: c.value.pollId, option: c.value.option, votes: 0 }, 'votes', 1);
        break;
      case Topics.ViewerPresence:
        bump(c.value.change === 'joined' ? 'viewersJoined' : 'viewersLeft');
        break;
    }
  }
  return {
    seconds: [...seconds.values()],
    minutes: [...minutes.values()],
    viewers: [...viewers.values()],
    heatmap: [...heatmap.values()],
    coupons: [...coupons.values()],
    votes: [...votes.values()],
    shows: [...shows.values()],
    counted,
  };
}
