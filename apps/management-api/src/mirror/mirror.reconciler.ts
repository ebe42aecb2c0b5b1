import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { BanEntity, BroadcastEntity } from '@live/management-data-access';
import { RedisService } from '@live/redis';
import { randomUUID } from 'node:crypto';
import { DataSource, In, IsNull } from 'typeorm';
import { AppConfig } from '../app.config';
import { MirroredEvent, MirrorService } from './mirror.service';

/**
 * Puts the mirror back when Redis lost it (a restart without its data, a failover to an empty
 * replica): every MIRROR_RECONCILE_MS, the scheduled and live shows whose status key is gone
 * get their status, seller, start time, chat settings and active bans written again from
 * Postgres (the source of truth), and the global bans with them. Without it every join of
 * such a show answers NOT_FOUND until it ends. Shows whose key is there are left alone: the
 * lifecycle events keep those current.
 */
@Injectable()
export class MirrorReconciler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MirrorReconciler.name);
  private timer?: NodeJS.Timeout;
  private running = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly redis: RedisService,
    private readonly mirror: MirrorService,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.reconcile().catch((err: unknown) => this.logger.warn(`mirror reconcile failed: ${err instanceof Error ? err.message : err}`)), this.config.MIRROR_RECONCILE_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** How many shows were mirrored again. */
  async reconcile(): Promise<number> {
    if (this.running) return 0;
    this.running = true;
    try {
      const shows = await this.dataSource.getRepository(BroadcastEntity).find({ where: { status: In(['scheduled', 'live']) } });
      if (shows.length === 0) return 0;
      const { client, keys } = this.redis;
      const present = await Promise.all(shows.map((s) => client.exists(keys.broadcast.status(s.id))));
      const lost = shows.filter((_, i) => present[i] === 0);
      if (lost.length === 0) return 0;
      const bans = await this.dataSource.getRepository(BanEntity).find({ where: [{ broadcastId: In(lost.map((s) => s.id)), liftedAt: IsNull() }, { broadcastId: IsNull(), liftedAt: IsNull() }] });
      const now = Date.now();
      const at = new Date().toISOString();
      const events: MirroredEvent[] = [];
      for (const s of lost) {
        const base = { eventId: randomUUID(), occurredAt: at, broadcastId: s.id };
        events.push({ ...base, sellerId: s.sellerId, status: s.status, at: (s.startedAt ?? s.scheduledAt).toISOString() });
        events.push({ ...base, eventId: randomUUID(), slowModeSeconds: s.chatSlowModeSeconds, displayBudgetPerSecond: s.chatDisplayBudget });
      }
      for (const b of bans) {
        if (b.until && b.until.getTime() <= now) continue;
        events.push({ eventId: randomUUID(), occurredAt: at, action: 'ban', banId: b.id, broadcastId: b.broadcastId, userId: b.userId, reason: b.reason, until: b.until ? b.until.toISOString() : null });
      }
      // only what is still missing: a lifecycle event may have written newer values since the read above
      await this.mirror.apply(events, { fillOnly: true });
      this.logger.warn(`Redis had lost the mirror of ${lost.length} show(s): written again from Postgres`);
      return lost.length;
    } finally {
      this.running = false;
    }
  }
}
