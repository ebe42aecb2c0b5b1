import { Inject, Injectable } from '@nestjs/common';
import { CommonErrors } from '@live/errors';
import { Principal } from '@live/auth';
import { StatsFigures } from '@live/contracts';
import { AnalyticsRepository, FIGURE_NAMES, ShowRow, emptyFigures } from '@live/analytics-data-access';
import { RedisService } from '@live/redis';
import { AppConfig } from '../app.config';
import { concurrentAt, peakWithin, viewerSeries } from './stats.viewers';

export type Granularity = '1s' | '1m';
const WINDOW_MS: Record<Granularity, number> = { '1s': 1_000, '1m': 60_000 };
const TOP = 10;

/** Answers of the REST API: windows, the heatmap and the report, from what is committed. */
@Injectable()
export class StatsService {
  constructor(
    private readonly repo: AnalyticsRepository,
    private readonly redis: RedisService,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  /** Operators and admins see every show, a seller its own; 404 for a show analytics never saw. */
  async showFor(user: Principal, broadcastId: string): Promise<ShowRow> {
    const show = await this.repo.show(broadcastId);
    if (!show) throw CommonErrors.notFound('broadcast', 'id');
    const staff = user.roles.some((r) => r === 'admin' || r === 'operator');
    if (!staff && show.sellerId !== user.sub) throw CommonErrors.forbidden("a seller sees its own shows' stats only");
    return show;
  }

  async windows(user: Principal, broadcastId: string, granularity: Granularity, from?: Date, to?: Date) {
    await this.showFor(user, broadcastId);
    const size = WINDOW_MS[granularity];
    const [rows, deltas] = await Promise.all([
      this.repo.windows(granularity === '1s' ? 'second_stats' : 'minute_stats', broadcastId, from, to),
      this.repo.viewerDeltas([broadcastId]),
    ]);
    const { points } = viewerSeries(deltas.get(broadcastId) ?? []);
    return {
      broadcastId,
      granularity,
      windows: rows.map(({ broadcastId: _, start, ...figures }) => ({
        start: start.toISOString(),
        ...pick(figures),
        /** in force at the window's end, and the highest during it */
        concurrentViewers: concurrentAt(points, start.getTime() + size - 1),
        peakViewers: peakWithin(points, start.getTime(), start.getTime() + size),
      })),
    };
  }

  async heatmap(user: Principal, broadcastId: string) {
    await this.showFor(user, broadcastId);
    const seconds = await this.repo.heatmap(broadcastId);
    return { broadcastId, totalHearts: seconds.reduce((n, s) => n + s.hearts, 0), seconds };
  }

  /**
   * Totals are the sum of the show's minutes. The report is final once the show has ended and
   * the allowed lateness has passed since: nothing can change it after that.
   */
  async report(user: Principal, broadcastId: string) {
    const show = await this.showFor(user, broadcastId);
    const final = show.status === 'ended' && show.endedAt !== null && Date.now() >= show.endedAt.getTime() + this.config.ANALYTICS_LATENESS_MS;
    const [totals, minutes, deltas, topChatters, topTappers, claimers, coupons, polls, liveUniques] = await Promise.all([
      this.repo.totals([broadcastId]),
      this.repo.windows('minute_stats', broadcastId),
      this.repo.viewerDeltas([broadcastId]),
      this.repo.topViewers(broadcastId, 'chats', TOP),
      this.repo.topViewers(broadcastId, 'hearts', TOP),
      this.repo.claimers(broadcastId),
      this.repo.coupons(broadcastId),
      this.repo.polls(broadcastId),
      show.uniqueViewers === null ? this.redis.client.pfcount(this.redis.keys.analytics.uniqueViewers(broadcastId)) : Promise.resolve(show.uniqueViewers),
    ]);
    if (final && show.finalizedAt === null) await this.repo.finalize(broadcastId, liveUniques);
    const t = totals.get(broadcastId) ?? emptyFigures();
    const viewers = viewerSeries(deltas.get(broadcastId) ?? []);
    const byPoll = new Map<string, number[]>();
    for (const p of polls) {
      const votes = byPoll.get(p.pollId) ?? byPoll.set(p.pollId, []).get(p.pollId)!;
      while (votes.length <= p.option) votes.push(0);
      votes[p.option] = p.votes;
    }
    return {
      broadcastId,
      status: show.status,
      final,
      startedAt: show.startedAt?.toISOString() ?? null,
      endedAt: show.endedAt?.toISOString() ?? null,
      minutes: minutes.length,
      totals: pick(t),
      viewers: { unique: liveUniques, uniqueIsEstimate: true, concurrent: viewers.current, peak: viewers.peak, average: viewers.average },
      topChatters,
      topTappers,
      coupons: { claims: t.couponClaims, claimers, claimsPerViewer: claimers ? Number((t.couponClaims / claimers).toFixed(3)) : 0, byCoupon: coupons },
      polls: [...byPoll].map(([pollId, votes]) => ({ pollId, votes })),
      lateDropped: show.lateDropped,
    };
  }
}

const pick = (f: StatsFigures): StatsFigures => Object.fromEntries(FIGURE_NAMES.map((n) => [n, f[n]])) as unknown as StatsFigures;
