import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Topics, heartBatchesOf } from '@live/contracts';
import { AnalyticsRepository } from '@live/analytics-data-access';
import { BurstFates } from '@live/burst-data-access';
import { ConsumedEvent } from '@live/kafka';
import { MetricsService } from '@live/metrics';
import { RedisService } from '@live/redis';
import { AppConfig } from '../app.config';
import { COUNTED_TOPICS, InputEvent, fold, keysOf } from './aggregation.plan';

export const AGGREGATED_TOPICS = [...COUNTED_TOPICS, Topics.HeartsTappedV2, Topics.BroadcastLifecycle] as const;
export type AggregatedTopic = (typeof AGGREGATED_TOPICS)[number];
type Topic = AggregatedTopic;
/** unique-viewer HyperLogLogs outlive their show by a week (the final report keeps the count) */
const UNIQUES_TTL_SECONDS = 7 * 24 * 3600;
const PRUNE_EVERY_MS = 10 * 60_000;

/**
 * One consumer group (AggregationConsumer) over chat, sampling, hearts, claims, votes, presence and lifecycle. Each
 * Kafka batch is one Postgres transaction: the events' keys go into `analytics.seen` and only
 * the ones not there before are added to their windows; the offsets are committed after the
 * commit. So a crash anywhere replays at most the batch in hand, and the replay finds its
 * keys and adds nothing: restarts never double count.
 */
@Injectable()
export class AggregationService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AggregationService.name);
  private pruneTimer?: NodeJS.Timeout;
  private readonly countedTotal;
  private readonly lateTotal;

  constructor(
    private readonly redis: RedisService,
    private readonly repo: AnalyticsRepository,
    private readonly fates: BurstFates,
    @Inject(AppConfig) private readonly config: AppConfig,
    metrics: MetricsService,
  ) {
    this.countedTotal = metrics.counter('analytics_events_counted_total', 'events added to their windows');
    this.lateTotal = metrics.counter('analytics_events_late_total', 'events that came later than the allowed lateness');
  }

  onApplicationBootstrap(): void {
    this.pruneTimer = setInterval(() => void this.prune(), PRUNE_EVERY_MS);
  }

  onApplicationShutdown(): void {
    clearInterval(this.pruneTimer);
  }

  /**
   * Drops the claims and votes burst-api gave back (their publish failed and the client got a
   * 503, yet the event reached the log): the same fate burst-api's claims consumer goes by.
   */
  private async withoutVoided(events: ConsumedEvent<Topic>[]): Promise<ConsumedEvent<Topic>[]> {
    const claims: { i: number; broadcastId: string; claimId: string }[] = [];
    const votes: { i: number; broadcastId: string; voteId: string }[] = [];
    events.forEach((e, i) => {
      if (e.topic === Topics.CouponClaimed && 'claimId' in e.value) claims.push({ i, broadcastId: e.value.broadcastId, claimId: e.value.claimId });
      else if (e.topic === Topics.PollVoted && 'voteId' in e.value) votes.push({ i, broadcastId: e.value.broadcastId, voteId: e.value.voteId });
    });
    if (claims.length + votes.length === 0) return events;
    const [claimsKept, votesKept] = await Promise.all([this.fates.settleClaims(claims), this.fates.settleVotes(votes)]);
    const voided = new Set([...claims.filter((_, n) => !claimsKept[n]), ...votes.filter((_, n) => !votesKept[n])].map((x) => x.i));
    if (voided.size) this.logger.log(`skipping ${voided.size} claim(s)/vote(s) given back by burst-api`);
    return voided.size ? events.filter((_, i) => !voided.has(i)) : events;
  }

  async handle(batch: ConsumedEvent<Topic>[]): Promise<void> {
    const events = await this.withoutVoided(batch);
    const counted: InputEvent[] = [];
    const uniques = this.redis.multiPerSlot(); // a show's HyperLogLog is in the show's cluster slot
    let viewersSeen = false;
    for (const e of events) {
      if (e.topic === Topics.BroadcastLifecycle) continue;
      if (e.topic === Topics.HeartsTappedV2 && 'batches' in e.value) {
        // a show's batches in one record: each counted (and deduped) as its own v1 event
        for (const value of heartBatchesOf(e.value)) counted.push({ topic: Topics.HeartsTapped, value, timestamp: e.timestamp });
        continue;
      }
      counted.push({ topic: e.topic, value: e.value, timestamp: e.timestamp });
      // a HyperLogLog ignores repeats: no dedupe needed, and it is written before the commit
      if (e.topic === Topics.ViewerPresence && 'viewerId' in e.value && e.value.change === 'joined') {
        const key = this.redis.keys.analytics.uniqueViewers(e.value.broadcastId);
        uniques.pfadd(key, e.value.viewerId).expire(key, UNIQUES_TTL_SECONDS);
        viewersSeen = true;
      }
    }
    if (viewersSeen) await uniques.exec();

    const late = await this.repo.transaction(async (m) => {
      for (const e of events) if (e.topic === Topics.BroadcastLifecycle && 'status' in e.value) await this.repo.applyLifecycle(m, e.value);
      if (counted.length === 0) return 0;
      const keys = counted.map(keysOf);
      const fresh = await this.repo.claimKeys(m, keys.flat());
      const inc = fold(counted, keys, fresh, this.config.ANALYTICS_LATENESS_MS);
      await this.repo.touchShows(m, inc.shows);
      await this.repo.addWindows(m, 'second_stats', inc.seconds);
      await this.repo.addWindows(m, 'minute_stats', inc.minutes);
      await this.repo.addViewers(m, inc.viewers);
      await this.repo.addHeatmap(m, inc.heatmap);
      await this.repo.addCoupons(m, inc.coupons);
      await this.repo.addVotes(m, inc.votes);
      this.countedTotal.inc([...inc.counted.values()].reduce((a, b) => a + b, 0));
      return inc.shows.reduce((n, s) => n + s.lateDropped, 0);
    });
    if (late > 0) {
      this.lateTotal.inc(late);
      this.logger.warn(`${late} events came more than ${this.config.ANALYTICS_LATENESS_MS} ms late and were not counted`);
    }
  }

  private async prune(): Promise<void> {
    try {
      const n = await this.repo.pruneSeen(this.config.ANALYTICS_DEDUPE_RETENTION_MS);
      if (n > 0) this.logger.log(`pruned ${n} counted-event keys older than the dedupe horizon`);
    } catch (err) {
      this.logger.warn(`prune failed: ${err instanceof Error ? err.message : err}`);
    }
  }
}
