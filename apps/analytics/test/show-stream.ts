import { randomUUID } from 'node:crypto';
import { StatsFigures, TopicName, Topics } from '@live/contracts';

export interface Produced {
  topic: TopicName;
  key: string;
  value: Record<string, unknown>;
}

const empty = (): StatsFigures => ({ events: 0, chatsAccepted: 0, chatsShown: 0, chatsSuppressed: 0, hearts: 0, couponClaims: 0, pollVotes: 0, viewersJoined: 0, viewersLeft: 0 });

/**
 * A known stream of one show's events and what analytics must make of it, counted here
 * directly from the input: totals, per-minute and per-second figures, the heatmap, viewers,
 * claims and votes. Duplicates and late events are added on top and must change nothing
 * (late ones only `lateDropped`).
 */
export class ShowStream {
  readonly events: Produced[] = [];
  readonly totals = empty();
  readonly minutes = new Map<number, StatsFigures>();
  readonly seconds = new Map<number, StatsFigures>();
  readonly heatmap = new Map<number, number>();
  readonly chats = new Map<string, number>();
  readonly hearts = new Map<string, number>();
  readonly claims = new Map<string, number>();
  readonly coupons = new Map<string, number>();
  readonly polls = new Map<string, number[]>();
  readonly presence: { at: number; delta: number }[] = [];
  readonly viewers = new Set<string>();
  lateDropped = 0;

  constructor(readonly show: string) {}

  private push(topic: TopicName, at: number, body: Record<string, unknown>, count: (f: (k: keyof StatsFigures, n?: number) => void) => void): Record<string, unknown> {
    const value = { eventId: randomUUID(), occurredAt: new Date(at).toISOString(), broadcastId: this.show, ...body };
    this.events.push({ topic, key: this.show, value });
    const windows = [this.totals, bucket(this.minutes, at - (at % 60_000)), bucket(this.seconds, at - (at % 1_000))];
    const bump = (k: keyof StatsFigures, n = 1) => windows.forEach((w) => (w[k] += n));
    bump('events');
    count(bump);
    return value;
  }

  chat(userId: string, at: number): string {
    const messageId = randomUUID();
    this.push(Topics.ChatAccepted, at, { messageId, clientMessageId: randomUUID(), userId, userName: userId, roles: ['viewer'], text: 'hi', acceptedAt: new Date(at).toISOString() }, (bump) => bump('chatsAccepted'));
    this.chats.set(userId, (this.chats.get(userId) ?? 0) + 1);
    return messageId;
  }

  sampled(at: number, shown: string[], suppressed: string[]): void {
    this.push(Topics.ChatSampled, at, { shown, suppressed }, (bump) => {
      bump('chatsShown', shown.length);
      bump('chatsSuppressed', suppressed.length);
    });
  }

  private taps = 0;

  /**
   * A heart batch: as burst-api writes it (a `burst.hearts.tapped.v2` record; each third record
   * holds this batch and the one before it), or, every fifth, as a replica of the last
   * version wrote it (a v1 record per batch) during an upgrade.
   */
  tap(userId: string, at: number, taps: number[]): void {
    const n = this.taps++;
    const batch = this.push(Topics.HeartsTapped, at, { userId, batchId: randomUUID().slice(0, 8), taps, totalAfter: 0 }, (bump) => bump('hearts', taps.length));
    if (n % 5 !== 4) {
      this.events.pop();
      const { broadcastId, ...item } = batch;
      const last = this.events[this.events.length - 1];
      if (n % 3 === 2 && last?.topic === Topics.HeartsTappedV2) (last.value.batches as unknown[]).push(item);
      else this.events.push({ topic: Topics.HeartsTappedV2, key: this.show, value: { eventId: randomUUID(), occurredAt: new Date(at).toISOString(), broadcastId, batches: [item] } });
    }
    this.hearts.set(userId, (this.hearts.get(userId) ?? 0) + taps.length);
    for (const t of taps) this.heatmap.set(Math.floor(t / 1000), (this.heatmap.get(Math.floor(t / 1000)) ?? 0) + 1);
  }

  claim(userId: string, couponId: string, at: number): void {
    this.push(Topics.CouponClaimed, at, { claimId: randomUUID(), couponId, userId, ordinal: 1, remaining: 0 }, (bump) => bump('couponClaims'));
    this.claims.set(userId, (this.claims.get(userId) ?? 0) + 1);
    this.coupons.set(couponId, (this.coupons.get(couponId) ?? 0) + 1);
  }

  vote(userId: string, pollId: string, option: number, at: number): void {
    this.push(Topics.PollVoted, at, { voteId: randomUUID(), pollId, userId, option }, (bump) => bump('pollVotes'));
    const votes = this.polls.get(pollId) ?? [0, 0, 0];
    votes[option] += 1;
    this.polls.set(pollId, votes);
  }

  join(viewerId: string, at: number): void {
    this.push(Topics.ViewerPresence, at, { viewerId, change: 'joined', gatewayId: 'gw-1' }, (bump) => bump('viewersJoined'));
    this.presence.push({ at, delta: 1 });
    this.viewers.add(viewerId);
  }

  leave(viewerId: string, at: number): void {
    this.push(Topics.ViewerPresence, at, { viewerId, change: 'left', gatewayId: 'gw-1' }, (bump) => bump('viewersLeft'));
    this.presence.push({ at, delta: -1 });
  }

  /** An event that entered the log more than the allowed lateness after it happened. */
  late(userId: string, at: number): void {
    this.events.push({ topic: Topics.HeartsTapped, key: this.show, value: { eventId: randomUUID(), occurredAt: new Date(at).toISOString(), broadcastId: this.show, userId, batchId: 'late', taps: [1], totalAfter: 0 } });
    this.lateDropped += 1;
  }

  /** Peak and time-weighted average of concurrent viewers, second by second. */
  viewerFigures(): { peak: number; average: number; concurrent: number } {
    const perSecond = new Map<number, number>();
    for (const p of this.presence) perSecond.set(p.at - (p.at % 1000), (perSecond.get(p.at - (p.at % 1000)) ?? 0) + p.delta);
    const seconds = [...perSecond.keys()].sort((a, b) => a - b);
    if (seconds.length === 0) return { peak: 0, average: 0, concurrent: 0 };
    let running = 0;
    let peak = 0;
    let sum = 0;
    for (let s = seconds[0]; s <= seconds[seconds.length - 1]; s += 1000) {
      running += perSecond.get(s) ?? 0;
      peak = Math.max(peak, running);
      sum += running;
    }
    return { peak, average: Number((sum / ((seconds[seconds.length - 1] - seconds[0]) / 1000 + 1)).toFixed(2)), concurrent: running };
  }
}

function bucket(map: Map<number, StatsFigures>, start: number): StatsFigures {
  return map.get(start) ?? map.set(start, empty()).get(start)!;
}

/** Fisher-Yates with a seed, so a failing order can be replayed. */
export function shuffle<T>(items: T[], seed = 42): T[] {
  const out = [...items];
  let x = seed;
  const rand = () => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
