import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Principal } from '@live/auth';
import { Topics } from '@live/contracts';
import { DataSource } from 'typeorm';
import { AppConfig } from '../app.config';
import { ManagementTx } from '../outbox/management-tx';

const system: Principal = { sub: 'daily-report', name: 'daily report', roles: ['operator'] };

/** The UTC day before `now`, as YYYY-MM-DD. */
export const yesterday = (now: Date) => new Date(now.getTime() - 24 * 3600_000).toISOString().slice(0, 10);

/**
 * Once per seller and UTC day with shows: a `commerce.report.daily.v1` event (shows, claims,
 * redemptions, votes), which the webhooks consumer turns into `report.daily` deliveries.
 * `management.daily_reports` makes it once only, whatever the replicas or restarts; a timer
 * reports the previous day, an admin may (re)run any day (only sellers not yet reported get one).
 */
@Injectable()
export class DailyReportService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('DailyReport');
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly dataSource: DataSource,
    private readonly tx: ManagementTx,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    const tick = () =>
      void this.report(yesterday(new Date())).catch((err) => this.logger.warn(`daily report: ${err instanceof Error ? err.message : err}`));
    this.timer = setInterval(tick, this.config.DAILY_REPORT_CHECK_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Reports `day` for every seller with a show that started (or was scheduled) that day; the number reported now. */
  async report(day: string, user: Principal = system): Promise<{ day: string; reported: number }> {
    return this.tx.run(user, async ({ m, emit }) => {
      const rows: { seller_id: string; show_ids: string[]; claims: string; redemptions: string; votes: string }[] = await m.query(
        `WITH shows AS (
           SELECT id, seller_id FROM management.broadcasts
           WHERE COALESCE(started_at, scheduled_at) >= $1::date AND COALESCE(started_at, scheduled_at) < $1::date + 1),
         fresh AS (
           INSERT INTO management.daily_reports (seller_id, day) SELECT DISTINCT seller_id, $1::date FROM shows
           ON CONFLICT DO NOTHING RETURNING seller_id)
         SELECT f.seller_id, array_agg(s.id::text) AS show_ids,
           (SELECT count(*) FROM management.coupon_codes k WHERE k.broadcast_id IN (SELECT id FROM shows WHERE seller_id = f.seller_id)) AS claims,
           (SELECT count(*) FROM management.coupon_codes k WHERE k.broadcast_id IN (SELECT id FROM shows WHERE seller_id = f.seller_id) AND k.redeemed_at IS NOT NULL) AS redemptions,
           (SELECT count(*) FROM management.viewer_votes v WHERE v.broadcast_id IN (SELECT id::text FROM shows WHERE seller_id = f.seller_id)) AS votes
         FROM fresh f JOIN shows s ON s.seller_id = f.seller_id GROUP BY f.seller_id`,
        [day],
      );
      for (const r of rows) {
        emit(Topics.DailyReport, r.seller_id, {
          sellerId: r.seller_id,
          day,
          showIds: r.show_ids,
          claims: Number(r.claims),
          redemptions: Number(r.redemptions),
          votes: Number(r.votes),
        });
      }
      return { day, reported: rows.length };
    });
  }
}
