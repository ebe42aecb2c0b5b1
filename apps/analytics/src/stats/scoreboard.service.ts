import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SocketEvents, SocketRooms, StatsTick } from '@live/contracts';
import { AnalyticsRepository, emptyFigures } from '@live/analytics-data-access';
import { RedisService } from '@live/redis';
import { AppConfig } from '../app.config';
import { StreamHealthService } from '../stream-health/stream-health.service';
import { viewerSeries } from './stats.viewers';

/** a show without events for this long, and not live, gets no more ticks */
const ACTIVE_WITHIN_MS = 2 * 60_000;

/**
 * The live scoreboard: every ANALYTICS_TICK_MS, for each active show, the last complete
 * second and the totals so far (all read from what is committed, so a restart loses nothing)
 * go to the show's admin room on every gateway as `stats.tick`.
 */
@Injectable()
export class ScoreboardService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ScoreboardService.name);
  private timer?: NodeJS.Timeout;
  private running = false;
  /** peak concurrent viewers per show, kept up to date from the first tick on */
  private readonly peaks = new Map<string, number>();

  constructor(
    private readonly repo: AnalyticsRepository,
    private readonly redis: RedisService,
    @Inject(AppConfig) private readonly config: AppConfig,
    private readonly streamHealth: StreamHealthService,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.tick(), this.config.ANALYTICS_TICK_MS);
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async tick(now = Date.now()): Promise<void> {
    if (this.running) return; // a slow tick is skipped, never stacked
    this.running = true;
    try {
      const shows = await this.repo.activeShows(ACTIVE_WITHIN_MS);
      // a show that went quiet is forgotten; if it comes back its peak is read again
      const active = new Set(shows);
      for (const s of this.peaks.keys()) if (!active.has(s)) this.peaks.delete(s);
      if (shows.length === 0) return;
      const lastStart = new Date(now - (now % 1_000) - 1_000);
      const fresh = shows.filter((s) => !this.peaks.has(s));
      // one PFCOUNT each (shows sit in different cluster slots; autopipelining batches them)
      const uniques = Promise.all(shows.map((s) => this.redis.client.pfcount(this.redis.keys.analytics.uniqueViewers(s))));
      const [totals, seconds, deltas, counts] = await Promise.all([
        this.repo.totals(shows),
        this.repo.second(shows, lastStart),
        fresh.length ? this.repo.viewerDeltas(fresh) : new Map<string, { start: Date; delta: number }[]>(),
        uniques,
      ]);
      for (const s of fresh) this.peaks.set(s, viewerSeries(deltas.get(s) ?? []).peak);
      shows.forEach((broadcastId, i) => {
        const total = totals.get(broadcastId) ?? emptyFigures();
        const concurrentViewers = total.viewersJoined - total.viewersLeft;
        const peakViewers = Math.max(this.peaks.get(broadcastId) ?? 0, concurrentViewers);
        this.peaks.set(broadcastId, peakViewers);
        const tick: StatsTick = {
          broadcastId,
          at: new Date(now).toISOString(),
          lastSecond: { start: lastStart.toISOString(), ...(seconds.get(broadcastId) ?? emptyFigures()) },
          totals: { ...total, concurrentViewers, peakViewers, uniqueViewers: Number(counts[i] ?? 0) },
        };
        const stream = this.streamHealth.of(broadcastId, now);
        if (stream) tick.stream = stream;
        this.redis.rooms.to(SocketRooms.broadcastAdmin(broadcastId)).emit(SocketEvents.StatsTick, tick);
      });
    } catch (err) {
      this.logger.warn(`tick failed: ${err instanceof Error ? err.message : err}`);
    } finally {
      this.running = false;
    }
  }
}
